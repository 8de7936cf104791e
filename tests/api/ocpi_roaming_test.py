#!/usr/bin/env python3
"""An eMSP roams against a simulated CPO, end to end (docs/ocpi.md): a real `ocppfleet serve`
whose CPO chargers are real simulated chargers at the CPO's embedded backend, and the eMSP of
emsp_peer.py. Checks: after the handshake the CPO PUTs its Locations to the eMSP and PATCHes
EVSE statuses as the chargers report them; commands (START_SESSION, STOP_SESSION,
UNLOCK_CONNECTOR, RESERVE_NOW, CANCEL_RESERVATION) answer a CommandResponse at once and POST
the CommandResult to response_url with Token B; the session a START_SESSION begins is PUT to the
eMSP (COMMAND, the command's token and reference), STOP_SESSION ends it, it is PATCHed COMPLETED
and exactly one CDR is POSTed; a pushed call the eMSP refuses is retried; the whole flow once with
Token B Base64-encoded and once raw (PATCH /ocpi/cpos/{id}); two CPOs of one seed publish the same
Locations and Tariffs; a CDR the eMSP refused before `serve` stopped is delivered by the next one.
Usage: ocpi_roaming_test.py <path-to-ocppfleet> <peers-dir>
"""
import json
import os
import sys
import tempfile
import time

from api_support import Server, call, check, failures, token, wait_cpo_ready
from emsp_peer import Emsp, ocpi


def cpo_request(party):
    return {"template": "small-urban-ac", "country_code": "FR", "party_id": party, "name_prefix": "rm" + party.lower(),
            "seed": 11, "overrides": {"locations": 2, "chargers_per_location": 1}}


def handshake(cpo, emsp):
    """Versions and details with Token A, POST credentials: (Token C, endpoints by identifier)."""
    _, body, _ = ocpi("GET", cpo["ocpi_peer_url"], cpo["token_a"])
    details_url = body["data"][0]["url"]
    _, body, _ = ocpi("GET", details_url, cpo["token_a"])
    endpoints = {e["identifier"]: e for e in body["data"]["endpoints"]}
    code, body, _ = ocpi("POST", endpoints["credentials"]["url"], cpo["token_a"], emsp.credentials())
    check(code == 200 and body["status_code"] == 1000, f"handshake ({body.get('status_message')})")
    return body["data"]["token"], endpoints


