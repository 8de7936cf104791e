#!/usr/bin/env python3
"""OCPI 2.2.1 credentials handshake against a simulated CPO, end to end (docs/ocpi.md). A real
`ocppfleet serve`; the eMSP is a small peer written here from the spec (Python standard library
only, independent of the C++ code): it serves its versions, 2.2.1 details and credentials, and
records what the CPO sends it. Checks: versions and details with Token A (Base64 and raw);
401 without or with a wrong token; the POST with Token A makes the CPO fetch the eMSP's versions
and details with Token B (Base64) before answering Token C; Token A is dead afterwards; a second
POST is 405; GET credentials; X-Request-ID/X-Correlation-ID echoed; PUT rotates Token C; DELETE
unregisters; 3001/3002/3003 for an unusable eMSP; 400 for invalid JSON, 2001 for a bad object;
a token of one CPO is a 401 on another.
Usage: ocpi_credentials_test.py <path-to-ocppfleet> <peers-dir>
"""
import base64
import json
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from api_support import Server, call, check, failures, token
from emsp_peer import envelope, ocpi

CPO = {"template": "small-urban-ac", "country_code": "FR", "party_id": "OCP", "name_prefix": "roam", "seed": 3,
       "overrides": {"locations": 3, "chargers_per_location": 1}}


