#!/usr/bin/env python3
"""End-to-end checks of `ocppfleet serve` (the control API) with a real process, real HTTP and
the strict ocpp-rpc CSMS peer on loopback. Every wait is bounded; everything started here is
stopped here. Usage: serve_api_test.py <path-to-ocppfleet> <peers-dir>
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
    tmp = tempfile.mkdtemp(prefix="ocppfleet-api-")
    db = os.path.join(tmp, "api.db")
    token_a, token_b = token(binary, db, "org-a"), token(binary, db, "org-b")
    check(token_a.startswith("ocf_") and token_a != token_b, "token create prints a fresh token per call")
    with open(db, "rb") as f:
        check(token_a.encode() not in f.read(), "the token itself is not stored (only its hash)")
    peer = Peer(peers)
    server = Server(binary, db)
    base = server.base
    try:
        is_call = lambda ident, action: (lambda e: e.get("event") == "call" and e.get("identity") == ident and
                                         e.get("action") == action)
        # A 1.6 and a 2.0.1 charger reach READY, and the peer saw them boot.
        t0 = time.monotonic()
        code, created = call(base, "POST", "/ocpp/chargers", token_a, charger(peer, "API-16"))
        took = time.monotonic() - t0
        check(code == 202 and created["status"] == "PENDING" and created["status_url"].endswith("/status") and
              created["workflow_run_id"], f"create answers 202 with status_url and run id ({code} {created})")
        # Latency is measured by bench/api_provision.py; here only a bound that catches a create
        # that waits for provisioning (the sanitizer build on a busy machine is slow).
        check(took < 5.0, f"create answers without waiting for provisioning ({took * 1000:.0f} ms)")
        c16 = created["charger_id"]
        code, created = call(base, "POST", "/ocpp/chargers", token_a,
                             charger(peer, "API-201", "OCPP2.0.1", ("kempower", "satellite", "CCS2")))
        c201 = created["charger_id"]
        s16, s201 = wait_status(base, token_a, c16), wait_status(base, token_a, c201)
        check(s16["status"] == "READY" and s16["provisioned_at"] and s16["error"] is None, f"1.6 charger READY ({s16})")
        check(s201["status"] == "READY", f"2.0.1 charger READY ({s201})")
        check(peer.wait(is_call("API-16", "BootNotification")) and peer.wait(is_call("API-201", "BootNotification")),
              "the peer saw both boot")
        protocols = {e["identity"]: e["protocol"] for e in peer.events if e.get("event") == "connected"}
        check(protocols.get("API-16") == "ocpp1.6" and protocols.get("API-201") == "ocpp2.0.1",
              f"each speaks its version ({protocols})")

        # Logs hold the raw Boot frame, charger to CSMS, and the CSMS's answer. They are written in
        # batches, so the call and its answer may land in different batches: wait for both, since
        # both are asserted below.
        deadline, logs = time.monotonic() + 10, {}
        while time.monotonic() < deadline:
            _, logs = call(base, "GET", f"/ocpp/chargers/{c16}/logs?event=BootNotification&limit=10", token_a)
            directions = {d["direction"] for d in logs.get("data", [])}
            if {"cp_to_csms", "csms_to_cp"} <= directions and logs.get("total", 0) >= 2:
                break
            time.sleep(0.2)
        boot = [d for d in logs.get("data", []) if d["direction"] == "cp_to_csms"]
        check(boot and json.loads(boot[0]["message"])[2] == "BootNotification" and logs["total"] >= 2 and
              logs["limit"] == 10 and logs["offset"] == 0, f"logs hold the Boot frame cp_to_csms ({str(logs)[:300]})")

        # Runtime control is visible at the peer.
        closes = lambda: peer.count(lambda e: e.get("event") == "disconnected" and e.get("identity") == "API-16")
        connects = lambda: peer.count(lambda e: e.get("event") == "connected" and e.get("identity") == "API-16")
        c0, k0 = connects(), closes()
        code, body = call(base, "POST", f"/ocpp/chargers/{c16}/stop-charger", token_a)
        check(code == 200 and body["runtime_state"] == "stopped", f"stop-charger answers ({code} {body})")
        check(peer.wait(lambda e: e.get("event") == "disconnected" and e.get("identity") == "API-16", k0 + 1),
              "stop-charger: the peer sees the charger leave")
        code, body = call(base, "POST", f"/ocpp/chargers/{c16}/start-charger", token_a)
        check(code == 200 and peer.wait(lambda e: e.get("event") == "connected" and e.get("identity") == "API-16", c0 + 1),
              "start-charger: the peer sees it connect again")
        code, body = call(base, "POST", f"/ocpp/chargers/{c16}/restart-charger", token_a)
        check(code == 200 and peer.wait(lambda e: e.get("event") == "connected" and e.get("identity") == "API-16", c0 + 2),
              "restart-charger: a new connection with the same identity")

        # Failures carry precise codes.
        code, created = call(base, "POST", "/ocpp/chargers", token_a, charger(peer, "API-DOWN", url="ws://127.0.0.1:1/x"))
        failed = wait_status(base, token_a, created["charger_id"])
        check(failed["status"] == "FAILED" and failed["error"]["code"] == "connection_refused" and
              failed["error"]["step"] == "await_boot" and failed["error"]["param"] == "ws_url" and
              failed["error"]["attempts"] == 2,
              f"unreachable ws_url -> FAILED connection_refused after 2 attempts with backoff ({failed})")
        code, created = call(base, "POST", "/ocpp/chargers", token_a,
                             charger(peer, "API-NOPE", model=("abb", "terra-9000", "CCS2")))
        failed = wait_status(base, token_a, created["charger_id"])
        check(failed["status"] == "FAILED" and failed["error"]["code"] == "unknown_model" and
              failed["error"]["param"] == "model_slug" and failed["error"]["retryable"] is False and
              failed["error"]["attempts"] == 1,
              f"unknown model -> FAILED unknown_model ({failed})")
        code, body = call(base, "POST", "/ocpp/chargers", token_a, charger(peer, "API-16"))
        check(code == 409 and "API-16" in body["detail"], f"a duplicate identity is a 409 ({code} {body})")

        # Authorisation: no token 401, another org's charger 404, on every charger route.
        routes = [("GET", "/ocpp/chargers"), ("POST", "/ocpp/chargers"), ("GET", f"/ocpp/chargers/{c16}"),
                  ("PUT", f"/ocpp/chargers/{c16}"), ("DELETE", f"/ocpp/chargers/{c16}"),
                  ("GET", f"/ocpp/chargers/{c16}/status"), ("GET", f"/ocpp/chargers/{c16}/logs"),
                  ("POST", f"/ocpp/chargers/{c16}/start-charger"), ("POST", f"/ocpp/chargers/{c16}/stop-charger"),
                  ("POST", f"/ocpp/chargers/{c16}/restart-charger"), ("GET", "/ocpp/locations"),
                  ("GET", "/ocpp/catalog/brands")]
        for method, path in routes:
            code, body = call(base, method, path, None, {} if method in ("POST", "PUT") else None)
            check(code == 401 and body == {"detail": "Not authenticated"}, f"{method} {path} without a token: 401")
            if c16 in path:
                code, body = call(base, method, path, token_b, {} if method == "PUT" else None)
                check(code == 404 and "detail" in body, f"{method} {path} with another org's token: 404 ({code})")
        code, body = call(base, "GET", "/ocpp/chargers", "ocf_not-a-real-token")
        check(code == 401 and body["detail"] == "Invalid authentication credentials", "an unknown token: 401")
        code, body = call(base, "GET", "/ocpp/chargers", token_b)
        check(code == 200 and body["total"] == 0 and body["data"] == [], "org B lists none of org A's chargers")

        # Bad bodies: the right codes and FastAPI shapes.
        code, body = call(base, "POST", "/ocpp/chargers", token_a, raw=b"{not json")
        check(code == 422 and body["detail"][0]["type"] == "json_invalid", f"not JSON: 422 json_invalid ({body})")
        bad = charger(peer, "API-BAD")
        bad["identity"] = 42
        del bad["brand_slug"]
        bad["ws_url"] = ""
        bad["ocpp_version"] = "OCPP3"
        code, body = call(base, "POST", "/ocpp/chargers", token_a, bad)
        got = {tuple(d["loc"]): d["type"] for d in body.get("detail", [])} if code == 422 else {}
        check(got.get(("body", "identity")) == "string_type" and got.get(("body", "brand_slug")) == "missing" and
              got.get(("body", "ws_url")) == "string_too_short" and got.get(("body", "ocpp_version")) == "literal_error",
              f"wrong type, missing field, empty ws_url, bad ocpp_version: one 422 naming each ({body})")
        code, body = call(base, "POST", "/ocpp/chargers", token_a, raw=b'{"identity":"' + b"x" * (1 << 20) + b'"}')
        check(code == 413, f"a body over 1 MiB: 413 ({code})")
        code, body = call(base, "GET", "/ocpp/chargers?limit=0", token_a)
        check(code == 422 and body["detail"][0]["loc"] == ["query", "limit"], "limit 0: 422 on query.limit")

        # PUT says when a change needs a reconnect; DELETE is idempotent.
        code, body = call(base, "PUT", f"/ocpp/chargers/{c16}", token_a, {"charge_point_name": "Bay 1"})
        check(code == 200 and body["charge_point_name"] == "Bay 1" and body["restart_required"] is False,
              "PUT of a name needs no restart")
        code, body = call(base, "PUT", f"/ocpp/chargers/{c201}", token_a, {"ws_url": f"ws://127.0.0.1:{peer.port}/v2"})
        check(code == 200 and body["restart_required"] is True and body["restart_fields"] == ["ws_url"],
              "PUT of ws_url says a restart applies it")

        # 50 concurrent creates: 50 distinct chargers.
        results = []
        def create(n):
            results.append(call(base, "POST", "/ocpp/chargers", token_a, charger(peer, f"API-C{n:02d}")))
        threads = [threading.Thread(target=create, args=(n,)) for n in range(50)]
        [t.start() for t in threads]
        [t.join(timeout=30) for t in threads]
        ids = {b["charger_id"] for c, b in results if c == 202}
        check(len(ids) == 50, f"50 concurrent creates give 50 distinct chargers ({len(ids)})")
        code, body = call(base, "GET", "/ocpp/chargers?limit=100", token_a)
        check(body["total"] == 50 + 4, f"the list counts them (50 + 4 created earlier) ({body['total']})")

        # kill -9 while runs are in flight, then restart: every run finishes, nothing duplicated,
        # and the READY chargers come back with the same identity.
        for n in range(20):
            call(base, "POST", "/ocpp/chargers", token_a, charger(peer, f"API-K{n:02d}"))
        server.stop(signal.SIGKILL)
        before = peer.count(lambda e: e.get("event") == "connected" and e.get("identity") == "API-16")
        server = Server(binary, db)
        base = server.base
        statuses = [wait_status(base, token_a, i)["status"] for i in sorted(ids)][:5]
        _, body = call(base, "GET", "/ocpp/chargers?limit=100", token_a)
        kills = [d for d in body["data"] if d["identity"].startswith("API-K")]
        deadline = time.monotonic() + 20
        while any(d["status"] not in ("READY", "FAILED") for d in kills) and time.monotonic() < deadline:
            time.sleep(0.2)
            _, body = call(base, "GET", "/ocpp/chargers?limit=100", token_a)
            kills = [d for d in body["data"] if d["identity"].startswith("API-K")]
        check(len(kills) == 20 and all(d["status"] == "READY" for d in kills),
              f"after kill -9 and restart the 20 in-flight creates finish READY, none duplicated ({[d['status'] for d in kills]})")
        check(peer.wait(lambda e: e.get("event") == "connected" and e.get("identity") == "API-16", before + 1),
              "a READY charger comes back after the restart with the same identity")
        check(statuses == ["READY"] * len(statuses), "earlier chargers are still READY")

        code, _ = call(base, "DELETE", f"/ocpp/chargers/{c16}", token_a)
        code2, _ = call(base, "DELETE", f"/ocpp/chargers/{c16}", token_a)
        check(code == 204 and code2 == 204, "DELETE is 204, and again 204")
        code, _ = call(base, "GET", f"/ocpp/chargers/{c16}", token_a)
        check(code == 404, "a deleted charger is gone")
        code, body = call(base, "GET", "/health")
        check(code == 200 and body.get("status") == "ok", "GET /health")
        check(peer.count(lambda e: e.get("event") == "strict_violation") == 0, "zero strict schema violations")
    finally:
        rc = server.stop()
        check(rc == 0, f"SIGTERM shuts the server down cleanly (exit {rc})")
        peer.close()
    print(f"{len(failures)} failed" if failures else "all API checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