def roam(base, api_token, party, raw):
    mode = "raw" if raw else "base64"
    code, cpo = call(base, "POST", "/ocpi/cpos", api_token, cpo_request(party))
    check(code == 202, f"[{mode}] a CPO ({code})")
    if raw:
        code, body = call(base, "PATCH", f"/ocpi/cpos/{cpo['cpo_id']}", api_token, {"ocpi_token_encoding": "raw"})
        check(code == 200 and body["ocpi_token_encoding"] == "raw", f"[{mode}] PATCH switches Token B to raw ({body})")
        code, body = call(base, "PATCH", f"/ocpi/cpos/{cpo['cpo_id']}", api_token, {"ocpi_token_encoding": "hex"})
        check(code == 422 and body["detail"][0]["loc"][-1] == "ocpi_token_encoding",
              f"[{mode}] an unknown encoding is a 422 naming the field ({code})")
    check(wait_cpo_ready(base, api_token, cpo["cpo_id"]) == "READY", f"[{mode}] the CPO is READY")
    emsp = Emsp("emsp-token-b-" + mode + "-0123456789", raw=raw)
    try:
        token_c, endpoints = handshake(cpo, emsp)
        check("commands" in endpoints and endpoints["commands"]["role"] == "RECEIVER",
              f"[{mode}] the details list commands as RECEIVER ({sorted(endpoints)})")
        commands_url = endpoints["commands"]["url"]

        # The eMSP's copy starts complete: every Location PUT, then EVSE PATCHes follow.
        got = emsp.wait_for(lambda e: len(e.locations) == 2 and e.locations)
        check(got is not None, f"[{mode}] the CPO PUT its 2 Locations to the eMSP ({list(emsp.locations)})")
        check(not emsp.bad_auth, f"[{mode}] every push carried Token B {mode} ({emsp.bad_auth[:1]})")
        location = sorted(emsp.locations.values(), key=lambda l: l["id"])[0]
        evse = location["evses"][0]
        check(location["party_id"] == cpo["party"]["party_id"] and evse["status"] in ("AVAILABLE", "UNKNOWN"),
              f"[{mode}] a pushed Location is ours, its EVSE not charging ({evse['status']})")

        code, body, _ = ocpi("POST", commands_url + "/START_SESSION", cpo["token_a"], {})
        check(code == 401, f"[{mode}] Token A is a 401 on commands ({code})")
        code, body, _ = ocpi("POST", commands_url + "/START_SESSION", token_c, data=b"{nope")
        check(code == 400, f"[{mode}] invalid JSON is a 400 ({code})")
        code, body, _ = ocpi("POST", commands_url + "/START_SESSION", token_c, {"location_id": location["id"]})
        check(code == 200 and body["status_code"] == 2001 and "response_url" in body["status_message"],
              f"[{mode}] no response_url -> 2001 naming it ({body})")
        code, body, _ = ocpi("POST", commands_url + "/FLY_TO_MOON", token_c, {"response_url": emsp.url("/x")})
        check(body["data"]["result"] == "NOT_SUPPORTED", f"[{mode}] an unknown command -> NOT_SUPPORTED ({body})")

        tok = emsp.token("EMSPUID" + mode.upper())
        # The eMSP pushes the token it will start with (Tokens RECEIVER), and reads it back.
        token_url = f"{endpoints['tokens']['url']}/{tok['country_code']}/{tok['party_id']}/{tok['uid']}"
        code, body, _ = ocpi("PUT", token_url, token_c, tok, raw=raw)
        check(code == 200 and body["status_code"] == 1000, f"[{mode}] PUT of a token ({body})")
        code, body, _ = ocpi("GET", token_url + "?type=RFID", token_c, raw=raw)
        check(code == 200 and body["data"] == tok, f"[{mode}] the token reads back as pushed ({body})")
        start = {"response_url": emsp.url("/2.2.1/commands/START_SESSION/1"), "token": tok,
                 "location_id": location["id"], "evse_uid": evse["uid"], "authorization_reference": "auth-ref-1"}
        code, body, _ = ocpi("POST", commands_url + "/START_SESSION", token_c, dict(start, location_id="NOPE"))
        check(body["data"]["result"] == "REJECTED", f"[{mode}] START_SESSION at an unknown Location -> REJECTED")
        sent = time.monotonic()
        code, body, _ = ocpi("POST", commands_url + "/START_SESSION", token_c, start)
        check(code == 200 and body["status_code"] == 1000 and body["data"]["result"] == "ACCEPTED" and
              body["data"]["timeout"] > 0, f"[{mode}] START_SESSION -> CommandResponse ACCEPTED at once ({body})")
        result = emsp.wait_for(lambda e: e.results.get("START_SESSION/1"))
        check(result == {"result": "ACCEPTED"}, f"[{mode}] CommandResult ACCEPTED at response_url ({result})")
        if result:
            print(f"     START_SESSION -> CommandResult in {1000 * (time.monotonic() - sent):.0f} ms")
        patch = emsp.wait_for(lambda e: [p for p in e.evse_patches
                                         if p[:2] == (location["id"], evse["uid"]) and p[2]["status"] == "CHARGING"])
        check(patch is not None and patch[0][2].get("last_updated"),
              f"[{mode}] the EVSE's CHARGING status PATCHed to the eMSP ({emsp.evse_patches[-3:]})")

        # The session the command started: PUT to the eMSP (PATCHes follow as it changes).
        session = emsp.wait_for(lambda e: [s for s in e.sessions.values()
                                           if s.get("cdr_token", {}).get("uid") == tok["uid"]])
        check(session is not None and session[0]["status"] == "ACTIVE" and session[0]["auth_method"] == "COMMAND" and
              session[0]["authorization_reference"] == "auth-ref-1" and session[0]["location_id"] == location["id"],
              f"[{mode}] the Session PUT to the eMSP: ACTIVE, COMMAND, the command's token and reference")
        session_id = session[0]["id"] if session else "?"

        # Unlock the other location's connector: unlocking the charging one would end the session.
        other = sorted(emsp.locations.values(), key=lambda l: l["id"])[1]
        unlock = {"response_url": emsp.url("/2.2.1/commands/UNLOCK_CONNECTOR/2"), "location_id": other["id"],
                  "evse_uid": other["evses"][0]["uid"], "connector_id": "1"}
        code, body, _ = ocpi("POST", commands_url + "/UNLOCK_CONNECTOR", token_c, unlock)
        check(body["data"]["result"] == "ACCEPTED", f"[{mode}] UNLOCK_CONNECTOR -> ACCEPTED ({body})")
        result = emsp.wait_for(lambda e: e.results.get("UNLOCK_CONNECTOR/2"))
        check(result is not None and result["result"] in ("ACCEPTED", "FAILED", "NOT_SUPPORTED"),
              f"[{mode}] UNLOCK_CONNECTOR's CommandResult arrives ({result})")

        reserve = {"response_url": emsp.url("/2.2.1/commands/RESERVE_NOW/3"), "token": tok,
                   "expiry_date": "2030-01-01T00:00:00Z", "reservation_id": "res-1", "location_id": other["id"]}
        code, body, _ = ocpi("POST", commands_url + "/RESERVE_NOW", token_c, dict(reserve, expiry_date="soon"))
        check(body["status_code"] == 2001 and "expiry_date" in body["status_message"],
              f"[{mode}] RESERVE_NOW with a bad expiry_date -> 2001 naming it ({body})")
        code, body, _ = ocpi("POST", commands_url + "/RESERVE_NOW", token_c, reserve)
        check(body["data"]["result"] == "ACCEPTED", f"[{mode}] RESERVE_NOW -> ACCEPTED ({body})")
        result = emsp.wait_for(lambda e: e.results.get("RESERVE_NOW/3"))
        # The simulated chargers do not implement reservations yet (issue 18): they answer a
        # CALLERROR, which the eMSP must hear as NOT_SUPPORTED rather than silence.
        check(result is not None and result["result"] in ("ACCEPTED", "NOT_SUPPORTED"),
              f"[{mode}] RESERVE_NOW's CommandResult arrives ({result})")
        cancel = {"response_url": emsp.url("/2.2.1/commands/CANCEL_RESERVATION/4"), "reservation_id": "res-1"}
        code, body, _ = ocpi("POST", commands_url + "/CANCEL_RESERVATION", token_c, cancel)
        check(body["data"]["result"] == "ACCEPTED", f"[{mode}] CANCEL_RESERVATION of ours -> ACCEPTED ({body})")
        result = emsp.wait_for(lambda e: e.results.get("CANCEL_RESERVATION/4"))
        check(result is not None and result["result"] in ("ACCEPTED", "NOT_SUPPORTED", "UNKNOWN_RESERVATION"),
              f"[{mode}] CANCEL_RESERVATION's CommandResult arrives ({result})")
        code, body, _ = ocpi("POST", commands_url + "/CANCEL_RESERVATION", token_c,
                             dict(cancel, reservation_id="never-made"))
        check(body["data"]["result"] == "REJECTED", f"[{mode}] CANCEL_RESERVATION of an unknown one -> REJECTED")
        code, body, _ = ocpi("POST", commands_url + "/STOP_SESSION", token_c,
                             {"response_url": emsp.url("/x"), "session_id": "999999"})
        check(body["data"]["result"] == "UNKNOWN_SESSION", f"[{mode}] STOP_SESSION of no session -> UNKNOWN_SESSION")

        stop = {"response_url": emsp.url("/2.2.1/commands/STOP_SESSION/6"), "session_id": session_id}
        code, body, _ = ocpi("POST", commands_url + "/STOP_SESSION", token_c, stop)
        check(body["data"]["result"] == "ACCEPTED", f"[{mode}] STOP_SESSION of the session -> ACCEPTED ({body})")
        result = emsp.wait_for(lambda e: e.results.get("STOP_SESSION/6"))
        check(result == {"result": "ACCEPTED"}, f"[{mode}] STOP_SESSION's CommandResult ACCEPTED ({result})")
        done = emsp.wait_for(lambda e: e.sessions.get(session_id, {}).get("status") == "COMPLETED")
        patched = [c for c in emsp.session_calls if c[:2] == ("PATCH", session_id) and c[2].get("status") == "COMPLETED"]
        check(done and patched and "end_date_time" in patched[0][2],
              f"[{mode}] the Session is PATCHed COMPLETED with its end ({emsp.sessions.get(session_id)})")
        cdr = emsp.wait_for(lambda e: [c for c in e.cdrs if c["session_id"] == session_id])
        check(cdr is not None and len(cdr) == 1 and cdr[0]["cdr_token"]["uid"] == tok["uid"] and
              cdr[0]["total_energy"] >= 0 and "total_cost" in cdr[0],
              f"[{mode}] exactly one CDR POSTed for it, with its token, energy and cost "
              f"({cdr[0]['total_energy'] if cdr else None} kWh, {cdr[0]['total_cost'] if cdr else None})")
        code, body, _ = ocpi("POST", commands_url + "/STOP_SESSION", token_c, stop)
        check(body["data"]["result"] == "REJECTED", f"[{mode}] STOP_SESSION of an ended session -> REJECTED")

        # A push the eMSP refuses is retried until taken.
        with emsp.lock:
            emsp.fail_next = 2
        unlock2 = dict(unlock, response_url=emsp.url("/2.2.1/commands/UNLOCK_CONNECTOR/5"))
        ocpi("POST", commands_url + "/UNLOCK_CONNECTOR", token_c, unlock2)
        result = emsp.wait_for(lambda e: e.results.get("UNLOCK_CONNECTOR/5"), timeout=30)
        check(result is not None and emsp.failed == 2,
              f"[{mode}] refused twice (HTTP 500), the CommandResult still arrives ({result}, {emsp.failed} refused)")
        return cpo, emsp, token_c, endpoints
    except Exception:
        emsp.close()
        raise


