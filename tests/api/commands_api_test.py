#!/usr/bin/env python3
"""End-to-end checks of POST /ocpp/commands/{name} on `ocppfleet serve`, with a real process,
real HTTP and the strict ocpp-rpc CSMS peer on loopback: each command's OCPP traffic is seen
at the peer, schema-valid. Every wait is bounded; everything started here is stopped here.
Usage: commands_api_test.py <path-to-ocppfleet> <peers-dir>
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from api_support import Peer, Server, call, charger, check, token, wait_status, failures


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-cmd-")
    db = os.path.join(tmp, "api.db")
    token_a, token_b = token(binary, db, "org-a"), token(binary, db, "org-b")
    peer = Peer(peers)
    server = Server(binary, db)
    base = server.base
    try:
        def calls(ident, action, pred=lambda p: True):
            return lambda e: (e.get("event") == "call" and e.get("identity") == ident and e.get("action") == action
                              and pred(e.get("params") or {}))

        def status16(status):
            return lambda p: p.get("connectorId") == 1 and p.get("status") == status

        def status201(status):
            return lambda p: p.get("evseId") == 1 and p.get("connectorStatus") == status

        def command(name, target, event=None, tok=token_a):
            body = {"target": target}
            if event is not None:
                body["event"] = event
            return call(base, "POST", f"/ocpp/commands/{name}", tok, body)

        def queued(name, cid, event=None):
            code, body = command(name, {"charger_id": cid}, event)
            ok = (code == 200 and body["targeted_count"] == 1 and body["queued_count"] == 1 and
                  body["failed_count"] == 0 and body["results"] == [{"charger_id": cid, "status": "queued"}])
            check(ok, f"{name} on {cid}: 200, queued ({code} {body})")
            return ok

        def after(pred, n_before, timeout=10.0):
            return peer.wait(pred, n_before + 1, timeout)

        # A location with a 1.6 and a 2.0.1 charger, both READY.
        code, loc = call(base, "POST", "/ocpp/locations", token_a, {"name": "Depot"})
        check(code == 201, f"location created ({code} {loc})")
        loc_id = loc["id"]
        c16 = call(base, "POST", "/ocpp/chargers", token_a, {**charger(peer, "CMD-16"), "location_id": loc_id})[1]["charger_id"]
        c201 = call(base, "POST", "/ocpp/chargers", token_a,
                    {**charger(peer, "CMD-201", "OCPP2.0.1", ("kempower", "satellite", "CCS2")),
                     "location_id": loc_id})[1]["charger_id"]
        s16, s201 = wait_status(base, token_a, c16), wait_status(base, token_a, c201)
        check(s16["status"] == "READY" and s201["status"] == "READY", f"both chargers READY ({s16} {s201})")
        check(peer.wait(calls("CMD-16", "BootNotification")) and peer.wait(calls("CMD-201", "BootNotification")) and
              peer.wait(calls("CMD-16", "StatusNotification", status16("Available"))) and
              peer.wait(calls("CMD-201", "StatusNotification", status201("Available"))),
              "both booted and reported Available")

        # set-configuration: a 1 s meter interval (1.6 key; 2.0.1 Component.Variable; a number is fine).
        queued("set-configuration", c16, {"key": "MeterValueSampleInterval", "value": "1"})
        queued("set-configuration", c201, {"key": "SampledDataCtrlr.TxUpdatedInterval", "value": 1})

        # plug / unplug -> StatusNotification changes.
        for cid, ident, plugged, free in ((c16, "CMD-16", status16("Preparing"), status16("Available")),
                                          (c201, "CMD-201", status201("Occupied"), status201("Available"))):
            n_plug = peer.count(calls(ident, "StatusNotification", plugged))
            n_free = peer.count(calls(ident, "StatusNotification", free))
            queued("plug-connector", cid)
            check(after(calls(ident, "StatusNotification", plugged), n_plug), f"{ident}: plug-connector -> occupied status")
            queued("unplug-connector", cid, {"connector_id": 1})
            check(after(calls(ident, "StatusNotification", free), n_free), f"{ident}: unplug-connector -> Available")

        # authorize -> Authorize only.
        queued("authorize", c16, {"id_tag": "CARD-16"})
        check(peer.wait(calls("CMD-16", "Authorize", lambda p: p.get("idTag") == "CARD-16")), "1.6 authorize -> Authorize")
        queued("authorize", c201, {"id_tag": "CARD-201"})
        check(peer.wait(calls("CMD-201", "Authorize", lambda p: (p.get("idToken") or {}).get("idToken") == "CARD-201")),
              "2.0.1 authorize -> Authorize")
        time.sleep(0.5)
        check(peer.count(calls("CMD-16", "StartTransaction")) == 0 and
              peer.count(calls("CMD-201", "TransactionEvent")) == 0, "authorize alone starts no transaction")

        # start-session -> Authorize + start, then periodic meter values; stop-session -> stop.
        queued("start-session", c16)
        queued("start-session", c201, {"connector_id": 1, "id_tag": "SIM-201"})
        check(peer.wait(calls("CMD-16", "Authorize", lambda p: p.get("idTag") == "SIM-TAG")) and
              peer.wait(calls("CMD-16", "StartTransaction", lambda p: p.get("idTag") == "SIM-TAG")),
              "1.6 start-session -> Authorize + StartTransaction")
        check(peer.wait(calls("CMD-201", "TransactionEvent", lambda p: p.get("eventType") == "Started")),
              "2.0.1 start-session -> TransactionEvent Started")
        check(peer.wait(calls("CMD-16", "MeterValues", lambda p: "transactionId" in p), 2, timeout=8),
              "1.6: meter values at the 1 s interval")
        check(peer.wait(calls("CMD-201", "TransactionEvent", lambda p: p.get("triggerReason") == "MeterValuePeriodic"),
                        2, timeout=8), "2.0.1: periodic TransactionEvent Updated at the 1 s interval")
        queued("stop-session", c16)
        queued("stop-session", c201)
        check(peer.wait(calls("CMD-16", "StopTransaction", lambda p: p.get("reason") in (None, "Local"))),
              "1.6 stop-session -> StopTransaction")
        check(peer.wait(calls("CMD-201", "TransactionEvent", lambda p: p.get("eventType") == "Ended")),
              "2.0.1 stop-session -> TransactionEvent Ended")
        check(peer.wait(calls("CMD-16", "StatusNotification", status16("Available")), 3),
              "1.6: Available again after stop-session (unplugged)")

        # start-transaction without Authorize; stop-transaction keeps the EV plugged.
        n_auth16, n_auth201 = peer.count(calls("CMD-16", "Authorize")), peer.count(calls("CMD-201", "Authorize"))
        queued("start-transaction", c16, {"id_tag": "DIRECT"})
        queued("start-transaction", c201, {"id_tag": "DIRECT"})
        check(peer.wait(calls("CMD-16", "StartTransaction", lambda p: p.get("idTag") == "DIRECT")),
              "1.6 start-transaction -> StartTransaction")
        check(peer.wait(calls("CMD-201", "TransactionEvent", lambda p: p.get("eventType") == "Started")
                        , 2), "2.0.1 start-transaction -> TransactionEvent Started")
        check(peer.count(calls("CMD-16", "Authorize")) == n_auth16 and
              peer.count(calls("CMD-201", "Authorize")) == n_auth201, "start-transaction sends no Authorize")
        queued("stop-transaction", c16, {"reason": "Other"})
        queued("stop-transaction", c201)
        check(peer.wait(calls("CMD-16", "StopTransaction", lambda p: p.get("reason") == "Other")),
              "1.6 stop-transaction -> StopTransaction reason Other")
        check(peer.wait(calls("CMD-16", "StatusNotification", status16("Finishing"))),
              "1.6 stop-transaction: the EV stays plugged (Finishing)")
        check(peer.wait(calls("CMD-201", "TransactionEvent", lambda p: p.get("eventType") == "Ended"), 2),
              "2.0.1 stop-transaction -> TransactionEvent Ended")
        queued("unplug-connector", c16)
        queued("unlock-connector", c201)
        check(peer.wait(calls("CMD-16", "StatusNotification", status16("Available")), 4) and
              peer.wait(calls("CMD-201", "StatusNotification", status201("Available")), 4),
              "unplug (1.6) and unlock-connector (2.0.1) free the connector")

        # inject-fault / clear-fault.
        for cid, ident, faulted, free in ((c16, "CMD-16", status16("Faulted"), status16("Available")),
                                          (c201, "CMD-201", status201("Faulted"), status201("Available"))):
            n_free = peer.count(calls(ident, "StatusNotification", free))
            queued("inject-fault", cid, {"connector_id": 1, "error_code": "GroundFailure"})
            check(peer.wait(calls(ident, "StatusNotification", faulted)), f"{ident}: inject-fault -> Faulted")
            queued("clear-fault", cid)
            check(after(calls(ident, "StatusNotification", free), n_free), f"{ident}: clear-fault -> Available")
        check(peer.wait(calls("CMD-16", "StatusNotification", lambda p: p.get("errorCode") == "GroundFailure")),
              "1.6 fault carries its errorCode")

        # proxy-message: one CALL through the charger's pipeline.
        for cid, ident in ((c16, "CMD-16"), (c201, "CMD-201")):
            queued("proxy-message", cid, {"action": "DataTransfer",
                                          "payload": {"vendorId": "ocppfleet", "messageId": "ping", "data": ident}})
            check(peer.wait(calls(ident, "DataTransfer", lambda p, i=ident: p.get("vendorId") == "ocppfleet" and
                                  p.get("data") == i)), f"{ident}: proxy-message DataTransfer reaches the peer")

        # A location target: both chargers; charger_ids narrows it.
        n_hb = peer.count(calls("CMD-16", "Heartbeat")) + peer.count(calls("CMD-201", "Heartbeat"))
        code, body = command("proxy-message", {"location_id": loc_id}, {"action": "Heartbeat"})
        check(code == 200 and body["targeted_count"] == 2 and body["queued_count"] == 2 and body["failed_count"] == 0 and
              {r["charger_id"] for r in body["results"]} == {c16, c201}, f"location target: 2 chargers ({code} {body})")
        check(peer.wait(lambda e: e.get("event") == "call" and e.get("action") == "Heartbeat" and
                        e.get("identity") in ("CMD-16", "CMD-201"), n_hb + 2), "both chargers of the location send it")
        code, body = command("authorize", {"location_id": loc_id, "charger_ids": [c201, "chg_nope"]})
        check(code == 200 and body["targeted_count"] == 2 and body["queued_count"] == 1 and
              body["results"][0]["charger_id"] == c201 and body["failed"][0]["charger_id"] == "chg_nope",
              f"charger_ids picks a subset; a stranger is in failed ({code} {body})")

        # reset -> the charger reboots: a second BootNotification.
        for cid, ident, kind in ((c16, "CMD-16", "hard"), (c201, "CMD-201", "soft")):
            n_boot = peer.count(calls(ident, "BootNotification"))
            queued("reset", cid, {"type": kind})
            check(after(calls(ident, "BootNotification"), n_boot, timeout=15), f"{ident}: reset ({kind}) -> a new boot")

        # Errors: unknown command, bad bodies, another org, a charger not running.
        code, body = command("fly-to-moon", {"charger_id": c16})
        check(code == 404 and body == {"detail": "Unknown command 'fly-to-moon'"}, f"unknown command: 404 ({code} {body})")
        code, body = call(base, "POST", "/ocpp/commands/plug-connector", token_a, raw=b"{nope")
        check(code == 422 and body["detail"][0]["type"] == "json_invalid", f"not JSON: 422 ({code} {body})")
        code, body = call(base, "POST", "/ocpp/commands/plug-connector", token_a, {"event": {}})
        check(code == 422 and body["detail"][0]["loc"] == ["body", "target"], f"no target: 422 ({code} {body})")
        code, body = command("plug-connector", {"charger_id": c16, "location_id": loc_id})
        check(code == 422, f"both charger_id and location_id: 422 ({code} {body})")
        code, body = command("start-session", {"charger_id": c16}, {"connector_id": "one", "id_tag": ""})
        locs = {tuple(d["loc"]): d["type"] for d in body.get("detail", [])} if code == 422 else {}
        check(locs.get(("body", "event", "connector_id")) == "int_type" and
              locs.get(("body", "event", "id_tag")) == "string_too_short", f"bad event args: 422 naming each ({body})")
        code, body = command("set-configuration", {"charger_id": c16}, {"value": "1"})
        check(code == 422 and body["detail"][0]["loc"] == ["body", "event", "key"], f"missing key: 422 ({code} {body})")
        code, body = command("proxy-message", {"charger_id": c16}, {"action": "DataTransfer", "payload": [1]})
        check(code == 422, f"a non-object payload: 422 ({code} {body})")
        code, body = command("plug-connector", {"charger_id": c16}, tok=token_b)
        check(code == 404 and body == {"detail": "Charger not found"}, f"another org's charger: 404 ({code} {body})")
        code, body = command("plug-connector", {"location_id": loc_id}, tok=token_b)
        check(code == 404, f"another org's location: 404 ({code} {body})")
        code, body = call(base, "POST", "/ocpp/commands/plug-connector", None, {"target": {"charger_id": c16}})
        check(code == 401, f"no token: 401 ({code})")
        code, body = call(base, "POST", f"/ocpp/chargers/{c16}/stop-charger", token_a)
        check(code == 200, "stop-charger")
        code, body = command("plug-connector", {"location_id": loc_id})
        check(code == 200 and body["targeted_count"] == 2 and body["queued_count"] == 1 and
              body["failed"] == [{"charger_id": c16, "error": "charger is not running"}],
              f"a stopped charger is in failed: not running ({code} {body})")
        check(peer.count(lambda e: e.get("event") == "strict_violation") == 0,
              f"zero strict schema violations ({[e for e in peer.events if e.get('event') == 'strict_violation'][:2]})")
    finally:
        rc = server.stop()
        check(rc == 0, f"SIGTERM shuts the server down cleanly (exit {rc})")
        peer.close()
    print(f"{len(failures)} failed" if failures else "all command API checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
