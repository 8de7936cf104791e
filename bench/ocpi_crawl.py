#!/usr/bin/env python3
"""OCPI benchmark: an eMSP crawls a big simulated CPO, and commands it.

Per run: a fresh temporary database, a token, a Release `ocppfleet serve` on free loopback ports
(the CPO's chargers dial the embedded CSMS of the same process), one CPO (default
national-network, 2,000 locations x 5 chargers, clamped to what fits under the descriptor limit
as bench/cpo_ready.py does), READY; then the eMSP of tests/api/emsp_peer.py handshakes and
  1. crawls every SENDER module the 2.2.1 details list (locations, tariffs, sessions, cdrs) with
     `limit` = --page-limit, following Link to the end: pages, objects, total time and the
     latency of each page (median, p99, max), checking X-Total-Count against what it got;
  2. sends --commands START_SESSION commands to distinct EVSEs, one at a time, and measures each
     POST -> CommandResponse and POST -> CommandResult (at the eMSP's response_url) latency;
     then STOP_SESSION for every session that appeared (if the sessions module is served), the
     same two latencies.
Everything runs on this machine, so the figures include the eMSP (Python) and the chargers.

Python 3 standard library only; builds nothing (--bin-dir or OCPPFLEET_BIN_DIR). See
bench/README.md ("OCPI").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "api"))
from api_provision import Api  # noqa: E402
from boot_storm import REPO_ROOT, git_revision, machine_info, print_aligned, write_report  # noqa: E402
from cpo_ready import Serve, cpo_request, hard_nofile, percentile  # noqa: E402
from emsp_peer import Emsp, ocpi  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", default=os.environ.get("OCPPFLEET_BIN_DIR", str(REPO_ROOT / "build" / "release" / "bin")))
    p.add_argument("--template", default="national-network")
    p.add_argument("--locations", type=int, default=2000)
    p.add_argument("--chargers-per-location", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="100 locations x 5 chargers, 10 commands")
    p.add_argument("--page-limit", type=int, default=100, help="limit of each page (default 100, the server's cap)")
    p.add_argument("--commands", type=int, default=50, help="START_SESSION commands (default 50)")
    p.add_argument("--fd-margin", type=int, default=400)
    p.add_argument("--ready-timeout", type=float, default=900)
    p.add_argument("--out", default=None, help="JSON output (default bench/results/ocpi_crawl[_quick].json)")
    return p.parse_args()


def ms_summary(values: list[float]) -> dict:
    return {"n": len(values), "median_ms": statistics.median(values) if values else None,
            "p99_ms": percentile(values, 0.99), "max_ms": max(values) if values else None}


def crawl(url: str, token_c: str, limit: int) -> dict:
    pages, objects, latencies, totals = 0, 0, [], set()
    next_url = f"{url}{'&' if '?' in url else '?'}limit={limit}"
    t0 = time.monotonic()
    while next_url:
        t = time.monotonic()
        code, body, headers = ocpi("GET", next_url, token_c)
        latencies.append((time.monotonic() - t) * 1000)
        if code != 200 or body.get("status_code") != 1000:
            raise RuntimeError(f"GET {next_url}: {code} {body}")
        pages += 1
        objects += len(body["data"])
        totals.add(headers.get("X-Total-Count"))
        link = headers.get("Link")
        next_url = link[link.index("<") + 1:link.index(">")] if link else None
    total_s = time.monotonic() - t0
    return {"pages": pages, "objects": objects, "x_total_count": sorted(t for t in totals if t),
            "total_s": total_s, "page": ms_summary(latencies)}


def command_round(commands_url: str, token_c: str, emsp: Emsp, name: str, bodies: list[dict]) -> dict:
    responses, results, outcomes = [], [], {}
    for i, body in enumerate(bodies):
        key = f"{name}/{i}"
        body = dict(body, response_url=emsp.url(f"/2.2.1/commands/{key}"))
        t0 = time.monotonic()
        code, resp, _ = ocpi("POST", f"{commands_url}/{name}", token_c, body)
        responses.append((time.monotonic() - t0) * 1000)
        if code != 200 or resp["data"]["result"] != "ACCEPTED":
            outcomes["response:" + str(resp.get("data", resp))] = outcomes.get("response:" + str(resp), 0) + 1
            continue
        result = emsp.wait_for(lambda e: e.results.get(key), timeout=70)
        if result is None:
            outcomes["no result"] = outcomes.get("no result", 0) + 1
            continue
        results.append((time.monotonic() - t0) * 1000)
        outcomes[result["result"]] = outcomes.get(result["result"], 0) + 1
    return {"command_response": ms_summary(responses), "command_result": ms_summary(results), "outcomes": outcomes}


def main() -> int:
    a = parse_args()
    if a.quick:
        a.locations, a.chargers_per_location, a.commands = 100, 5, 10
    binary = Path(a.bin_dir) / "ocppfleet"
    if not binary.exists():
        print(f"no {binary}: build Release first (scripts/build.sh Release) or pass --bin-dir", file=sys.stderr)
        return 2
    fit = (hard_nofile() - a.fd_margin) // 2
    locations = min(a.locations, fit // a.chargers_per_location)
    if locations < a.locations:
        print(f"clamped to {locations} locations x {a.chargers_per_location} chargers (descriptor limit)")
    tmp = tempfile.mkdtemp(prefix="ocppfleet-ocpi-bench-")
    db = os.path.join(tmp, "api.db")
    import subprocess
    tok = subprocess.run([str(binary), "token", "create", "--org", "bench", "--db", db], capture_output=True,
                         text=True, timeout=60).stdout.strip()
    serve = Serve(binary, db, os.path.join(tmp, "serve.log"), "warn")
    emsp = None
    report = {"benchmark": "ocpi_crawl", "machine": machine_info(), "revision": git_revision(),
              "requested": {"locations": a.locations, "chargers_per_location": a.chargers_per_location},
              "locations": locations, "chargers": locations * a.chargers_per_location}
    try:
        api = Api(serve.base, tok)
        t0 = time.monotonic()
        code, cpo = api.call("POST", "/ocpi/cpos", cpo_request(a.template, "BIG", "big", 7, {
            "locations": locations, "chargers_per_location": a.chargers_per_location}))
        if code != 202:
            raise RuntimeError(f"POST /ocpi/cpos: {code} {cpo}")
        status = "PENDING"
        while status not in ("READY", "FAILED") and time.monotonic() - t0 < a.ready_timeout:
            time.sleep(0.5)
            status = api.call("GET", f"/ocpi/cpos/{cpo['cpo_id']}/status")[1]["status"]
        report["ready_s"] = time.monotonic() - t0
        if status != "READY":
            raise RuntimeError(f"the CPO is {status} after {report['ready_s']:.0f} s")
        print(f"{report['chargers']} chargers READY in {report['ready_s']:.1f} s")
        emsp = Emsp("bench-token-b-0123456789")
        _, body, _ = ocpi("GET", cpo["ocpi_peer_url"], cpo["token_a"])
        _, body, _ = ocpi("GET", body["data"][0]["url"], cpo["token_a"])
        endpoints = {e["identifier"]: e["url"] for e in body["data"]["endpoints"]}
        code, body, _ = ocpi("POST", endpoints["credentials"], cpo["token_a"], emsp.credentials())
        token_c = body["data"]["token"]

        report["crawl"] = {}
        rows = [("module", "pages", "objects", "X-Total-Count", "total s", "page median ms", "page p99 ms")]
        for module in ("locations", "tariffs", "sessions", "cdrs"):
            if module not in endpoints:
                continue
            url = endpoints[module] + ("?date_from=1970-01-01T00:00:00Z" if module == "sessions" else "")
            r = crawl(url, token_c, a.page_limit)
            report["crawl"][module] = r
            rows.append((module, str(r["pages"]), str(r["objects"]), ",".join(r["x_total_count"]),
                         f"{r['total_s']:.2f}", f"{r['page']['median_ms']:.1f}", f"{r['page']['p99_ms']:.1f}"))
        print_aligned(rows)

        locations_list = sorted(emsp.locations.values(), key=lambda l: l["id"]) or []
        if not locations_list:  # no push yet: take them from the crawl
            _, body, _ = ocpi("GET", endpoints["locations"] + f"?limit={a.commands}", token_c)
            locations_list = body["data"]
        evses = [(l["id"], e["uid"]) for l in locations_list for e in l["evses"]][:a.commands]
        starts = [{"token": emsp.token(f"BENCH{i:06d}"), "location_id": l, "evse_uid": e} for i, (l, e) in enumerate(evses)]
        report["start_session"] = command_round(endpoints["commands"], token_c, emsp, "START_SESSION", starts)
        rows = [("command", "n", "response median ms", "response p99 ms", "result median ms", "result p99 ms",
                 "outcomes")]

        def row(name, r):
            return (name, str(r["command_response"]["n"]), f"{r['command_response']['median_ms'] or 0:.1f}",
                    f"{r['command_response']['p99_ms'] or 0:.1f}", f"{r['command_result']['median_ms'] or 0:.1f}",
                    f"{r['command_result']['p99_ms'] or 0:.1f}", json.dumps(r["outcomes"]))
        rows.append(row("START_SESSION", report["start_session"]))
        if "sessions" in endpoints:
            time.sleep(2)
            _, body, _ = ocpi("GET", endpoints["sessions"] + "?date_from=1970-01-01T00:00:00Z&limit=100", token_c)
            active = [s["id"] for s in body["data"] if s.get("status") == "ACTIVE"]
            report["stop_session"] = command_round(endpoints["commands"], token_c, emsp, "STOP_SESSION",
                                                   [{"session_id": s} for s in active])
            rows.append(row("STOP_SESSION", report["stop_session"]))
        print_aligned(rows)
    finally:
        if emsp:
            emsp.close()
        rc, stop_s = serve.stop()
        report["serve_exit"] = rc
    out = a.out or str(HERE / "results" / ("ocpi_crawl_quick.json" if a.quick else "ocpi_crawl.json"))
    write_report(out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
