#!/usr/bin/env python3
"""OCPI 2.2.1 Tokens, a simulated CPO as RECEIVER, end to end (docs/ocpi.md "Tokens"). A real
`ocppfleet serve` with its embedded CSMS as the CPO's backend and the stdlib eMSP of emsp_peer.py.
Checks: without an eMSP the backend accepts any idTag; after the handshake the details list tokens
as RECEIVER; PUT/GET/PATCH by country, party and uid (?type), each bad input a 2001 naming what is
wrong, an unknown token 404/2004, invalid JSON 400, Token A 401, another party's token refused; the
chargers' OCPP Authorize (1.6 and 2.0.1, read from the charger's frame log) is Invalid for a token
nobody pushed, Accepted for a valid one (and its Session carries the eMSP's token), Blocked once
PATCHed valid=false, Invalid for a NEVER-whitelisted one until a START_SESSION grants it; a NEVER
token is put to the eMSP in real time (POST tokens/{uid}/authorize?type=RFID): ALLOWED is Accepted
and its Session carries the eMSP's authorization_reference, BLOCKED is Blocked, unknown Invalid; an
ALLOWED_OFFLINE token is Accepted when the eMSP fails to answer; the tokens survive a restart of
serve; DELETE of the credentials makes the backend permissive again.
Usage: ocpi_tokens_test.py <path-to-ocppfleet> <peers-dir>
"""
import json
import os
import socket
import sys
import tempfile
import time

from api_support import Server, call, check, failures, token, wait_cpo_ready
from emsp_peer import Emsp, ocpi

# mixed-depot: 4 AC chargers on OCPP 1.6 and 2 DC ones, the Kempower always on 2.0.1.
CPO = {"template": "mixed-depot", "country_code": "BE", "party_id": "TOK", "name_prefix": "tok", "seed": 5}
EPOCH = "2000-01-01T00:00:00Z"