def crawl(url, token_c, raw):
    """Every object of a SENDER module, following Link."""
    out, url = [], url + ("&" if "?" in url else "?") + "limit=1"
    while url:
        code, body, headers = ocpi("GET", url, token_c, raw=raw)
        if code != 200 or body["status_code"] != 1000:
            check(False, f"GET {url} ({code} {body})")
            break
        out += body["data"]
        link = headers.get("Link")
        url = link[link.index("<") + 1:link.index(">")] if link else None
    return out


def network_shape(objects, prefix, party):
    """A module's objects without what differs between two CPOs of one seed: party (also inside
    eMI3 EVSE ids), the charger name prefix, timestamps and live statuses."""
    text = json.dumps(objects, sort_keys=True).replace(prefix, "<prefix>").replace(f"*{party}*", "*<party>*")
    shaped = json.loads(text)

    def strip(o):
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items()
                    if k not in ("party_id", "country_code", "last_updated", "status")}
        if isinstance(o, list):
            return [strip(v) for v in o]
        return o
    return strip(shaped)


def same_seed_same_network(runs):
    """Two CPOs of one template and seed publish the same network, modulo party, prefix and ids."""
    shapes = []
    for cpo, _, token_c, endpoints, raw in runs:
        prefix, party = cpo["name_prefix"], cpo["party"]["party_id"]
        shapes.append({m: network_shape(crawl(endpoints[m]["url"], token_c, False), prefix, party)
                       for m in ("locations", "tariffs") if m in endpoints})
    check(shapes[0] and shapes[0] == shapes[1],
          f"two CPOs with the same seed publish identical {sorted(shapes[0])} (modulo party, prefix, ids)")


