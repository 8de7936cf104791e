#!/usr/bin/env python3
"""Steady-state benchmark: simulator CPU per OCPP round trip with a fleet in transaction.

N chargers boot against a fresh ocppfleet-sink-csms, each starts a transaction
(`--sessions`) and sends MeterValues every `--meter-interval` seconds. The same fleet is
run for two durations, D1 and D2 (default 20 s and 50 s), back to back; from the two
summaries (`--summary-json`):

    CPU per round trip = (CPU(D2) - CPU(D1)) / (round trips(D2) - round trips(D1))

with CPU = cpu_user_s + cpu_system_s and round trips = calls_sent_total +
calls_received_total. Start-up (creating the fleet, the boot storm, starting the
transactions) and shutdown cost the same in both runs and cancel out, so what is left is
the steady-state cost: MeterValues round trips plus whatever the idle fleet costs per second
(timers, the run loop), charged to those round trips. The pair is repeated (default 3
times) and the median reported, with the p50/p99 response latency of MeterValues from the
longer run. The sink's CPU per round trip is computed the same way.

Python 3 standard library only; helpers are shared with boot_storm.py.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no bench/__pycache__ from importing boot_storm
sys.path.insert(0, str(Path(__file__).resolve().parent))
import boot_storm as bs  # noqa: E402

RUN_GRACE_S = 60.0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", default=os.environ.get("OCPPFLEET_BIN_DIR", str(bs.REPO_ROOT / "build" / "release" / "bin")),
                   help="directory with ocppfleet and ocppfleet-sink-csms (default: $OCPPFLEET_BIN_DIR or build/release/bin)")
    p.add_argument("--count", action="append", default=None,
                   help="chargers; repeatable or comma list, e.g. --count 1000,10000 (default 1000)")
    p.add_argument("--durations", default="20,50", help="the two run lengths D1,D2 in seconds (default 20,50)")
    p.add_argument("--meter-interval", type=int, default=10, help="ocppfleet --meter-interval (default 10 s)")
    p.add_argument("--repeat", type=int, default=3, help="(D1, D2) pairs per N; the median is reported (default 3)")
    p.add_argument("--shards", type=int, default=None, help="ocppfleet --shards (default: its own, one per core)")
    p.add_argument("--sink-threads", type=int, default=1, help="ocppfleet-sink-csms --threads (default 1)")
    p.add_argument("--frame-log", type=int, default=0, help="ocppfleet --frame-log (default 0)")
    p.add_argument("--wait-idle", type=float, default=0.0,
                   help="before each run, wait up to this many seconds for a 1 s window with at most 25%% of the "
                        "CPUs busy; 0 = do not wait (default)")
    p.add_argument("--quick", action="store_true", help="shorthand for --count 1000 --repeat 3")
    p.add_argument("--out", default=str(bs.REPO_ROOT / "bench" / "results" / "steady_state.json"),
                   help="JSON output (default bench/results/steady_state.json)")
    args = p.parse_args()
    if args.quick:
        args.count, args.repeat = ["1000"], 3
    counts = []
    for item in args.count or ["1000"]:
        counts += [int(part) for part in item.split(",") if part.strip()]
    if not counts or any(n < 1 for n in counts):
        p.error("--count must be positive integers")
    try:
        d1, d2 = (float(x) for x in args.durations.split(","))
    except ValueError:
        p.error("--durations must be two numbers, e.g. 20,50")
    if not 0 < d1 < d2:
        p.error("--durations: need 0 < D1 < D2")
    if args.repeat < 1:
        p.error("--repeat must be >= 1")
    args.counts, args.d1, args.d2 = counts, d1, d2
    return args


def one_run(args: argparse.Namespace, bin_dir: Path, n: int, duration: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="ocppfleet-steady-") as tmp:
        tmpdir = Path(tmp)
        summary_path = tmpdir / "summary.json"
        with open(tmpdir / "sink.err", "w+b") as sink_err, open(tmpdir / "sim.out", "w+b") as sim_out, \
                open(tmpdir / "sim.err", "w+b") as sim_err:
            busy_before = bs.wait_for_idle(args.wait_idle) if args.wait_idle > 0 else bs.busy_fraction(0.5)
            result: dict = {"n": n, "duration_s": duration, "cpu_busy_before": busy_before,
                            "loadavg_before": Path("/proc/loadavg").read_text().split()[:3]}
            sink, port = bs.start_sink(bin_dir, args.sink_threads, sink_err)
            sim = None
            try:
                cmd = [str(bin_dir / "ocppfleet"), "run", "--ws-url", f"ws://127.0.0.1:{port}", "--count", str(n),
                       "--sessions", "--meter-interval", str(args.meter_interval), "--duration", f"{duration:g}",
                       "--ping-interval", "0", "--frame-log", str(args.frame_log), "--summary-json", str(summary_path)]
                if args.shards is not None:
                    cmd += ["--shards", str(args.shards)]
                result["command"] = " ".join(cmd[1:])
                busy0, total0 = bs.cpu_times()
                sink_cpu0 = bs.cpu_seconds(sink.pid) or 0.0
                started = time.monotonic()
                sim = subprocess.Popen(cmd, stdout=sim_out, stderr=sim_err, stdin=subprocess.DEVNULL)
                try:
                    sim.wait(timeout=duration + RUN_GRACE_S)
                    result["timed_out"] = False
                except subprocess.TimeoutExpired:
                    result["timed_out"] = True
                result["exit_code"] = sim.returncode
                result["wall_s"] = time.monotonic() - started
                sink_cpu1 = bs.cpu_seconds(sink.pid)
                busy1, total1 = bs.cpu_times()
                result["sink_cpu_s"] = None if sink_cpu1 is None else sink_cpu1 - sink_cpu0
                result["machine_busy_fraction"] = (busy1 - busy0) / (total1 - total0) if total1 > total0 else None
            finally:
                if sim is not None and sim.poll() is None:  # only the process this run started
                    sim.kill()
                    sim.wait(timeout=10)
                bs.stop_sink(sink)
            for f in (sink_err, sim_out, sim_err):
                f.flush()
                f.seek(0)
            result["sink_stats"] = bs.parse_sink_stats(sink_err.read().decode(errors="replace"))
            result["sim_stdout_tail"] = sim_out.read().decode(errors="replace").splitlines()[-12:]
            stderr = sim_err.read().decode(errors="replace").splitlines()
            result["sim_stderr_lines"] = len(stderr)
            result["sim_stderr_head"] = stderr[:20]
        try:
            result["summary"] = json.loads(summary_path.read_text())
        except (OSError, ValueError):
            result["summary"] = None
    s = result["summary"] or {}
    result["cpu_s"] = (s.get("cpu_user_s") or 0.0) + (s.get("cpu_system_s") or 0.0) if s else None
    result["round_trips"] = (s.get("calls_sent_total") or 0) + (s.get("calls_received_total") or 0) if s else None
    mv = (s.get("latency") or {}).get("MeterValues") or {}
    result["meter_values"] = mv.get("count")
    result["meter_values_p50_ms"] = mv.get("p50_ms")
    result["meter_values_p99_ms"] = mv.get("p99_ms")
    result["ok"] = (not result["timed_out"] and s.get("booted") == n
                    and s.get("transactions_started_total") == n and not s.get("call_timeouts_total")
                    and not s.get("call_errors_total"))
    return result


def pair_figures(short: dict, long: dict) -> dict:
    d_rt = (long["round_trips"] or 0) - (short["round_trips"] or 0)
    d_cpu = (long["cpu_s"] or 0.0) - (short["cpu_s"] or 0.0)
    d_sink = None
    if long.get("sink_cpu_s") is not None and short.get("sink_cpu_s") is not None:
        d_sink = long["sink_cpu_s"] - short["sink_cpu_s"]
    return {
        "ok": short["ok"] and long["ok"] and d_rt > 0,
        "delta_round_trips": d_rt,
        "delta_cpu_s": d_cpu,
        "us_per_round_trip": d_cpu / d_rt * 1e6 if d_rt > 0 else None,
        "sink_us_per_round_trip": d_sink / d_rt * 1e6 if d_rt > 0 and d_sink is not None else None,
        "round_trips_per_s": d_rt / (long["duration_s"] - short["duration_s"]),
        "meter_values_p50_ms": long["meter_values_p50_ms"],
        "meter_values_p99_ms": long["meter_values_p99_ms"],
    }


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main() -> int:
    args = parse_args()
    bin_dir = Path(args.bin_dir)
    if not bin_dir.is_absolute():
        bin_dir = (bs.REPO_ROOT / bin_dir).resolve()
    for name in ("ocppfleet", "ocppfleet-sink-csms"):
        if not os.access(bin_dir / name, os.X_OK):
            print(f"error: {bin_dir / name} not found; build first (bench/run_all.sh does)", file=sys.stderr)
            return 2
    bs.raise_fd_limit(max(args.counts) + 256)
    report = {"benchmark": "steady_state", "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "argv": sys.argv[1:], "bin_dir": str(bin_dir), "machine": bs.machine_info(), "git": bs.git_revision(),
              "durations_s": [args.d1, args.d2], "meter_interval_s": args.meter_interval, "frame_log": args.frame_log,
              "results": [], "pairs": []}
    failures = 0
    for n in args.counts:
        pairs = []
        for i in range(args.repeat):
            short = one_run(args, bin_dir, n, args.d1)
            long = one_run(args, bin_dir, n, args.d2)
            fig = pair_figures(short, long)
            fig.update({"n": n, "repeat": i, "short": short, "long": long})
            pairs.append(fig)
            print(f"N={n} pair {i + 1}/{args.repeat}: {'ok' if fig['ok'] else 'FAILED'} "
                  f"{bs.fmt(fig['us_per_round_trip'], '.2f')} us/round trip (sim), "
                  f"{bs.fmt(fig['sink_us_per_round_trip'], '.2f')} (sink); delta {fig['delta_round_trips']} round trips, "
                  f"{fig['delta_cpu_s']:.3f} s CPU; MeterValues p50/p99 {bs.fmt(fig['meter_values_p50_ms'], '.2f')}/"
                  f"{bs.fmt(fig['meter_values_p99_ms'], '.2f')} ms; load before {short['loadavg_before']} / "
                  f"{long['loadavg_before']}", file=sys.stderr, flush=True)
            if not fig["ok"]:
                failures += 1
                for run in (short, long):
                    if not run["ok"]:
                        for line in run["sim_stderr_head"][:5] + run["sim_stdout_tail"][-4:]:
                            print(f"    {line}", file=sys.stderr)
        ok = [p for p in pairs if p["ok"]]
        report["pairs"].extend(pairs)
        report["results"].append({
            "n": n, "pairs": len(pairs), "pairs_ok": len(ok),
            "us_per_round_trip": med(p["us_per_round_trip"] for p in ok),
            "us_per_round_trip_min": min((p["us_per_round_trip"] for p in ok), default=None),
            "us_per_round_trip_max": max((p["us_per_round_trip"] for p in ok), default=None),
            "sink_us_per_round_trip": med(p["sink_us_per_round_trip"] for p in ok),
            "round_trips_per_s": med(p["round_trips_per_s"] for p in ok),
            "meter_values_p50_ms": med(p["meter_values_p50_ms"] for p in ok),
            "meter_values_p99_ms": med(p["meter_values_p99_ms"] for p in ok),
        })

    header = ("N", "ok", "sim us/round trip", "(min..max)", "sink us/round trip", "round trips/s",
              "MeterValues p50 ms", "p99 ms")
    table = [header]
    for a in report["results"]:
        table.append((str(a["n"]), f'{a["pairs_ok"]}/{a["pairs"]}', bs.fmt(a["us_per_round_trip"], ".2f"),
                      f'{bs.fmt(a["us_per_round_trip_min"], ".2f")}..{bs.fmt(a["us_per_round_trip_max"], ".2f")}',
                      bs.fmt(a["sink_us_per_round_trip"], ".2f"), bs.fmt(a["round_trips_per_s"], ".0f"),
                      bs.fmt(a["meter_values_p50_ms"], ".2f"), bs.fmt(a["meter_values_p99_ms"], ".2f")))
    bs.print_aligned(table)
    bs.write_report(args.out, report)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
