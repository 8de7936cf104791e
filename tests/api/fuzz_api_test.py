#!/usr/bin/env python3
"""A seeded, bounded fuzz of the control API against a real `ocppfleet serve`: mutated bodies,
query strings, paths, methods and headers on every route. Asserts no 5xx answer, no dropped
connection, every 422 in the documented shape {"detail":[{"loc":[...],"msg":str,"type":str}]},
and the server still healthy at the end. Fixed seed, fixed request count, time-boxed.
Usage: fuzz_api_test.py <path-to-ocppfleet> <peers-dir> [requests] [seed]
"""
import http.client
import json
import os
import random
import sys
import tempfile
import time
from urllib.parse import quote

from api_support import Server, call, check, failures, token

TIME_BOX_S = 60  # a slow machine stops early (and says so) instead of timing out


def valid_bodies(lid):
    tmpl = {"brand_slug": "abb", "model_slug": "terra-ac-w22", "connector_type": "Type2",
            "ws_url": "ws://127.0.0.1:1/fuzz"}
    return {
        "charger": dict(tmpl, identity="FZ-1", ocpp_version="OCPP1.6", charge_point_name="n", location_id=lid,
                        location_name="l", password="secret"),
        "charger_put": {"charge_point_name": "x", "ws_url": "ws://127.0.0.1:1/y", "location_id": None},
        "location": {"name": "Fuzz", "address": "a", "city": "c", "country": "FR", "latitude": 1.5, "longitude": 2.5},
        "bulk": [{"template": tmpl, "chargers_number": 2, "identity_prefix": "FZ"}, {"template": tmpl,
                                                                                        "charger_ids": ["FZ-B-1"]}],
        "command": {"target": {"location_id": lid, "charger_ids": ["chg_x"]},
                    "event": {"connector_id": 1, "id_tag": "T", "key": "k", "value": 3, "action": "DataTransfer",
                              "payload": {"vendorId": "x"}, "reason": "Local", "type": "soft"}},
        # Small on purpose: a valid one provisions a CPO with one charger at the embedded CSMS.
        "cpo": {"template": "small-urban-ac", "country_code": "FR", "party_id": "FUZ", "name_prefix": "fz",
                "role": "cpo", "ocpi_version": "2.2.1", "seed": 1, "ttl_seconds": 600,
                "overrides": {"locations": 1, "chargers_per_location": 1}},
        "cpo_locations": {"locations": [{"template": "ac-kerbside", "name": "n", "coordinates": {
            "latitude": "48.85661", "longitude": "2.35222"}, "chargers": [{"brand": "abb", "model": "terra-ac-w22",
                                                                         "ocpp_version": "OCPP1.6", "count": 1}]}]},
        "cpo_location_patch": {"name": "x", "address": "a", "city": "c", "postal_code": "1", "time_zone": "UTC",
                               "parking_type": "ON_STREET"},
    }


def nasty_values(rng):
    return [None, True, False, 0, -1, 2**63, 2**64 + 1, -2**63 - 1, 1.5, 1e308, -1e308, "", " ", "x" * 5000,
            "..", "/", "%00", "\u0000", "\r\n", "\u202e", "\u200b", "caf\u00e9", "\ud83d\ude00", "ws://", "ws://h:0/x",
            [], [None], {}, {"a": {"b": [1, {}]}}, ["x"] * 50, rng.random(), rng.randint(-10**6, 10**6),
            "".join(chr(rng.randint(1, 0x2fff)) for _ in range(rng.randint(1, 40)))]


