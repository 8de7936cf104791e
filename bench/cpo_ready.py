#!/usr/bin/env python3
"""Simulated-CPO benchmark: how long does `ocppfleet serve` take to bring a whole CPO to READY,
and what does each of its chargers cost in the one process?

Per run: a fresh temporary database, a token, and a Release `ocppfleet serve` on free loopback
ports (`--listen 127.0.0.1:0 --ocpp-listen 127.0.0.1:0`: the chargers of every CPO dial the
embedded CSMS of the same process over real WebSockets). Then
  1. --small-posts POSTs of a small template (default 20 x small-urban-ac, 2 x 3 chargers
     each) on an idle server: the latency of each 202 (median / p95) and the time of each to
     READY; then they are DELETEd, so the baseline below is a warmed-up server;
  2. RSS (/proc/<pid>/status VmRSS) and open descriptors (/proc/<pid>/fd) of serve;
  3. one POST of the big CPO (default national-network at its caps, 2,000 locations x 5
     chargers): its 202 latency, the time at which each provisioning step was first seen, the
     time from the POST to READY (GET /ocpi/cpos/{id}/status polled every 0.5 s), and RSS and
     descriptors at READY -> KiB per charger = (RSS at READY - RSS before) / chargers_total. That
     is the charger side and the backend side together: both live in the one process.

Descriptors: each charger holds two in the one process (its client socket and the embedded
CSMS's end of it). When 2 x chargers + --fd-margin does not fit under the hard RLIMIT_NOFILE,
the CPO is clamped to what fits (locations = floor(fit / chargers_per_location)); the script
says so and the JSON records both the requested and the actual size. `serve` raises its own
soft limit to the hard one at start-up; the child gets soft = hard before exec as well, so an
older binary that did not is measured the same way. --no-clamp runs the requested size anyway
(to see how serve fails when the descriptors run out).

Python 3 standard library only; builds nothing (--bin-dir or OCPPFLEET_BIN_DIR). See
bench/README.md ("Simulated CPOs").
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_provision import Api  # noqa: E402  (the same keep-alive API client)
from boot_storm import (REPO_ROOT, busy_fraction, cpu_seconds, fd_count, fmt, git_revision, machine_info,  # noqa: E402
                        print_aligned, write_report)

POLL_S = 0.1              # status polling period of the big CPO
FD_SAMPLE_S = 1.0         # /proc/<pid>/fd listing period (a listing of 20k descriptors costs ~10 ms)
SERVE_START_TIMEOUT_S = 30.0
SERVE_STOP_TIMEOUT_S = 120.0  # SIGTERM stops every charger gracefully; 10k take a while
CAPS = {"national-network": (2000, 5)}  # fallback if GET /ocpi/templates/cpos is not reachable yet


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", default=os.environ.get("OCPPFLEET_BIN_DIR", str(REPO_ROOT / "build" / "release" / "bin")),
                   help="directory with ocppfleet (default: $OCPPFLEET_BIN_DIR or build/release/bin)")
    p.add_argument("--template", default="national-network", help="template of the big CPO (default national-network)")
    p.add_argument("--locations", type=int, default=None, help="locations override (default: the template's cap)")
    p.add_argument("--chargers-per-location", type=int, default=None,
                   help="chargers_per_location override (default: the template's cap)")
    p.add_argument("--runs", type=int, default=1, help="servers started, one big CPO each (default 1: it is large)")
    p.add_argument("--quick", action="store_true", help="200 locations x 5 chargers (1,000 chargers)")
    p.add_argument("--small-posts", type=int, default=20, help="small CPOs POSTed per run for the 202 latency (default 20)")
    p.add_argument("--small-template", default="small-urban-ac", help="template of the small CPOs (default small-urban-ac)")
    p.add_argument("--fd-margin", type=int, default=400,
                   help="descriptors kept aside for serve itself when clamping to the hard limit (default 400)")
    p.add_argument("--no-clamp", action="store_true",
                   help="run the requested size even if it does not fit the descriptor limit (to see how serve fails)")
    p.add_argument("--timeout", type=float, default=None,
                   help="give up waiting for READY after this many seconds (default: serve's own ready deadline, "
                        "60 s + 20 ms per charger, plus the steps before it: 120 s + 40 ms per charger)")
    p.add_argument("--log-level", default="info", help="serve --log-level (default info; its stderr goes to the JSON tail)")
    p.add_argument("--out", default=None,
                   help="JSON output (default bench/results/cpo_ready.json, cpo_ready_quick.json with --quick)")
    args = p.parse_args()
    if args.quick:
        args.locations, args.chargers_per_location = 200, 5
    if args.out is None:
        args.out = str(REPO_ROOT / "bench" / "results" / ("cpo_ready_quick.json" if args.quick else "cpo_ready.json"))
    if args.runs < 1:
        p.error("--runs must be >= 1")
    if args.small_posts < 0:
        p.error("--small-posts must be >= 0")
    return args


# ---------------------------------------------------------------- process ---------

def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def hard_nofile() -> int:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY:
        try:
            return int(Path("/proc/sys/fs/nr_open").read_text())
        except (OSError, ValueError):
            return 1 << 20
    return hard


def raise_soft_to_hard() -> None:
    """preexec_fn of serve (which raises its soft RLIMIT_NOFILE itself only since it was fixed to)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard_nofile()
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def proc_nofile(pid: int) -> str | None:
    try:
        for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
            if line.startswith("Max open files"):
                return " ".join(line.split()[3:5])
    except OSError:
        pass
    return None