def rotate_and_delete(run):
    """PUT credentials re-fetches the eMSP (with Token B in this CPO's encoding) and rotates
    Token C; DELETE unregisters: the token is dead and nothing more is pushed."""
    cpo, emsp, token_c, endpoints, raw = run
    mode = "raw" if raw else "base64"
    cred_url = endpoints["credentials"]["url"]
    with emsp.lock:
        emsp.calls.clear()
        emsp.bad_auth.clear()
    code, body, _ = ocpi("PUT", cred_url, token_c, emsp.credentials())
    token_c2 = body["data"]["token"] if code == 200 and body.get("data") else None
    check(token_c2 and token_c2 != token_c and not emsp.bad_auth,
          f"[{mode}] PUT rotates Token C after re-fetching the eMSP with Token B {mode} ({body})")
    check(ocpi("GET", endpoints["locations"]["url"], token_c)[0] == 401, f"[{mode}] the old Token C is dead")
    check(emsp.wait_for(lambda e: len([c for c in e.calls if c[0] == "PUT" and "/locations/" in c[1]]) >= 2),
          f"[{mode}] after the PUT the eMSP's Locations are sent again in full")
    code, body, _ = ocpi("DELETE", cred_url, token_c2)
    check(code == 200 and body["status_code"] == 1000, f"[{mode}] DELETE unregisters ({body})")
    check(ocpi("GET", endpoints["locations"]["url"], token_c2)[0] == 401, f"[{mode}] after DELETE Token C is a 401")


