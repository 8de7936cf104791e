#!/usr/bin/env python3
"""Control-API provisioning benchmark: how long does `ocppfleet serve` take to bring a bulk job
of N chargers to READY, and how fast does it answer the status endpoint while they run?

Starts ocppfleet-sink-csms on a free loopback port and `ocppfleet serve` on a temporary
database, mints a token, creates a location and POSTs one bulk job of N chargers
(POST /ocpp/locations/{id}/chargers, chargers_number N). It measures the seconds until the job
is SUCCEEDED (every charger row + run written) and until every charger is READY (its
BootNotification Accepted by the sink), polling the job and then the charger list. Then, with
the N chargers connected, it loads GET /ocpp/chargers/{id}/status with `wrk -t2 -c32 -d10s`
(bearer token via -H) if wrk is installed, else with a Python thread pool of 32 keep-alive
connections (much weaker: the client's GIL is the bottleneck; the JSON says which was used).

Python 3 standard library only; builds nothing (--bin-dir or OCPPFLEET_BIN_DIR). See
bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from boot_storm import (REPO_ROOT, machine_info, print_aligned, raise_fd_limit, start_sink,  # noqa: E402
                        stop_sink, write_report)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", default=os.environ.get("OCPPFLEET_BIN_DIR", str(REPO_ROOT / "build" / "release" / "bin")))
    p.add_argument("--count", type=int, default=1000, help="chargers in the bulk job (default 1000, max 10000)")
    p.add_argument("--timeout", type=float, default=300.0, help="give up waiting for READY after this (default 300 s)")
    p.add_argument("--duration", type=int, default=10, help="seconds of status-endpoint load (default 10)")
    p.add_argument("--connections", type=int, default=32, help="concurrent connections of the load (default 32)")
    p.add_argument("--no-wrk", action="store_true", help="use the Python load generator even if wrk is installed")
    p.add_argument("--out", default=str(REPO_ROOT / "bench" / "results" / "api_provision.json"))
    args = p.parse_args()
    if not 1 <= args.count <= 10000:
        p.error("--count must be 1..10000")
    return args


class Api:
    def __init__(self, base: str, token: str):
        self.host, port = base.split("//")[1].split(":")
        self.port, self.token = int(port), token
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, method: str, path: str, body=None):
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                text = r.read()
                return r.status, (json.loads(text) if text else None)
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def start_server(bin_dir: Path, db: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([str(bin_dir / "ocppfleet"), "serve", "--listen", "127.0.0.1:0", "--db", db,
                             "--provision-timeout", "120", "--log-level", "warn", "--ocpp-listen", "off"],
                            stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    line = proc.stdout.readline()
    if "listening on " not in line:
        proc.kill()
        raise RuntimeError(f"serve did not start (got {line!r})")
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, line.split("listening on ")[1].split(" ")[0]


def stop_process(proc: subprocess.Popen) -> int | None:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(timeout=10)


def list_statuses(api: Api, loc: str) -> tuple[dict, list[str]]:
    counts: dict[str, int] = {}
    ids: list[str] = []
    page = 1
    while True:
        code, body = api.call("GET", f"/ocpp/chargers?location_id={loc}&limit=100&page={page}")
        if code != 200 or not body["data"]:
            break
        for row in body["data"]:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
            ids.append(row["charger_id"])
        page += 1
    return counts, ids


def provision(api: Api, sink_port: int, n: int, timeout: float) -> dict:
    code, loc = api.call("POST", "/ocpp/locations", {"name": "Bench site"})
    if code != 201:
        raise RuntimeError(f"location create: {code} {loc}")
    body = [{"template": {"brand_slug": "abb", "model_slug": "terra-ac-w22", "connector_type": "Type2",
                          "ws_url": f"ws://127.0.0.1:{sink_port}/ocpp", "ocpp_version": "OCPP1.6"},
             "chargers_number": n, "identity_prefix": "BENCH"}]
    t0 = time.monotonic()
    code, job = api.call("POST", f"/ocpp/locations/{loc['id']}/chargers", body)
    accepted_s = time.monotonic() - t0
    if code != 202:
        raise RuntimeError(f"bulk create: {code} {job}")
    out = {"accepted_ms": accepted_s * 1000, "job_done_s": None, "all_ready_s": None, "statuses": {}}
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        _, state = api.call("GET", job["status_url"])
        if state["status"] in ("SUCCEEDED", "FAILED"):
            out["job_done_s"] = time.monotonic() - t0
            out["job_status"], out["job_created"] = state["status"], state["created_count"]
            break
        time.sleep(0.05)
    ids: list[str] = []
    while time.monotonic() < deadline:
        counts, ids = list_statuses(api, loc["id"])
        out["statuses"] = counts
        if counts.get("READY", 0) == n or counts.get("READY", 0) + counts.get("FAILED", 0) == n:
            if counts.get("READY", 0) == n:
                out["all_ready_s"] = time.monotonic() - t0
            break
        time.sleep(0.25)
    out["charger_ids"] = ids
    return out


def load_wrk(base: str, token: str, path: str, duration: int, connections: int) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H", f"Authorization: Bearer {token}",
           base + path]
    text = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout

    def ms(value: str, unit: str) -> float:
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    pct = {m.group(1): ms(m.group(2), m.group(3)) for m in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    total = re.search(r"(\d+) requests in", text)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    return {"tool": "wrk", "command": " ".join(cmd[:6] + ["<url>"]), "requests_per_s": float(rps.group(1)) if rps else None,
            "requests": int(total.group(1)) if total else None, "p50_ms": pct.get("50"), "p99_ms": pct.get("99"),
            "non_2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(0) if errors else None,
            "raw": text}


def load_python(base: str, token: str, path: str, duration: int, connections: int) -> dict:
    host, port = base.split("//")[1].split(":")
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine, my_bad = [], 0
        while time.monotonic() < stop_at:
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Authorization": "Bearer " + token})
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    my_bad += 1
            except (http.client.HTTPException, OSError):
                my_bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)
            bad[0] += my_bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else None
    return {"tool": f"python thread pool ({connections} threads, keep-alive)", "requests_per_s": len(latencies) / elapsed,
            "requests": len(latencies), "p50_ms": pick(0.50), "p99_ms": pick(0.99), "non_2xx": bad[0]}


def main() -> int:
    args = parse_args()
    bin_dir = Path(args.bin_dir)
    raise_fd_limit(args.count + 256)
    tmp = tempfile.mkdtemp(prefix="ocppfleet-bench-api-")
    db = os.path.join(tmp, "bench.db")
    token = subprocess.run([str(bin_dir / "ocppfleet"), "token", "create", "--org", "bench", "--db", db],
                           capture_output=True, text=True, timeout=30).stdout.strip()
    sink_err = open(os.path.join(tmp, "sink.stderr"), "w")
    sink, sink_port = start_sink(bin_dir, 1, sink_err)
    server = None
    report = {"benchmark": "api_provision", "machine": machine_info(), "count": args.count}
    try:
        server, base = start_server(bin_dir, db)
        api = Api(base, token)
        prov = provision(api, sink_port, args.count, args.timeout)
        ids = prov.pop("charger_ids")
        report["provision"] = prov
        if ids:
            path = f"/ocpp/chargers/{ids[0]}/status"
            use_wrk = shutil.which("wrk") is not None and not args.no_wrk
            load = (load_wrk if use_wrk else load_python)(base, token, path, args.duration, args.connections)
            report["status_load"] = load
        rc = stop_process(server)
        server = None
        report["serve_exit"] = rc
    finally:
        if server is not None:
            stop_process(server)
        stop_sink(sink)
        sink_err.close()
        shutil.rmtree(tmp, ignore_errors=True)

    prov, load = report["provision"], report.get("status_load", {})
    fmt = lambda v, spec: "-" if v is None else format(v, spec)
    print_aligned([("N", "202 ms", "job done s", "all READY s", "READY/s", "status req/s", "p50 ms", "p99 ms", "load tool"),
                   (str(args.count), fmt(prov["accepted_ms"], ".1f"), fmt(prov["job_done_s"], ".2f"),
                    fmt(prov["all_ready_s"], ".2f"),
                    fmt(args.count / prov["all_ready_s"] if prov["all_ready_s"] else None, ".0f"),
                    fmt(load.get("requests_per_s"), ".0f"), fmt(load.get("p50_ms"), ".2f"),
                    fmt(load.get("p99_ms"), ".2f"), "wrk" if load.get("tool") == "wrk" else "python")])
    if load.get("non_2xx"):
        print(f"warning: {load['non_2xx']} status requests were not 200")
    print(f"final charger statuses: {prov['statuses']}")
    write_report(args.out, report)
    return 0 if prov["all_ready_s"] is not None else 1


if __name__ == "__main__":
    sys.exit(main())
