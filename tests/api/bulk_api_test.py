#!/usr/bin/env python3
"""End-to-end checks of bulk charger creation (POST /ocpp/locations/{id}/chargers) with a real
`ocppfleet serve`, real HTTP and the strict ocpp-rpc CSMS peer on loopback: a 200-charger job
survives `kill -9` mid-way with no duplicate charger, re-used identities fail as
duplicate_identity, another org's location is a 404 and a bad body a 422 naming the entry.
Every wait is bounded; everything started here is stopped here.
Usage: bulk_api_test.py <path-to-ocppfleet> <peers-dir>
"""
import http.client
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

from api_support import Peer, Server, call, check, token, failures

N = 200


def template(peer, url=None):
    return {"brand_slug": "abb", "model_slug": "terra-ac-w22", "connector_type": "Type2",
            "ws_url": url or f"ws://127.0.0.1:{peer.port}/ocpp", "ocpp_version": "OCPP1.6"}


def wait_job(base, tok, url, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, body = call(base, "GET", url, tok)
        if code == 200 and body["status"] in ("SUCCEEDED", "FAILED"):
            return body
        time.sleep(0.1)
    return call(base, "GET", url, tok)[1]


def location_chargers(base, tok, loc):
    out = []
    for page in (1, 2, 3):
        code, body = call(base, "GET", f"/ocpp/chargers?location_id={loc}&limit=100&page={page}", tok)
        if code != 200 or not body["data"]:
            break
        out += body["data"]
    return out


def kill_mid_job(server, url, tok):
    """Polls the job over one keep-alive connection and SIGKILLs the server as soon as it is
    part-way. Returns the created_count seen just before the kill (None: never caught)."""
    host, port = server.base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            conn.request("GET", url, headers={"Authorization": "Bearer " + tok})
            body = json.loads(conn.getresponse().read())
            if 1 <= body["created_count"] < N:
                server.stop(signal.SIGKILL)
                return body["created_count"]
            if body["status"] in ("SUCCEEDED", "FAILED"):
                return None
    finally:
        conn.close()
    return None


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-bulk-")
    db = os.path.join(tmp, "api.db")
    token_a, token_b = token(binary, db, "org-a"), token(binary, db, "org-b")
    peer = Peer(peers)
    server = Server(binary, db, provision_timeout="60")
    base = server.base
    try:
        code, loc = call(base, "POST", "/ocpp/locations", token_a, {"name": "Depot North", "city": "Lyon"})
        check(code == 201, f"location created ({code})")
        loc_id = loc["id"]
        _, loc_b = call(base, "POST", "/ocpp/locations", token_b, {"name": "Other org site"})

        # 200 chargers: 202 at once; kill -9 mid-way; restart on the same DB finishes the job.
        t0 = time.monotonic()
        code, job = call(base, "POST", f"/ocpp/locations/{loc_id}/chargers", token_a,
                         [{"template": template(peer), "chargers_number": N, "identity_prefix": "BK"}])
        took = time.monotonic() - t0
        check(code == 202 and job["status"] == "PENDING" and job["total"] == N and
              job["status_url"] == f"/ocpp/locations/{loc_id}/chargers/jobs/{job['job_id']}",
              f"bulk create answers 202 with job_id, status_url, total ({code} {job})")
        # Latency is bench/api_provision.py's job; this bound only catches a 202 that waits for the job.
        check(took < 5.0, f"the 202 does not wait for the job ({took * 1000:.0f} ms)")
        url = job["status_url"]
        seen = kill_mid_job(server, url, token_a)
        check(seen is not None, f"the server was killed (SIGKILL) mid-job, after {seen} of {N} chargers were created")
        if seen is None:
            server.stop(signal.SIGKILL)
        server = Server(binary, db, provision_timeout="60")
        base = server.base
        done = wait_job(base, token_a, url)
        check(done["status"] == "SUCCEEDED" and done["created_count"] == N and done["failed_count"] == 0 and
              done["pending_count"] == 0 and len(done["results"]) == N,
              f"after restart the job finishes SUCCEEDED with {N} created "
              f"({done['status']} {done['created_count']}/{done['failed_count']}/{done['pending_count']})")
        results = done["results"]
        check(all(r["status"] == "created" and r["charger_id"] and r["error"] is None for r in results) and
              len({r["charger_id"] for r in results}) == N, "every item names its own charger")
        check(results[0]["identity"] == f"BK-{loc_id[4:12]}-00001" and results[-1]["identity"] == f"BK-{loc_id[4:12]}-{N:05d}",
              f"generated identities follow <prefix>-<loc8>-<NNNNN> ({results[0]['identity']} .. {results[-1]['identity']})")

        rows = location_chargers(base, token_a, loc_id)
        idents = [r["identity"] for r in rows]
        check(len(rows) == N and len(set(idents)) == N, f"exactly {N} chargers with distinct identities at the location "
              f"({len(rows)} rows, {len(set(idents))} identities)")
        check(all(r["location_id"] == loc_id and r["location_name"] == "Depot North" for r in rows),
              "each carries the location id and name")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and any(r["status"] != "READY" for r in rows):
            time.sleep(0.5)
            rows = location_chargers(base, token_a, loc_id)
        statuses = {}
        for r in rows:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        check(len(rows) == N and statuses == {"READY": N}, f"all {N} reach READY ({statuses})")
        booted = peer.identities(lambda e: e.get("event") == "call" and e.get("action") == "BootNotification" and
                                 str(e.get("identity", "")).startswith("BK-"))
        check(booted == set(idents), f"the strict peer saw {N} distinct identities boot ({len(booted)})")

        # Re-using identities: those items fail as duplicate_identity, the new one is created.
        reuse = [results[0]["identity"], results[1]["identity"], "BK-NEW-1"]
        code, job2 = call(base, "POST", f"/ocpp/locations/{loc_id}/chargers", token_a,
                          [{"template": template(peer), "charger_ids": reuse}])
        check(code == 202 and job2["total"] == 3, f"a second job answers 202 ({code})")
        done2 = wait_job(base, token_a, job2["status_url"])
        by_id = {r["identity"]: r for r in done2.get("results", [])}
        check(all(by_id.get(i, {}).get("status") == "failed" and by_id[i]["error"]["code"] == "duplicate_identity" and
                  by_id[i]["charger_id"] is None for i in reuse[:2]),
              f"re-used identities -> failed duplicate_identity ({[by_id.get(i) for i in reuse[:2]]})")
        check(by_id.get("BK-NEW-1", {}).get("status") == "created" and done2["status"] == "SUCCEEDED" and
              done2["created_count"] == 1 and done2["failed_count"] == 2, f"the new identity is created ({done2['status']})")
        code, job3 = call(base, "POST", f"/ocpp/locations/{loc_id}/chargers", token_a,
                          [{"template": template(peer), "charger_ids": reuse[:2]}])
        check(wait_job(base, token_a, job3["status_url"])["status"] == "FAILED", "a job whose every item failed is FAILED")
        check(len(location_chargers(base, token_a, loc_id)) == N + 1, "no duplicate charger was created")

        # Organisation scoping.
        code, body = call(base, "POST", f"/ocpp/locations/{loc_b['id']}/chargers", token_a,
                          [{"template": template(peer), "chargers_number": 2}])
        check(code == 404, f"a job for another org's location: 404 ({code} {body})")
        code, body = call(base, "GET", url, token_b)
        check(code == 404, f"another org's job: 404 ({code})")
        code, body = call(base, "GET", f"/ocpp/locations/{loc_b['id']}/chargers/jobs/{job['job_id']}", token_a)
        check(code == 404, f"a job under another location: 404 ({code})")
        code, body = call(base, "POST", f"/ocpp/locations/{loc_id}/chargers", None, [])
        check(code == 401, f"no token: 401 ({code})")

        # Bad bodies: 422 naming the entry.
        bad_tpl = template(peer)
        del bad_tpl["ws_url"]
        code, body = call(base, "POST", f"/ocpp/locations/{loc_id}/chargers", token_a,
                          [{"template": bad_tpl, "chargers_number": 3},
                           {"template": template(peer, "http://x"), "charger_ids": ["A", "A"]},
                           {"template": template(peer), "chargers_number": 0},
                           {"template": template(peer), "chargers_number": 1, "charger_ids": ["Z"]}])
        locs = {tuple(d["loc"]): d["type"] for d in body.get("detail", [])} if code == 422 else {}
        check(locs.get(("body", 0, "template", "ws_url")) == "missing" and
              locs.get(("body", 1, "template", "ws_url")) == "url_scheme" and
              ("body", 1, "charger_ids", 1) in locs and ("body", 2, "chargers_number") in locs and
              ("body", 3) in locs, f"one 422 names each bad entry by index ({code} {list(locs)})")
        code, body = call(base, "POST", f"/ocpp/locations/{loc_id}/chargers", token_a, {"chargers_number": 3})
        check(code == 422 and body["detail"][0]["loc"] == ["body"], f"an object instead of a list: 422 ({code})")
        code, body = call(base, "POST", f"/ocpp/locations/{loc_id}/chargers", token_a,
                          [{"template": template(peer), "chargers_number": 10001}])
        check(code == 422, f"more than 10000 chargers: 422 ({code})")
        check(peer.count(lambda e: e.get("event") == "strict_violation") == 0, "zero strict schema violations")
    finally:
        rc = server.stop()
        check(rc == 0, f"SIGTERM shuts the server down cleanly (exit {rc})")
        peer.close()
    print(f"{len(failures)} failed" if failures else "all bulk API checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