def mutate_json(rng, value, depth=0):
    """Returns a mutated copy of value (JSON-able)."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        out = dict(value)
        key = rng.choice(list(out))
        op = rng.random()
        if op < 0.25:
            del out[key]
        elif op < 0.5 and depth < 3:
            out[key] = mutate_json(rng, out[key], depth + 1)
        elif op < 0.9:
            out[key] = rng.choice(nasty_values(rng))
        else:
            out[rng.choice(["extra", "", "\u0000", key.upper()])] = rng.choice(nasty_values(rng))
        return out
    if isinstance(value, list) and value and rng.random() < 0.8:
        out = list(value)
        i = rng.randrange(len(out))
        if rng.random() < 0.5:
            out[i] = mutate_json(rng, out[i], depth + 1)
        else:
            out.insert(i, rng.choice(nasty_values(rng)))
        return out
    return rng.choice(nasty_values(rng))


def raw_body(rng, seed_body):
    """Bytes: mostly mutated JSON, sometimes broken on purpose."""
    text = json.dumps(mutate_json(rng, seed_body) if rng.random() < 0.85 else seed_body).encode()
    op = rng.random()
    if op < 0.70:
        return text
    if op < 0.75:
        return text[:rng.randrange(len(text) + 1)]
    if op < 0.80:
        return rng.choice([b"1e999", b'{"identity":1e999}', b"[-1e400]", b'{"latitude":1e309}', b"NaN",
                           b'{"a":Infinity}', b"\xff\xfe{}", b'{"name":"\xc3\x28"}', b"", b"null", b"[]", b'""'])
    if op < 0.85:
        depth = rng.choice([100, 1000, 20000])
        return b"[" * depth + b"]" * depth
    if op < 0.90:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    pos = rng.randrange(len(text) + 1)
    return text[:pos] + bytes([rng.randrange(256)]) + text[pos:]


def weird_segment(rng):
    return rng.choice(["x", "..", ".", "%2e%2e", "%00", "%ff", "%", "%zz", "a%2Fb", "chg_" + "9" * 300,
                       quote("caf\u00e9"), quote("\u202e"), quote("' OR 1=1 --"), "{charger_id}", "~", "%0d%0a"])


def main():
    binary = sys.argv[1]
    n_requests = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20261204
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="ocppfleet-fuzz-")
    db = os.path.join(tmp, "api.db")
    tok, other = token(binary, db, "org-fuzz"), token(binary, db, "org-fuzz-other")
    server = Server(binary, db, provision_timeout="2")
    host, port = server.base.replace("http://", "").split(":")
    try:
        _, loc = call(server.base, "POST", "/ocpp/locations", tok, {"name": "Fuzz site"})
        lid = loc["id"]
        _, made = call(server.base, "POST", "/ocpp/chargers", tok, valid_bodies(lid)["charger"])
        cid = made["charger_id"]
        bodies = valid_bodies(lid)
        _, cpo = call(server.base, "POST", "/ocpi/cpos", tok, dict(bodies["cpo"], party_id="FZA"))
        cpo_id = cpo["cpo_id"]
        routes = [
            ("POST", "/ocpp/chargers", "charger", {}),
            ("GET", "/ocpp/chargers", None, {"page": "1", "limit": "50", "location_id": lid}),
            ("GET", "/ocpp/chargers/{cid}", None, {}),
            ("PUT", "/ocpp/chargers/{cid}", "charger_put", {}),
            ("DELETE", "/ocpp/chargers/{cid}", None, {}),
            ("GET", "/ocpp/chargers/{cid}/status", None, {}),
            ("POST", "/ocpp/chargers/{cid}/start-charger", None, {}),
            ("POST", "/ocpp/chargers/{cid}/stop-charger", None, {}),
            ("POST", "/ocpp/chargers/{cid}/restart-charger", None, {}),
            ("GET", "/ocpp/chargers/{cid}/logs", None,
             {"start_date": "2026-01-01T00:00:00Z", "end_date": "2099-01-01T00:00:00Z", "event": "Heartbeat",
              "limit": "10", "offset": "0"}),
            ("POST", "/ocpp/locations", "location", {}),
            ("GET", "/ocpp/locations", None, {"page": "1", "limit": "10"}),
            ("GET", "/ocpp/locations/{lid}", None, {}),
            ("PUT", "/ocpp/locations/{lid}", "location", {}),
            ("POST", "/ocpp/locations/{lid}/chargers", "bulk", {}),
            ("GET", "/ocpp/locations/{lid}/chargers/jobs/{job}", None, {}),
            ("POST", "/ocpp/commands/{cmd}", "command", {}),
            ("GET", "/ocpp/catalog/brands", None, {}),
            ("GET", "/ocpp/catalog/brands/{brand}/models", None, {}),
            ("GET", "/ocpp/catalog/brands/{brand}/models/{model}", None, {}),
            ("POST", "/ocpi/cpos", "cpo", {}),
            ("GET", "/ocpi/cpos", None, {"page": "1", "limit": "10"}),
            ("GET", "/ocpi/cpos/{cpo}", None, {}),
            ("GET", "/ocpi/cpos/{cpo}/status", None, {}),
            ("GET", "/ocpi/cpos/{cpo}/report", None, {}),
            ("GET", "/ocpi/cpos/{cpo}/export", None, {}),
            ("GET", "/ocpi/templates/cpos", None, {}),
            ("GET", "/ocpi/cpos/templates", None, {}),
            ("GET", "/ocpp/templates/locations", None, {"type": "AC", "ocpp_version": "1.6"}),
            ("GET", "/ocpi/cpos/{cpo}/locations", None, {"page": "1", "limit": "10"}),
            ("POST", "/ocpi/cpos/{cpo}/locations", "cpo_locations", {}),
            ("GET", "/ocpi/cpos/{cpo}/locations/jobs/{cjob}", None, {}),
            ("GET", "/ocpi/cpos/{cpo}/locations/{cloc}", None, {}),
            ("PATCH", "/ocpi/cpos/{cpo}/locations/{cloc}", "cpo_location_patch", {}),
            ("DELETE", "/ocpi/cpos/{cpo}/locations/{cloc}", None, {}),
            ("GET", "/openapi.json", None, {}),
            ("GET", "/health", None, {}),
        ]
        commands = ["plug-connector", "reset", "set-configuration", "proxy-message", "stop-transaction", "nope"]
        statuses, bad, started = {}, [], time.monotonic()
        sent = 0
        for sent in range(1, n_requests + 1):
            if time.monotonic() - started > TIME_BOX_S:
                print(f"time box reached after {sent - 1} requests", flush=True)
                break
            method, pattern, body_key, query = rng.choice(routes)
            ids = {"cid": cid, "lid": lid, "job": "bulk_x", "cmd": rng.choice(commands), "brand": "abb",
                   "model": "terra-184", "cpo": cpo_id, "cjob": "locjob_x",
                   "cloc": rng.choice(["LOC-0001", "LOC-0002", "LOC-0003"])}
            path = pattern
            for k, v in ids.items():
                path = path.replace("{" + k + "}", weird_segment(rng) if rng.random() < 0.2 else v)
            if rng.random() < 0.05:
                path += rng.choice(["/", "//", "/extra", "?", "#frag", "/%2e%2e"])
            if rng.random() < 0.05:
                method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
            q = dict(query)
            if q and rng.random() < 0.6:
                key = rng.choice(list(q) + ["unknown"])
                q[key] = rng.choice(["", "0", "-1", "101", "1e3", "abc", "9" * 30, "2099-13-01T00:00:00Z",
                                     "9999-12-31T23:59:59Z", "2026-01-01T00:00:00 01:00", "%", "\u00e9", "..", "x" * 500])
            qs = "&".join(f"{quote(k)}={quote(v)}" for k, v in q.items())
            if rng.random() < 0.03:
                qs += "&" + rng.choice(["%", "%zz", "=", "&&", "a=%00", "page=1&page=2"])
            target = path + ("?" + qs if qs else "")
            body = raw_body(rng, bodies[body_key]) if body_key else (b"{}" if rng.random() < 0.05 else None)
            headers = {"Authorization": "Bearer " + tok}
            r = rng.random()
            if r < 0.05:
                headers["Authorization"] = rng.choice(["", "Bearer", "Bearer " + other, "Basic abc", "Bearer \u00e9".encode(
                    "utf-8").decode("latin-1"), "Bearer " + "x" * 4000])
            elif r < 0.08:
                headers["X-Organization-Id"] = rng.choice(["org_x", "", "..", "\u00e9".encode().decode("latin-1")])
            if body is not None:
                headers["Content-Type"] = rng.choice(["application/json"] * 8 + ["text/plain", "application/xml"])
            conn = http.client.HTTPConnection(host, int(port), timeout=15)
            try:
                conn.request(method, target, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
            except Exception as e:  # a dropped connection is a failure like a 5xx
                status, data = 0, repr(e).encode()
            finally:
                conn.close()
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 500 or status == 0:
                bad.append(f"{method} {target[:120]} body={body[:80] if body else None!r} -> {status} {data[:200]!r}")
            elif status == 422:
                try:
                    detail = json.loads(data)["detail"]
                    ok = isinstance(detail, list) and detail and all(
                        isinstance(d.get("loc"), list) and all(isinstance(p, (str, int)) for p in d["loc"]) and
                        isinstance(d.get("msg"), str) and isinstance(d.get("type"), str) for d in detail)
                except (ValueError, KeyError, TypeError, AttributeError):
                    ok = False
                if not ok:
                    bad.append(f"422 not in the documented shape: {method} {target[:100]} -> {data[:200]!r}")
        took = time.monotonic() - started
        print(f"{sent} requests in {took:.1f} s; statuses {dict(sorted(statuses.items()))}", flush=True)
        for line in bad[:20]:
            print("  " + line, flush=True)
        check(not bad, f"no 5xx, no dropped connection, every 422 well-shaped ({len(bad)} bad)")
        check(sent >= min(n_requests, 500), f"the fuzz ran ({sent} requests)")
        check(server.proc.poll() is None, "the server is still running")
        code, body = call(server.base, "GET", "/health")
        check(code == 200 and body == {"status": "ok"}, "and healthy")
        code, body = call(server.base, "GET", f"/ocpp/locations/{lid}", tok)
        check(code in (200, 404), f"and still answers the API ({code})")
    finally:
        rc = server.stop()
        check(rc == 0, f"SIGTERM still shuts it down cleanly (exit {rc})")
    print(f"{len(failures)} failed" if failures else "all fuzz checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