class Emsp:
    """The eMSP side: versions -> 2.2.1 details -> credentials, configurable to misbehave."""

    def __init__(self, token_b, offer_221=True, with_credentials=True):
        self.token_b, self.offer_221, self.with_credentials = token_b, offer_221, with_credentials
        self.seen = []  # (path, Authorization)
        emsp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                emsp.seen.append((self.path, self.headers.get("Authorization")))
                expected = "Token " + base64.b64encode(emsp.token_b.encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self.reply(401, {"status_code": 2000, "status_message": "bad token", "timestamp": "x"})
                base = f"http://127.0.0.1:{emsp.port}"
                if self.path == "/versions":
                    versions = [{"version": "2.1.1", "url": base + "/2.1.1"}]
                    if emsp.offer_221:
                        versions.append({"version": "2.2.1", "url": base + "/2.2.1"})
                    return self.reply(200, envelope(versions))
                if self.path == "/2.2.1":
                    endpoints = [{"identifier": "tokens", "role": "SENDER", "url": base + "/2.2.1/tokens"}]
                    if emsp.with_credentials:
                        endpoints.append({"identifier": "credentials", "role": "RECEIVER",
                                          "url": base + "/2.2.1/credentials"})
                    return self.reply(200, envelope({"version": "2.2.1", "endpoints": endpoints}))
                return self.reply(404, {})

            def reply(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def credentials(self):
        return {"token": self.token_b, "url": f"http://127.0.0.1:{self.port}/versions",
                "roles": [{"role": "EMSP", "party_id": "EMS", "country_code": "NL",
                           "business_details": {"name": "Test eMSP"}}]}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def check_locations(base, api_token, cpo, details_url, token_c):
    """Locations as SENDER: a crawl with limit=1 following Link, the headers, one Location /
    EVSE / Connector, EVSE status from the backend."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        _, st = call(base, "GET", f"/ocpi/cpos/{cpo['cpo_id']}/status", api_token)
        if st["status"] in ("READY", "FAILED"):
            break
        time.sleep(0.2)
    check(st["status"] == "READY", f"the CPO is READY before the crawl ({st['status']})")
    code, body, _ = ocpi("GET", details_url, token_c)
    url = {e["identifier"]: e["url"] for e in body["data"]["endpoints"]}.get("locations")
    # READY means every charger booted; their StatusNotifications reach the backend's store
    # just after. Wait for them (bounded) before asserting on the EVSE statuses.
    statuses = []
    while url and time.monotonic() < deadline:
        _, page, _ = ocpi("GET", url, token_c)
        statuses = [e["status"] for l in page["data"] for e in l["evses"]]
        if statuses and all(s == "AVAILABLE" for s in statuses):
            break
        time.sleep(0.2)
    check(url is not None, "the details list locations")
    crawled, pages = [], 0
    url += "?limit=1"
    while url and pages < 10:
        code, body, headers = ocpi("GET", url, token_c)
        pages += 1
        check(code == 200 and body["status_code"] == 1000 and len(body["data"]) == 1 and
              headers.get("X-Total-Count") == "3" and headers.get("X-Limit") == "1",
              f"page {pages}: one Location, X-Total-Count 3, X-Limit 1 ({code} {headers.get('X-Total-Count')})")
        crawled += body["data"]
        link = headers.get("Link")
        url = link[link.index("<") + 1:link.index(">")] if link else None
        if url:
            check('rel="next"' in link and "limit=1" in url, f"Link keeps the limit ({link})")
    check(pages == 3 and len({l["id"] for l in crawled}) == 3, f"3 pages, 3 distinct Locations ({pages})")
    stamps = [l["last_updated"] for l in crawled]
    check(stamps == sorted(stamps), "oldest first")
    first = crawled[0]
    check(first["country"] == "FRA" and first["country_code"] == "FR" and first["party_id"] == "OCP" and
          isinstance(first["coordinates"]["latitude"], str) and first["time_zone"],
          f"alpha-3 country, party, string coordinates, time zone ({first['country']})")
    check(all(e["status"] == "AVAILABLE" for l in crawled for e in l["evses"]),
          f"EVSE status follows the chargers' OCPP Available ({[e['status'] for l in crawled for e in l['evses']]})")
    check(all(e["last_updated"] <= l["last_updated"] for l in crawled for e in l["evses"]),
          "last_updated bumped up the tree")
    loc_url = details_url + "/locations/" + first["id"]
    code, body, _ = ocpi("GET", loc_url, token_c)
    check(code == 200 and body["data"]["id"] == first["id"], "GET one Location")
    evse = first["evses"][0]
    code, body, _ = ocpi("GET", f"{loc_url}/{evse['uid']}", token_c)
    check(code == 200 and body["data"]["uid"] == evse["uid"], "GET one EVSE")
    code, body, _ = ocpi("GET", f"{loc_url}/{evse['uid']}/1", token_c)
    check(code == 200 and body["data"]["id"] == "1" and body["data"]["standard"], "GET one Connector")
    code, body, _ = ocpi("GET", details_url + "/locations/NOPE", token_c)
    check(code == 404 and body["status_code"] == 2003, f"unknown Location -> 404/2003 ({code})")
    code, body, headers = ocpi("GET", details_url + "/locations?date_from=2200-01-01T00:00:00Z", token_c)
    check(code == 200 and body["data"] == [] and headers.get("X-Total-Count") == "0", "date_from filters")
    code, body, headers = ocpi("GET", details_url + "/locations?limit=1000", token_c)
    check(headers.get("X-Limit") == "100" and len(body["data"]) == 3 and "Link" not in headers,
          "limit capped at 100 (X-Limit says so), no Link on the last page")
    code, body, _ = ocpi("GET", details_url + "/locations?offset=-1", token_c)
    check(body["status_code"] == 2001, "a bad offset -> 2001")
    code, body, _ = ocpi("GET", details_url + "/locations?date_from=2999-01-01T00:00:00Z", token_c)
    check(code == 200 and body["status_code"] == 2001, "a date past the clock's range -> 2001, not a crash")


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-ocpi-")
    db = os.path.join(tmp, "api.db")
    alice = token(binary, db, "org-alice")
    server = Server(binary, db, provision_timeout="20")
    base = server.base
    emsp = Emsp("token-b-" + "x" * 20)
    try:
        code, cpo = call(base, "POST", "/ocpi/cpos", alice, CPO)
        check(code == 202, f"a CPO to roam with ({code})")
        token_a, versions_url = cpo["token_a"], cpo["ocpi_peer_url"]
        check(versions_url == f"{base}/ocpi/cpo/{cpo['cpo_id']}/versions", f"ocpi_peer_url ({versions_url})")

        code, body, headers = ocpi("GET", versions_url, token_a,
                                   headers={"X-Request-ID": "req-1", "X-Correlation-ID": "corr-1"})
        check(code == 200 and body["status_code"] == 1000 and body["data"][0]["version"] == "2.2.1" and
              len(body["timestamp"]) <= 25, f"versions with Token A (Base64) ({code} {body})")
        check(headers.get("X-Request-ID") == "req-1" and headers.get("X-Correlation-ID") == "corr-1",
              "X-Request-ID and X-Correlation-ID echoed")
        code, _, _ = ocpi("GET", versions_url, token_a, raw=True)
        check(code == 200, "a raw token is accepted too")
        code, _, _ = ocpi("GET", versions_url, token_a + "\n")
        check(code == 200, "a trailing newline after decoding is tolerated")
        details_url = body["data"][0]["url"]
        code, body, _ = ocpi("GET", details_url, token_a)
        ids = {e["identifier"]: e for e in body["data"]["endpoints"]}
        check(code == 200 and body["data"]["version"] == "2.2.1" and "credentials" in ids,
              f"2.2.1 details list credentials ({body})")
        cred_url = ids["credentials"]["url"]
        for tok, what in ((None, "no Authorization"), ("wrong", "a wrong token")):
            code, body, _ = ocpi("GET", versions_url, tok)
            check(code == 401 and body["status_code"] == 2000, f"{what} -> 401 in the envelope ({code})")

        code, body, _ = ocpi("POST", cred_url, token_a, data=b"{not json")
        check(code == 400, f"invalid JSON -> 400 ({code})")
        code, body, _ = ocpi("POST", cred_url, token_a, {"url": "http://127.0.0.1:1/versions"})
        check(code == 200 and body["status_code"] == 2001, f"a credentials object without token -> 2001 ({body})")

        code, body, _ = ocpi("POST", cred_url, token_a, emsp.credentials())
        check(code == 200 and body["status_code"] == 1000, f"POST credentials with Token A -> 1000 ({code} {body})")
        token_c = body["data"]["token"]
        check(token_c and token_c != token_a and body["data"]["url"] == versions_url and
              body["data"]["roles"][0] == {"role": "CPO", "party_id": "OCP", "country_code": "FR",
                                           "business_details": {"name": "roam (ocppfleet simulated CPO)"}},
              f"Token C with our CPO role ({body['data']})")
        check([p for p, _ in emsp.seen] == ["/versions", "/2.2.1"],
              f"before answering, the CPO fetched the eMSP's versions then details ({emsp.seen})")
        check(all(a == "Token " + base64.b64encode(emsp.token_b.encode()).decode() for _, a in emsp.seen),
              "with Token B, Base64-encoded")
        code, _, _ = ocpi("GET", versions_url, token_a)
        check(code == 401, f"Token A is dead after the handshake ({code})")
        code, body, _ = ocpi("POST", cred_url, token_c, emsp.credentials())
        check(code == 405, f"a second POST -> 405 ({code})")
        code, body, _ = ocpi("GET", cred_url, token_c)
        check(code == 200 and body["data"]["token"] == token_c, "GET credentials with Token C")

        check_locations(base, alice, cpo, details_url, token_c)

        emsp.seen.clear()
        code, body, _ = ocpi("PUT", cred_url, token_c, emsp.credentials())
        token_c2 = body["data"]["token"] if code == 200 and body.get("data") else None
        check(code == 200 and body["status_code"] == 1000 and token_c2 and token_c2 != token_c and
              len(emsp.seen) == 2, f"PUT re-fetches the eMSP's endpoints and issues a new token ({body})")
        code, _, _ = ocpi("GET", versions_url, token_c)
        check(code == 401, "the old Token C is dead after PUT")

        # --- another CPO: its own token does not open the first one
        code, other = call(base, "POST", "/ocpi/cpos", alice, dict(CPO, party_id="OT2"))
        code, _, _ = ocpi("GET", versions_url, other["token_a"])
        check(code == 401, "another CPO's Token A is a 401 on this CPO")
        other_cred = other["ocpi_peer_url"].replace("/versions", "/2.2.1/credentials")
        code, _, _ = ocpi("PUT", other_cred, other["token_a"], emsp.credentials())
        check(code == 405, "PUT before registering -> 405")
        # An unusable eMSP: unreachable, no 2.2.1, no credentials endpoint.
        unreachable = dict(emsp.credentials(), url="http://127.0.0.1:9/versions")
        code, body, _ = ocpi("POST", other_cred, other["token_a"], unreachable)
        check(code == 200 and body["status_code"] == 3001, f"unreachable eMSP -> 3001 ({body})")
        old = Emsp("token-b-old", offer_221=False)
        code, body, _ = ocpi("POST", other_cred, other["token_a"], old.credentials())
        check(body["status_code"] == 3002, f"no 2.2.1 -> 3002 ({body})")
        bare = Emsp("token-b-bare", with_credentials=False)
        code, body, _ = ocpi("POST", other_cred, other["token_a"], bare.credentials())
        check(body["status_code"] == 3003, f"no credentials endpoint -> 3003 ({body})")
        old.close()
        bare.close()
        code, _, _ = ocpi("GET", other["ocpi_peer_url"], other["token_a"])
        check(code == 200, "a failed handshake leaves Token A alive")
        code, _, _ = ocpi("GET", other["ocpi_peer_url"].replace("/versions", "/2.2.1/locations"), other["token_a"])
        check(code == 401, "Token A never opens a functional module")

        code, body, _ = ocpi("DELETE", cred_url, token_c2)
        check(code == 200 and body["status_code"] == 1000, f"DELETE unregisters ({body})")
        code, _, _ = ocpi("GET", versions_url, token_c2)
        check(code == 401, "after DELETE the token is a 401")
    finally:
        emsp.close()
        server.stop()

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