class Chargers:
    """The CPO's chargers, driven through the control API, with their Authorize answers read
    from the charger's frame log."""

    def __init__(self, base, api_token, cpo_id):
        self.base, self.api_token = base, api_token
        code, body = call(base, "GET", f"/ocpi/cpos/{cpo_id}/locations", api_token)
        rows = body["data"] if isinstance(body, dict) else body
        self.all = [(l, c) for l in rows for c in l["chargers"]]
        by_version = {}
        for l, c in sorted(self.all, key=lambda lc: lc[1]["identity"]):
            by_version.setdefault(c["ocpp_version"], (l, c))
        self.by_version = by_version

    def command(self, cid, name, event):
        code, answer = call(self.base, "POST", f"/ocpp/commands/{name}", self.api_token,
                            {"target": {"charger_id": cid}, "event": event})
        check(code == 200 and answer["queued_count"] == 1, f"{name} on {cid} queued ({code} {answer})")

    def authorize_answers(self, cid):
        code, logs = call(self.base, "GET", f"/ocpp/chargers/{cid}/logs?event=Authorize&limit=100", self.api_token)
        out = []
        for d in reversed(logs.get("data", []) if code == 200 else []):  # oldest first
            frame = json.loads(d["message"])
            if d["direction"] == "csms_to_cp" and frame[0] == 3:
                info = frame[2].get("idTagInfo") or frame[2].get("idTokenInfo") or {}
                out.append(info.get("status"))
        return out

    def try_start(self, charger, tag, timeout=20):
        """Starts a session with `tag` on connector 1 and returns the CSMS's Authorize answer."""
        cid = charger["charger_id"]
        before = len(self.authorize_answers(cid))
        self.command(cid, "start-session", {"connector_id": 1, "id_tag": tag})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answers = self.authorize_answers(cid)
            if len(answers) > before:
                return answers[before]
            time.sleep(0.2)
        return None

    def stop(self, charger):
        self.command(charger["charger_id"], "stop-session", {"connector_id": 1})


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-ocpi-tok-")
    db = os.path.join(tmp, "api.db")
    alice = token(binary, db, "org-alice")
    # A fixed OCPP port: the CPO's chargers reconnect to the same backend after the restart below.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        ocpp_port = s.getsockname()[1]
    ocpp_listen = ["--ocpp-listen", f"127.0.0.1:{ocpp_port}"]
    server = Server(binary, db, extra=ocpp_listen, provision_timeout="20")
    base = server.base
    emsp = Emsp("token-b-tokens-" + "t" * 16)
    try:
        code, cpo = call(base, "POST", "/ocpi/cpos", alice, CPO)
        check(code == 202, f"a CPO ({code} {cpo})")
        cpo_id, token_a, versions_url = cpo["cpo_id"], cpo["token_a"], cpo["ocpi_peer_url"]
        details_url = versions_url.replace("/versions", "/2.2.1")
        check(wait_cpo_ready(base, alice, cpo_id) == "READY", "the CPO is READY")
        chargers = Chargers(base, alice, cpo_id)
        # The checks below name the version each charger speaks.
        check(sorted(chargers.by_version) == ["OCPP1.6", "OCPP2.0.1"],
              f"the CPO has 1.6 and 2.0.1 chargers ({sorted(chargers.by_version)})")
        c16 = chargers.by_version.get("OCPP1.6", chargers.all[0])[1]
        c201 = chargers.by_version.get("OCPP2.0.1", chargers.all[-1])[1]

        # Without an eMSP, the CPO's backend accepts any idTag (a permissive CSMS).
        answer = chargers.try_start(c16, "FREE-4711")
        check(answer == "Accepted", f"no eMSP yet: an unknown idTag is Accepted ({answer})")
        chargers.stop(c16)

        code, body, _ = ocpi("POST", details_url + "/credentials", token_a, emsp.credentials())
        check(code == 200 and body["status_code"] == 1000, f"handshake ({code} {body})")
        token_c = body["data"]["token"]
        code, body, _ = ocpi("GET", details_url, token_c)
        endpoints = {e["identifier"]: e for e in body["data"]["endpoints"]}
        check(endpoints.get("tokens", {}).get("role") == "RECEIVER", f"details list tokens as RECEIVER ({endpoints})")
        tokens_url = endpoints.get("tokens", {}).get("url", details_url + "/tokens")

        def at(tok, kind=None):
            url = f"{tokens_url}/{tok['country_code']}/{tok['party_id']}/{tok['uid']}"
            return url + (f"?type={kind}" if kind else "")

        # --- The Receiver interface.
        good = emsp.token("TOKGOOD001")
        code, body, _ = ocpi("PUT", at(good), token_a, good)
        check(code == 401, f"Token A is a 401 on tokens ({code})")
        code, body, _ = ocpi("GET", at(good), token_c)
        check(code == 404 and body["status_code"] == 2004, f"an unknown token -> 404/2004 ({code} {body})")
        code, body, _ = ocpi("PUT", at(good), token_c, good)
        check(code == 200 and body["status_code"] == 1000, f"PUT a token ({code} {body})")
        code, body, _ = ocpi("GET", at(good), token_c)
        check(code == 200 and body["data"] == good, f"GET returns it as put ({body})")
        code, body, _ = ocpi("GET", at(good, "APP_USER"), token_c)
        check(code == 404 and body["status_code"] == 2004, f"the same uid as APP_USER is another token ({code})")
        for field, value, word in (("issuer", None, "issuer"), ("whitelist", "SOMETIMES", "whitelist"),
                                   ("uid", "OTHERUID", "uid"), ("valid", "yes", "valid")):
            bad = dict(good)
            if value is None:
                del bad[field]
            else:
                bad[field] = value
            code, body, _ = ocpi("PUT", at(good), token_c, bad)
            check(code == 200 and body["status_code"] == 2001 and word in body["status_message"],
                  f"PUT with a bad {field} -> 2001 naming it ({body})")
        code, body, _ = ocpi("PUT", at(good), token_c, data=b"{nope")
        check(code == 400 and body["status_code"] == 2001, f"invalid JSON -> 400 ({code})")
        foreign = dict(good, country_code="DE", party_id="XYZ")
        code, body, _ = ocpi("PUT", at(foreign), token_c, foreign)
        check(body["status_code"] == 2001 and "DE/XYZ" in body["status_message"],
              f"a party the eMSP did not register as -> 2001 ({body})")
        code, body, _ = ocpi("PATCH", at(good), token_c, {"valid": False})
        check(body["status_code"] == 2001 and "last_updated" in body["status_message"],
              f"a PATCH without last_updated -> 2001 ({body})")
        code, body, _ = ocpi("PATCH", at(emsp.token("NOSUCHTOK1")), token_c,
                             {"valid": False, "last_updated": "2026-12-05T01:00:00Z"})
        check(code == 404 and body["status_code"] == 2004, f"PATCH of an unknown token -> 404/2004 ({body})")

        # --- The backend decides on them: 1.6 and 2.0.1 chargers alike.
        for n, charger in enumerate((c16, c201)):
            answer = chargers.try_start(charger, f"NOBODY{n}")
            check(answer == "Invalid",
                  f"[{charger['ocpp_version']}] a token nobody pushed -> Authorize Invalid ({answer})")
        answer = chargers.try_start(c16, good["uid"])
        check(answer == "Accepted", f"[{c16['ocpp_version']}] the pushed, valid token -> Accepted ({answer})")

        def sessions():
            code, body, _ = ocpi("GET", f"{details_url}/sessions?date_from={EPOCH}", token_c)
            return body["data"] if code == 200 and body["status_code"] == 1000 else []

        deadline, mine = time.monotonic() + 30, []
        while time.monotonic() < deadline and not mine:
            mine = [s for s in sessions() if s["cdr_token"]["uid"] == good["uid"]]
            time.sleep(0.3)
        check(mine and mine[0]["cdr_token"] == {k: good[k] for k in ("country_code", "party_id", "uid", "type",
                                                                        "contract_id")} and
              mine[0]["auth_method"] == "AUTH_REQUEST",
              f"its Session carries the eMSP's token, AUTH_REQUEST (whitelist ALLOWED) ({mine[:1]})")
        check(not [s for s in sessions() if s["cdr_token"]["uid"].startswith("NOBODY")],
              "no Session for the refused tokens")
        chargers.stop(c16)

        code, body, _ = ocpi("PATCH", at(good), token_c, {"valid": False, "last_updated": "2026-12-05T01:00:00Z"})
        check(code == 200 and body["status_code"] == 1000, f"PATCH valid=false ({body})")
        code, body, _ = ocpi("GET", at(good), token_c)
        check(body["data"]["valid"] is False and body["data"]["last_updated"] == "2026-12-05T01:00:00Z" and
              body["data"]["issuer"] == good["issuer"], f"the PATCH merged into the stored token ({body['data']})")
        answer = chargers.try_start(c201, good["uid"])
        check(answer == "Blocked", f"[{c201['ocpp_version']}] a token PATCHed valid=false -> Blocked ({answer})")

        never = emsp.token("TOKNEVER01", whitelist="NEVER")
        ocpi("PUT", at(never), token_c, never)
        answer = chargers.try_start(c201, never["uid"])
        check(answer == "Invalid",
              f"[{c201['ocpp_version']}] a NEVER token the eMSP does not know in real time -> Invalid ({answer})")
        asked = emsp.wait_for(lambda e: [q for u, q in e.authorize_calls if u == never["uid"]], 5)
        check(asked == ["type=RFID"], f"the eMSP was asked in real time, ?type=RFID ({asked})")
        loc, chg = next((l, c) for l, c in chargers.all if c["identity"] not in (c16["identity"], c201["identity"]))
        evse = next(e for e in loc["evses"] if e["charger_identity"] == chg["identity"] and e["connector_id"] == 1)
        code, body, _ = ocpi("POST", endpoints["commands"]["url"] + "/START_SESSION", token_c,
                             {"response_url": emsp.url("/2.2.1/commands/START_SESSION/n1"), "token": never,
                              "location_id": loc["location_id"], "evse_uid": evse["uid"]})
        result = emsp.wait_for(lambda e: e.results.get("START_SESSION/n1"))
        check(result == {"result": "ACCEPTED"}, f"START_SESSION with the NEVER token -> ACCEPTED ({result})")
        deadline, commanded = time.monotonic() + 30, []
        while time.monotonic() < deadline and not commanded:
            commanded = [s for s in sessions() if s["cdr_token"]["uid"] == never["uid"]]
            time.sleep(0.3)
        check(commanded and commanded[0]["auth_method"] == "COMMAND",
              f"the command granted it: a Session, COMMAND ({commanded[:1]})")
        chargers.stop(chg)

        # --- Real-time authorization of NEVER tokens: the eMSP's answer decides.
        rta = emsp.token("TOKRTA0001", whitelist="NEVER")
        ocpi("PUT", at(rta), token_c, rta)
        emsp.authorize_answers[rta["uid"]] = ("ALLOWED", "RTA-REF-0001")
        answer = chargers.try_start(c16, rta["uid"])
        check(answer == "Accepted", f"[{c16['ocpp_version']}] real-time ALLOWED -> Accepted ({answer})")
        deadline, allowed = time.monotonic() + 30, []
        while time.monotonic() < deadline and not allowed:
            allowed = [s for s in sessions() if s["cdr_token"]["uid"] == rta["uid"]]
            time.sleep(0.3)
        check(allowed and allowed[0]["auth_method"] == "AUTH_REQUEST" and
              allowed[0].get("authorization_reference") == "RTA-REF-0001",
              f"its Session: AUTH_REQUEST with the eMSP's authorization_reference ({allowed[:1]})")
        chargers.stop(c16)
        refused = emsp.token("TOKRTA0002", whitelist="NEVER")
        ocpi("PUT", at(refused), token_c, refused)
        emsp.authorize_answers[refused["uid"]] = ("BLOCKED", None)
        answer = chargers.try_start(c201, refused["uid"])
        check(answer == "Blocked", f"[{c201['ocpp_version']}] real-time BLOCKED -> Blocked ({answer})")
        offline = emsp.token("TOKOFFL001", whitelist="ALLOWED_OFFLINE")
        ocpi("PUT", at(offline), token_c, offline)
        emsp.authorize_answers[offline["uid"]] = (500, None)
        answer = chargers.try_start(c201, offline["uid"])
        check(answer == "Accepted",
              f"[{c201['ocpp_version']}] ALLOWED_OFFLINE while the eMSP fails -> Accepted ({answer})")
        check(emsp.wait_for(lambda e: [u for u, _ in e.authorize_calls if u == offline["uid"]], 5),
              "the eMSP was asked about the ALLOWED_OFFLINE token first")
        chargers.stop(c201)

        # --- Restart: the tokens decide again, from the store.
        second = emsp.token("TOKGOOD002", whitelist="ALWAYS")
        ocpi("PUT", at(second), token_c, second)
        server.stop()
        server = Server(binary, db, extra=ocpp_listen, provision_timeout="20")
        base = chargers.base = server.base
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and wait_cpo_ready(base, alice, cpo_id, 5) != "READY":
            time.sleep(0.5)
        details_url = details_url.replace(details_url.split("/ocpi/")[0], base)
        tokens_url = details_url + "/tokens"
        code, body, _ = ocpi("GET", at(second), token_c)
        check(code == 200 and body["data"] == second, f"after a restart the token is still there ({code})")
        time.sleep(3)  # the chargers reconnect to the new backend
        answer = None
        for _ in range(5):
            answer = chargers.try_start(c16, second["uid"])
            if answer is not None:
                break
        check(answer == "Accepted", f"after a restart a pushed token is Accepted ({answer})")
        chargers.stop(c16)
        answer = chargers.try_start(c201, good["uid"])
        check(answer == "Blocked", f"after a restart the blocked token is Blocked ({answer})")

        # --- DELETE of the credentials: the backend is permissive again, the tokens gone.
        code, body, _ = ocpi("DELETE", details_url + "/credentials", token_c)
        check(code == 200 and body["status_code"] == 1000, f"DELETE the credentials ({body})")
        answer = chargers.try_start(c201, "FREE-4712")
        check(answer == "Accepted", f"no eMSP any more: an unknown idTag is Accepted again ({answer})")
    finally:
        emsp.close()
        server.stop()

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