def cdr_survives_restart(binary, db, server, run):
    """A CDR the eMSP could not take before `serve` stopped is delivered by the next `serve`."""
    cpo, emsp, token_c, endpoints, _ = run
    commands_url = endpoints["commands"]["url"]
    location = sorted(emsp.locations.values(), key=lambda l: l["id"])[1]
    tok = emsp.token("RESTARTUID1")
    start = {"response_url": emsp.url("/2.2.1/commands/START_SESSION/r1"), "token": tok,
             "location_id": location["id"], "evse_uid": location["evses"][0]["uid"]}
    ocpi("POST", commands_url + "/START_SESSION", token_c, start)
    session = emsp.wait_for(lambda e: [s for s in e.sessions.values() if s["cdr_token"]["uid"] == tok["uid"]])
    check(session is not None, "a second session to stop while the eMSP refuses")
    if not session:
        return server
    with emsp.lock:
        emsp.fail_next = 10 ** 6
    ocpi("POST", commands_url + "/STOP_SESSION", token_c,
         {"response_url": emsp.url("/2.2.1/commands/STOP_SESSION/r2"), "session_id": session[0]["id"]})
    refused = emsp.wait_for(lambda e: [r for r in e.refused if r[1].endswith("/cdrs")])
    check(refused is not None, "the eMSP refused the CDR POST")
    server.stop()
    server = Server(binary, db, provision_timeout="20")
    with emsp.lock:
        emsp.fail_next = 0
    cdr = emsp.wait_for(lambda e: [c for c in e.cdrs if c["session_id"] == session[0]["id"]], timeout=60)
    check(cdr is not None and len(cdr) == 1, "after a restart of serve the CDR is delivered, once")
    return server


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-roam-")
    db = os.path.join(tmp, "api.db")
    alice = token(binary, db, "org-alice")
    server = Server(binary, db, provision_timeout="20")
    peers, runs = [], []
    try:
        for party, raw in (("RMB", False), ("RMR", True)):
            cpo, emsp, token_c, endpoints = roam(server.base, alice, party, raw)
            peers.append(emsp)
            runs.append((cpo, emsp, token_c, endpoints, raw))
        same_seed_same_network(runs)
        rotate_and_delete(runs[1])
        server = cdr_survives_restart(binary, db, server, runs[0])
    finally:
        for p in peers:
            p.close()
        server.stop()
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