class Serve:
    def __init__(self, binary: Path, db: str, log_path: str, log_level: str):
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--listen", "127.0.0.1:0", "--ocpp-listen", "127.0.0.1:0", "--db", db,
             "--log-level", log_level],
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL, text=True,
            preexec_fn=raise_soft_to_hard)
        self.pid = self.proc.pid
        line = [""]
        reader = threading.Thread(target=lambda: line.__setitem__(0, self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(SERVE_START_TIMEOUT_S)
        if "listening on " not in line[0]:
            self.stop()
            raise RuntimeError(f"serve did not start (got {line[0]!r}; log {log_path})")
        self.base = line[0].split("listening on ")[1].split(" ")[0]
        self.ocpp_url = line[0].split("OCPP ")[1].split("/<identity>")[0] if "OCPP ws://" in line[0] else None
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def stop(self) -> tuple[int | None, float]:
        t0 = time.monotonic()
        rc = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=SERVE_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait(timeout=10)
        else:
            rc = self.proc.returncode
        self.log.close()
        return rc, time.monotonic() - t0


def cpo_request(template: str, party: str, prefix: str, seed: int, overrides: dict | None) -> dict:
    body = {"template": template, "country_code": "FR", "party_id": party, "name_prefix": prefix, "role": "cpo",
            "ocpi_version": "2.2.1", "seed": seed, "ttl_seconds": None}
    if overrides:
        body["overrides"] = overrides
    return body


def iso_seconds(text: str) -> float:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


# ---------------------------------------------------------------- phases ----------

def small_posts(api: Api, template: str, n: int, timeout: float) -> dict:
    """n POSTs back to back; each 202's latency, then each CPO's time to READY; then DELETE all."""
    posts = []
    for i in range(n):
        body = cpo_request(template, f"S{i:02d}"[-3:], f"small{i:02d}", 1000 + i, None)
        t0 = time.monotonic()
        code, resp = api.call("POST", "/ocpi/cpos", body)
        ms = (time.monotonic() - t0) * 1000
        if code != 202:
            raise RuntimeError(f"POST /ocpi/cpos ({template}): {code} {resp}")
        posts.append({"cpo_id": resp["cpo_id"], "accepted_ms": ms, "t0": t0})
    pending = {p["cpo_id"]: p for p in posts}
    deadline = time.monotonic() + timeout
    statuses: dict[str, str] = {}
    while pending and time.monotonic() < deadline:
        for cid in list(pending):
            code, st = api.call("GET", f"/ocpi/cpos/{cid}/status")
            if code == 200 and st["status"] in ("READY", "FAILED"):
                p = pending.pop(cid)
                p["status"] = st["status"]
                p["ready_s"] = time.monotonic() - p["t0"] if st["status"] == "READY" else None
                p["chargers_total"] = (st.get("progress") or {}).get("chargers_total")
                if st["status"] == "FAILED":
                    p["error"] = st.get("error")
        time.sleep(0.1)
    for p in pending.values():
        p["status"] = "TIMEOUT"
    for p in posts:
        statuses[p["status"]] = statuses.get(p["status"], 0) + 1
        code, _ = api.call("DELETE", f"/ocpi/cpos/{p['cpo_id']}")
        p["deleted"] = code == 204
        p.pop("t0")
    lat = [p["accepted_ms"] for p in posts]
    ready = [p["ready_s"] for p in posts if p.get("ready_s") is not None]
    return {"template": template, "posts": posts, "statuses": statuses,
            "accepted_ms_median": statistics.median(lat) if lat else None, "accepted_ms_p95": percentile(lat, 0.95),
            "accepted_ms_max": max(lat) if lat else None,
            "ready_s_median": statistics.median(ready) if ready else None}


def big_cpo(api: Api, serve: Serve, template: str, overrides: dict, timeout: float) -> dict:
    body = cpo_request(template, "NAT", "nat", 42, overrides)
    cpu0 = cpu_seconds(serve.pid)
    t0 = time.monotonic()
    code, resp = api.call("POST", "/ocpi/cpos", body)
    out: dict = {"accepted_ms": (time.monotonic() - t0) * 1000, "request": body}
    if code != 202:
        out["error"] = f"POST: {code} {resp}"
        return out
    cid = resp["cpo_id"]
    out["cpo_id"] = cid
    steps: dict[str, float] = {}
    progress: list[tuple[float, int]] = []
    peak_rss, peak_fds, next_fd_sample = 0, 0, 0.0
    st: dict = {}
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        code, st = api.call("GET", f"/ocpi/cpos/{cid}/status")
        now = time.monotonic() - t0
        peak_rss = max(peak_rss, rss_kib(serve.pid) or 0)
        if now >= next_fd_sample:
            peak_fds = max(peak_fds, fd_count(serve.pid) or 0)
            next_fd_sample = now + FD_SAMPLE_S
        if code != 200:
            if serve.proc.poll() is not None:
                out["error"] = f"serve exited with {serve.proc.returncode}"
                break
            time.sleep(POLL_S)
            continue
        prog = st.get("progress") or {}
        step = prog.get("current_step")
        if step and step not in steps:
            steps[step] = round(now, 3)
        ready = prog.get("chargers_ready") or 0
        if not progress or progress[-1][1] != ready:
            progress.append((round(now, 3), ready))
        if st["status"] in ("READY", "FAILED"):
            break
        time.sleep(POLL_S)
    end = time.monotonic() - t0
    if st.get("status") in ("READY", "FAILED"):
        status = st["status"]
    else:
        status = "TIMEOUT" if time.monotonic() >= deadline else "UNKNOWN"
    out.update({"status": status,
                "error_object": st.get("error"), "steps_first_seen_s": steps, "chargers_ready_progress": progress,
                "chargers_total": (st.get("progress") or {}).get("chargers_total"),
                "chargers_ready": (st.get("progress") or {}).get("chargers_ready"),
                "rss_kib_end": rss_kib(serve.pid), "fds_end": fd_count(serve.pid),
                "peak_rss_kib": peak_rss, "peak_fds": peak_fds, "serve_cpu_s": None})
    cpu1 = cpu_seconds(serve.pid)
    if cpu0 is not None and cpu1 is not None:
        out["serve_cpu_s"] = cpu1 - cpu0
    out["ready_s"] = end if out["status"] == "READY" else None
    # The server's own clock (ms timestamps; its ready step checks every 250 ms).
    if out["status"] == "READY" and st.get("provisioned_at") and st.get("created_at"):
        out["ready_s_server"] = (iso_seconds(st["provisioned_at"]) - iso_seconds(st["created_at"]))
    code, detail = api.call("GET", f"/ocpi/cpos/{cid}")
    if code == 200:
        out["topology"] = detail.get("topology")
    return out


def tail(path: str, n: int = 40) -> list[str]:
    try:
        return Path(path).read_text(errors="replace").splitlines()[-n:]
    except OSError:
        return []


def one_run(args: argparse.Namespace, binary: Path, overrides: dict, timeout: float, index: int) -> dict:
    tmp = tempfile.mkdtemp(prefix="ocppfleet-bench-cpo-")
    db = os.path.join(tmp, "bench.db")
    log_path = os.path.join(tmp, "serve.stderr")
    run: dict = {"run": index, "busy_before": busy_fraction()}
    token = subprocess.run([str(binary), "token", "create", "--org", "bench", "--db", db],
                           capture_output=True, text=True, timeout=30).stdout.strip()
    serve = None
    try:
        serve = Serve(binary, db, log_path, args.log_level)
        run["serve_nofile"] = proc_nofile(serve.pid)
        run["rss_kib_start"], run["fds_start"] = rss_kib(serve.pid), fd_count(serve.pid)
        api = Api(serve.base, token)
        if args.small_posts:
            run["small"] = small_posts(api, args.small_template, args.small_posts, 120.0)
            time.sleep(2.0)  # let the deleted CPOs' chargers finish stopping
        run["rss_kib_before"], run["fds_before"] = rss_kib(serve.pid), fd_count(serve.pid)
        big = big_cpo(api, serve, args.template, overrides, timeout)
        run["big"] = big
        if big.get("status") == "READY" and big.get("chargers_total"):
            run["kib_per_charger"] = (big["rss_kib_end"] - run["rss_kib_before"]) / big["chargers_total"]
            run["fds_per_charger"] = (big["fds_end"] - run["fds_before"]) / big["chargers_total"]
    finally:
        if serve is not None:
            run["serve_exit"], run["serve_stop_s"] = serve.stop()
        run["serve_log_tail"] = tail(log_path)
        run["serve_log_warnings"] = [l for l in tail(log_path, 100000) if "[warning]" in l or "[error]" in l][-40:]
        shutil.rmtree(tmp, ignore_errors=True)
    return run


def template_caps(binary: Path, template: str) -> tuple[int, int]:
    """The template's caps from a short-lived serve (GET /ocpi/templates/cpos)."""
    tmp = tempfile.mkdtemp(prefix="ocppfleet-bench-cpo-caps-")
    db = os.path.join(tmp, "caps.db")
    serve = None
    try:
        token = subprocess.run([str(binary), "token", "create", "--org", "bench", "--db", db],
                               capture_output=True, text=True, timeout=30).stdout.strip()
        serve = Serve(binary, db, os.path.join(tmp, "serve.stderr"), "warn")
        code, body = Api(serve.base, token).call("GET", "/ocpi/templates/cpos")
        for t in body["data"] if code == 200 else []:
            if t["slug"] == template:
                return t["caps"]["max_locations"], t["caps"]["max_chargers_per_location"]
    except (RuntimeError, OSError, KeyError) as e:
        print(f"warning: could not read the caps of {template}: {e}", file=sys.stderr)
    finally:
        if serve is not None:
            serve.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if template in CAPS:
        return CAPS[template]
    raise SystemExit(f"unknown caps of template {template}; pass --locations and --chargers-per-location")


def main() -> int:
    args = parse_args()
    bin_dir = Path(args.bin_dir)
    if not bin_dir.is_absolute():
        bin_dir = (REPO_ROOT / bin_dir).resolve()
    binary = bin_dir / "ocppfleet"
    if not binary.exists():
        raise SystemExit(f"{binary} not found: build Release first (scripts/build.sh Release) or pass --bin-dir")

    if args.locations is None or args.chargers_per_location is None:
        max_loc, max_cpl = template_caps(binary, args.template)
        args.locations = args.locations or max_loc
        args.chargers_per_location = args.chargers_per_location or max_cpl
    requested = {"locations": args.locations, "chargers_per_location": args.chargers_per_location,
                 "chargers": args.locations * args.chargers_per_location}
    hard = hard_nofile()
    fits = max(0, (hard - args.fd_margin) // 2)
    actual = dict(requested)
    clamp_reason = None
    if requested["chargers"] > fits and args.no_clamp:
        print(f"warning: --no-clamp: {requested['chargers']} chargers need about {2 * requested['chargers']} "
              f"descriptors, hard RLIMIT_NOFILE is {hard}; expect failures", file=sys.stderr)
    elif requested["chargers"] > fits:
        cpl = args.chargers_per_location
        actual = {"locations": max(1, fits // cpl), "chargers_per_location": cpl}
        actual["chargers"] = actual["locations"] * cpl
        clamp_reason = (f"{requested['chargers']} chargers need 2 x {requested['chargers']} + {args.fd_margin} = "
                        f"{2 * requested['chargers'] + args.fd_margin} descriptors in the one serve process (client "
                        f"socket + embedded-CSMS socket per charger), above the hard RLIMIT_NOFILE {hard}; raising it "
                        f"needs CAP_SYS_RESOURCE")
        print(f"warning: CLAMPED {requested['locations']} x {cpl} = {requested['chargers']} chargers to "
              f"{actual['locations']} x {cpl} = {actual['chargers']}: {clamp_reason}", file=sys.stderr)
    overrides = {"locations": actual["locations"], "chargers_per_location": actual["chargers_per_location"]}
    timeout = args.timeout if args.timeout is not None else 120.0 + 0.04 * actual["chargers"]

    report = {"benchmark": "cpo_ready", "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "argv": sys.argv[1:],
              "bin_dir": str(bin_dir), "machine": machine_info(), "git": git_revision(), "template": args.template,
              "requested": requested, "actual": actual, "clamped": clamp_reason is not None,
              "clamp_reason": clamp_reason, "nofile_hard": hard, "fd_margin": args.fd_margin,
              "timeout_s": timeout, "runs": []}
    print(f"{args.template}: {actual['locations']} locations x {actual['chargers_per_location']} = "
          f"{actual['chargers']} chargers, {args.runs} run(s); {args.small_posts} x {args.small_template} first")
    for i in range(args.runs):
        run = one_run(args, binary, overrides, timeout, i + 1)
        report["runs"].append(run)
        big = run.get("big", {})
        print(f"run {i + 1}: {big.get('status')} chargers {big.get('chargers_ready')}/{big.get('chargers_total')}, "
              f"to READY {fmt(big.get('ready_s'), '.2f')} s (server clock {fmt(big.get('ready_s_server'), '.2f')} s), "
              f"steps first seen at {big.get('steps_first_seen_s')}")
        if big.get("status") != "READY":
            print(f"run {i + 1}: not READY: {big.get('error_object') or big.get('error')}", file=sys.stderr)
            for line in run["serve_log_warnings"][-10:]:
                print("  serve: " + line, file=sys.stderr)

    runs = report["runs"]
    ready_run = lambda r: r.get("big", {}).get("status") == "READY"
    med = lambda get: (statistics.median(v) if (v := [x for x in map(get, runs) if x is not None]) else None)
    small_lat = [p["accepted_ms"] for r in runs for p in r.get("small", {}).get("posts", [])]
    small_ready = [p["ready_s"] for r in runs for p in r.get("small", {}).get("posts", []) if p.get("ready_s")]
    summary = {
        "small_posts": len(small_lat),
        "small_202_ms_median": statistics.median(small_lat) if small_lat else None,
        "small_202_ms_p95": percentile(small_lat, 0.95),
        "small_ready_s_median": statistics.median(small_ready) if small_ready else None,
        "big_202_ms": med(lambda r: r.get("big", {}).get("accepted_ms")),
        "ready_s": med(lambda r: r.get("big", {}).get("ready_s")),
        "ready_s_server": med(lambda r: r.get("big", {}).get("ready_s_server")),
        "chargers_total": med(lambda r: r.get("big", {}).get("chargers_total")),
        "runs_ready": sum(1 for r in runs if r.get("big", {}).get("status") == "READY"),
        "rss_mib_before": med(lambda r: r["rss_kib_before"] / 1024 if r.get("rss_kib_before") else None),
        "rss_mib_ready": med(lambda r: r["big"]["rss_kib_end"] / 1024 if ready_run(r) else None),
        "kib_per_charger": med(lambda r: r.get("kib_per_charger")),
        "fds_ready": med(lambda r: r["big"]["fds_end"] if ready_run(r) else None),
        "fds_per_charger": med(lambda r: r.get("fds_per_charger")),
        "serve_cpu_s": med(lambda r: r.get("big", {}).get("serve_cpu_s")),
    }
    report["summary"] = summary
    print_aligned([
        ("chargers", "ready", f"{args.small_template} 202 ms p50 / p95", "big 202 ms", "to READY s", "RSS before MiB",
         "RSS READY MiB", "KiB/charger", "fds READY", "fds/charger", "serve CPU s"),
        (fmt(summary["chargers_total"], ".0f") + (" (clamped)" if clamp_reason else ""),
         f"{summary['runs_ready']}/{len(runs)}",
         f"{fmt(summary['small_202_ms_median'], '.1f')} / {fmt(summary['small_202_ms_p95'], '.1f')}",
         fmt(summary["big_202_ms"], ".1f"), fmt(summary["ready_s"], ".2f"), fmt(summary["rss_mib_before"], ".0f"),
         fmt(summary["rss_mib_ready"], ".0f"), fmt(summary["kib_per_charger"], ".1f"), fmt(summary["fds_ready"], ".0f"),
         fmt(summary["fds_per_charger"], ".2f"), fmt(summary["serve_cpu_s"], ".1f"))])
    if clamp_reason:
        print(f"note: requested {requested['chargers']} chargers, ran {actual['chargers']} (fd hard limit {hard})")
    write_report(args.out, report)
    return 0 if summary["runs_ready"] == len(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
