#!/usr/bin/env python3
"""The control API's input rules end to end, on a real `ocppfleet serve`: out-of-range JSON
numbers, strict ws_url, the one identity rule, explicit null for non-nullable fields,
location_id ownership, and inclusive log date filters. Each check could fail.
Usage: input_rules_api_test.py <path-to-ocppfleet> <peers-dir>
"""
import os
import sys
import tempfile
import time

from api_support import Peer, Server, call, charger, check, failures, token, wait_status


def locs(body):
    return {tuple(d["loc"]): d for d in body.get("detail", [])} if isinstance(body, dict) else {}


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-rules-")
    db = os.path.join(tmp, "api.db")
    tok, other = token(binary, db, "org-rules"), token(binary, db, "org-other")
    peer = Peer(peers)
    server = Server(binary, db)
    base = server.base
    try:
        _, loc = call(base, "POST", "/ocpp/locations", tok, {"name": "Depot"})
        _, foreign = call(base, "POST", "/ocpp/locations", other, {"name": "Not yours"})
        code, c = call(base, "POST", "/ocpp/chargers", tok, charger(peer, "RULES-1"))
        cid = c["charger_id"]

        # A number beyond double range is a 422 on every body-accepting route, never a 500.
        body_routes = [("POST", "/ocpp/chargers"), ("PUT", f"/ocpp/chargers/{cid}"), ("POST", "/ocpp/locations"),
                       ("PUT", f"/ocpp/locations/{loc['id']}"), ("POST", f"/ocpp/locations/{loc['id']}/chargers"),
                       ("POST", "/ocpp/commands/reset")]
        for method, path in body_routes:
            for raw in (b'{"identity":1e999}', b'[1e999]', b'{"a":-1e400}'):
                code, body = call(base, method, path, tok, raw=raw)
                check(code == 422 and body["detail"][0]["type"] == "json_invalid",
                      f"{method} {path} {raw.decode()}: 422 json_invalid ({code} {body})")

        # ws_url: strict at the API, on create, PUT and bulk.
        bad_urls = ["http://127.0.0.1/x", "ws://h/x\r\nX-Evil: 1", "ws://h/a b", "ws:///x", "ws://h:99999/x",
                    "ws://:80/x", "ws://h/x?q=1", "ws://h\u00e9/x", "ws://h/\u0000"]
        for url in bad_urls:
            code, body = call(base, "POST", "/ocpp/chargers", tok, charger(peer, "RULES-URL", url=url))
            err = locs(body).get(("body", "ws_url"), {})
            check(code == 422 and err.get("msg"), f"create ws_url {url!r}: 422 at body.ws_url ({code} {err})")
            code, body = call(base, "PUT", f"/ocpp/chargers/{cid}", tok, {"ws_url": url})
            check(code == 422 and ("body", "ws_url") in locs(body), f"PUT ws_url {url!r}: 422 ({code})")
            tmpl = {"brand_slug": "abb", "model_slug": "terra-ac-w22", "connector_type": "Type2", "ws_url": url}
            code, body = call(base, "POST", f"/ocpp/locations/{loc['id']}/chargers", tok,
                              [{"template": tmpl, "charger_ids": ["B-1"]}])
            check(code == 422 and ("body", 0, "template", "ws_url") in locs(body), f"bulk ws_url {url!r}: 422 ({code})")

        # Identity: one rule for create, PUT and bulk.
        bad_ids = ["..", "a/b", "a?b", "a#b", "a%41", "a b", "a\u202eb", "a\u200bb", "caf\u00e9", "x" * 49, ""]
        for ident in bad_ids:
            code, body = call(base, "POST", "/ocpp/chargers", tok, charger(peer, ident))
            check(code == 422 and ("body", "identity") in locs(body), f"create identity {ident!r}: 422 ({code})")
            code, body = call(base, "PUT", f"/ocpp/chargers/{cid}", tok, {"identity": ident})
            check(code == 422 and ("body", "identity") in locs(body), f"PUT identity {ident!r}: 422 ({code})")
            tmpl = {"brand_slug": "abb", "model_slug": "terra-ac-w22", "connector_type": "Type2",
                    "ws_url": f"ws://127.0.0.1:{peer.port}/ocpp"}
            code, body = call(base, "POST", f"/ocpp/locations/{loc['id']}/chargers", tok,
                              [{"template": tmpl, "charger_ids": ["OK-1", ident]}])
            check(code == 422 and ("body", 0, "charger_ids", 1) in locs(body), f"bulk identity {ident!r}: 422 ({code})")
        code, body = call(base, "POST", "/ocpp/chargers", tok, charger(peer, "Ok_id.2:3*"))
        check(code == 202, f"an identity of the allowed set is accepted ({code} {body})")

        # Explicit null for a non-nullable field is refused; absent means the default.
        spec = charger(peer, "RULES-NULL")
        spec["ocpp_version"] = None
        code, body = call(base, "POST", "/ocpp/chargers", tok, spec)
        check(code == 422 and locs(body).get(("body", "ocpp_version"), {}).get("type") == "literal_error",
              f"ocpp_version null: 422 literal_error ({code} {body})")
        del spec["ocpp_version"]
        code, body = call(base, "POST", "/ocpp/chargers", tok, spec)
        check(code == 202, f"ocpp_version absent: accepted ({code})")
        code, got = call(base, "GET", f"/ocpp/chargers/{body['charger_id']}", tok)
        check(got.get("ocpp_version") == "OCPP1.6", f"... and defaults to OCPP1.6 ({got.get('ocpp_version')})")
        code, body = call(base, "PUT", f"/ocpp/chargers/{cid}", tok, {"identity": None, "ws_url": None})
        check(code == 422 and {("body", "identity"), ("body", "ws_url")} <= set(locs(body)),
              f"PUT null identity/ws_url: 422 ({code} {body})")

        # location_id: unknown or another org's is a 404 on create and PUT.
        for lid in ("loc_does_not_exist", foreign["id"]):
            spec = charger(peer, "RULES-LOC")
            spec["location_id"] = lid
            code, body = call(base, "POST", "/ocpp/chargers", tok, spec)
            check(code == 404 and body == {"detail": "Location not found"}, f"create location_id {lid}: 404 ({code})")
            code, body = call(base, "PUT", f"/ocpp/chargers/{cid}", tok, {"location_id": lid})
            check(code == 404 and body == {"detail": "Location not found"}, f"PUT location_id {lid}: 404 ({code})")
        code, body = call(base, "PUT", f"/ocpp/chargers/{cid}", tok, {"location_id": loc["id"]})
        check(code == 200 and body["location_id"] == loc["id"] and body["location_name"] == "Depot",
              f"PUT an own location_id: 200, location_name taken from the location ({code} {body})")

        # Logs: inclusive date bounds, in the stored form; bad dates are a 422 naming the field.
        wait_status(base, tok, cid)
        deadline, logs = time.monotonic() + 5, {}
        while time.monotonic() < deadline and not logs.get("data"):
            _, logs = call(base, "GET", f"/ocpp/chargers/{cid}/logs", tok)
            time.sleep(0.2)
        stamps = sorted(d["timestamp"] for d in logs.get("data", []))
        check(len(stamps) >= 2, f"the charger has frames logged ({len(stamps)})")
        if stamps:
            first, last = stamps[0], stamps[-1]
            q = lambda s: call(base, "GET", f"/ocpp/chargers/{cid}/logs?{s}", tok)
            for future in ("2099-01-01T00:00:00Z", "2099-01-01T00:00:00%2B00:00", "9999-12-31T23:59:59Z"):
                code, body = q(f"start_date={future}")
                check(code == 200 and body["total"] == 0, f"start_date={future}: nothing ({code} {body.get('total')})")
            code, body = q("end_date=2000-01-01T00:00:00Z")
            check(code == 200 and body["total"] == 0, f"end_date in the past: nothing ({body.get('total')})")
            code, body = q(f"start_date={first}&end_date={first}")
            check(code == 200 and body["total"] >= 1 and all(d["timestamp"] == first for d in body["data"]),
                  f"start_date = end_date = a frame's timestamp: that frame (inclusive) ({body.get('total')})")
            code, body = q(f"start_date={last}")
            check(code == 200 and all(d["timestamp"] >= last for d in body["data"]) and body["total"] >= 1,
                  f"start_date = the newest frame keeps it ({body.get('total')})")
            for bad in ("yesterday", "2099-01-01", "2099-13-01T00:00:00Z", "10000-01-01T00:00:00Z"):
                code, body = q(f"start_date={bad}")
                check(code == 422 and ("query", "start_date") in locs(body), f"start_date={bad}: 422 ({code})")
            code, body = q("end_date=nope")
            check(code == 422 and ("query", "end_date") in locs(body), f"end_date=nope: 422 ({code})")
    finally:
        server.stop()
        peer.close()
    print(f"{len(failures)} failed" if failures else "all input-rule checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
