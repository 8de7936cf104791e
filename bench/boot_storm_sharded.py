#!/usr/bin/env python3
"""Sharded boot storm: one seeded fleet of N chargers over P `ocppfleet` processes at once.

One process may hold only as many chargers as its open-file limit allows (20,000 on the
reference machines), and one (source address, destination) pair only as many connections
as the ephemeral port range (about 28,000). To go beyond, this runs P processes
`ocppfleet run --count N --shard i/P` at the same time, each against its own
`ocppfleet-sink-csms` (the sink holds one descriptor per charger too, so it has the same
limit; every sink listens on its own port), with `--source-addresses` spread over loopback
addresses so that no (source, destination) pair exceeds the port range.

Reports per N: time until ALL shards are all-Accepted (the maximum over the shards of each
shard's `all_booted_after_s`), total connects/s (N / that time), RSS per charger (sum of the
shards' RSS deltas / N), peak FDs per process (simulator and sink), and CPU. Writes every raw
run as JSON. Python 3 standard library only; helpers are shared with boot_storm.py.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no bench/__pycache__ from importing boot_storm
sys.path.insert(0, str(Path(__file__).resolve().parent))
import boot_storm as bs  # noqa: E402  (shared helpers: machine info, sink, idle wait, FD counts)

RUN_GRACE_S = 60.0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", default=os.environ.get("OCPPFLEET_BIN_DIR", str(bs.REPO_ROOT / "build" / "release" / "bin")),
                   help="directory with ocppfleet and ocppfleet-sink-csms (default: $OCPPFLEET_BIN_DIR or build/release/bin)")
    p.add_argument("--count", action="append", default=None,
                   help="chargers in the whole fleet; repeatable or comma list (default 100000)")
    p.add_argument("--processes", type=int, default=6,
                   help="simulator processes (= sinks), each `ocppfleet run --shard i/P` (default 6)")
    p.add_argument("--source-addresses", default="127.0.0.1-127.0.0.8",
                   help="ocppfleet --source-addresses, the same for every shard (default 127.0.0.1-127.0.0.8)")
    p.add_argument("--engine-threads", type=int, default=1,
                   help="ocppfleet --shards (engine threads) per process (default 1: P processes already "
                        "outnumber the cores)")
    p.add_argument("--sink-threads", type=int, default=1, help="ocppfleet-sink-csms --threads (default 1)")
    p.add_argument("--frame-log", type=int, default=0, help="ocppfleet --frame-log (default 0: density run)")
    p.add_argument("--seed", type=int, default=1, help="ocppfleet --seed, the same for every shard (default 1)")
    p.add_argument("--repeat", type=int, default=1, help="runs per N (default 1)")
    p.add_argument("--duration", type=float, default=300.0, help="ocppfleet --duration cap in seconds (default 300)")
    p.add_argument("--fd-sample-interval", type=float, default=0.05,
                   help="seconds between FD samples; each sample lists one process, round robin (default 0.05)")
    p.add_argument("--wait-idle", type=float, default=0.0,
                   help="before each run, wait up to this many seconds for a 1 s window with at most 25%% of the "
                        "CPUs busy; 0 = do not wait (default)")
    p.add_argument("--out", default=str(bs.REPO_ROOT / "bench" / "results" / "boot_storm_sharded.json"),
                   help="JSON output (default bench/results/boot_storm_sharded.json)")
    args = p.parse_args()
    counts = []
    for item in args.count or ["100000"]:
        counts += [int(part) for part in item.split(",") if part.strip()]
    if not counts or any(n < 1 for n in counts):
        p.error("--count must be positive integers")
    if args.processes < 1 or any(n < args.processes for n in counts):
        p.error("--processes must be between 1 and N")
    if args.repeat < 1:
        p.error("--repeat must be >= 1")
    args.counts = counts
    return args


# ---------------------------------------------------------------- planning --------

def expand_pool(spec: str) -> list[str]:
    """The pool in ocppfleet's order (IPv4 ranges and singles; enough for a loopback benchmark)."""
    out: list[str] = []
    for entry in spec.split(","):
        entry = entry.strip()
        if "-" in entry:
            lo, hi = (ipaddress.IPv4Address(x.strip()) for x in entry.split("-", 1))
            out += [str(ipaddress.IPv4Address(v)) for v in range(int(lo), int(hi) + 1)]
        else:
            out.append(str(ipaddress.ip_address(entry)))
    return out


def port_range_size() -> int | None:
    try:
        lo, hi = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(hi) - int(lo) + 1
    except (OSError, ValueError):
        return None


def plan_pairs(n: int, processes: int, pool: list[str]) -> dict:
    """Chargers per (source address, sink) pair: charger `index` is in shard index % P and
    binds to pool[index % K] (docs/scaling.md); shard i talks only to sink i."""
    k = len(pool)
    busiest = 0
    per_shard = []
    for i in range(processes):
        counts = [0] * k
        for index in range(i, n, processes):
            counts[index % k] += 1
        busiest = max(busiest, max(counts))
        per_shard.append({"chargers": sum(counts), "addresses_used": sum(1 for c in counts if c),
                          "max_per_address": max(counts)})
    return {"max_connections_per_pair": busiest, "shards": per_shard}


# ---------------------------------------------------------------- one run ---------

def one_run(args: argparse.Namespace, bin_dir: Path, n: int, index: int, pool: list[str]) -> dict:
    P = args.processes
    with tempfile.TemporaryDirectory(prefix="ocppfleet-boot-storm-sharded-") as tmp:
        tmpdir = Path(tmp)
        files = []
        sinks: list = []
        sims: list = []
        result: dict = {"n": n, "processes": P, "repeat": index}
        try:
            result["cpu_busy_before"] = bs.wait_for_idle(args.wait_idle) if args.wait_idle > 0 else bs.busy_fraction(0.5)
            result["loadavg_before"] = Path("/proc/loadavg").read_text().split()[:3]
            ports = []
            for i in range(P):
                err = open(tmpdir / f"sink-{i}.err", "w+b")
                files.append(err)
                sink, port = bs.start_sink(bin_dir, args.sink_threads, err)
                sinks.append((sink, err))
                ports.append(port)
            result["sink_ports"] = ports
            cmds = []
            for i in range(P):
                cmd = [str(bin_dir / "ocppfleet"), "run", "--ws-url", f"ws://127.0.0.1:{ports[i]}", "--count", str(n),
                       "--seed", str(args.seed), "--shard", f"{i}/{P}", "--source-addresses", args.source_addresses,
                       "--shards", str(args.engine_threads), "--frame-log", str(args.frame_log),
                       "--exit-when-booted", "--duration", f"{args.duration:g}", "--ping-interval", "0",
                       "--summary-json", str(tmpdir / f"summary-{i}.json")]
                cmds.append(cmd)
            result["commands"] = [" ".join(c[1:]) for c in cmds]
            busy0, total0 = bs.cpu_times()
            sink_cpu0 = [bs.cpu_seconds(s.pid) or 0.0 for s, _ in sinks]
            started = time.monotonic()
            for i, cmd in enumerate(cmds):
                out = open(tmpdir / f"sim-{i}.out", "w+b")
                err = open(tmpdir / f"sim-{i}.err", "w+b")
                files += [out, err]
                sims.append((subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL), out, err))
            result["launch_spread_s"] = time.monotonic() - started

            # Wait for every shard, sampling FDs of one process per tick (round robin over
            # simulators and sinks: listing 16k descriptors costs ~15 ms of kernel time).
            deadline = started + args.duration + RUN_GRACE_S
            done: dict[int, dict] = {}
            peak_sim = [0] * P
            peak_sink = [0] * P
            samples = 0
            targets = [("sim", i) for i in range(P)] + [("sink", i) for i in range(P)]
            tick = 0
            timed_out = False
            while len(done) < P:
                for i, (proc, _, _) in enumerate(sims):
                    if i in done:
                        continue
                    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                    if pid == proc.pid:
                        proc.returncode = os.waitstatus_to_exitcode(status)
                        done[i] = {"exit_code": proc.returncode, "exited_after_s": time.monotonic() - started,
                                   "sim_cpu_s": usage.ru_utime + usage.ru_stime,
                                   "sim_max_rss_bytes": usage.ru_maxrss * 1024}
                if len(done) == P:
                    break
                if time.monotonic() > deadline:
                    timed_out = True
                    break
                t0 = time.monotonic()
                kind, i = targets[tick % len(targets)]
                tick += 1
                if kind == "sim" and i not in done:
                    peak_sim[i] = max(peak_sim[i], bs.fd_count(sims[i][0].pid) or 0)
                    samples += 1
                elif kind == "sink":
                    peak_sink[i] = max(peak_sink[i], bs.fd_count(sinks[i][0].pid) or 0)
                    samples += 1
                time.sleep(max(args.fd_sample_interval, 9 * (time.monotonic() - t0)))
            result["timed_out"] = timed_out
            result["wall_all_exited_s"] = time.monotonic() - started
            busy1, total1 = bs.cpu_times()
            sink_cpu = [(bs.cpu_seconds(s.pid) or 0.0) - c0 for (s, _), c0 in zip(sinks, sink_cpu0)]
            result["fd_samples"] = samples
            result["shards"] = []
            for i in range(P):
                entry = {"shard": i, "sink_port": ports[i], "peak_fds_sim": peak_sim[i] or None,
                         "peak_fds_sink": peak_sink[i] or None, "sink_cpu_s": sink_cpu[i]}
                entry.update(done.get(i, {"exit_code": None, "timed_out": True}))
                result["shards"].append(entry)
            sim_cpu = sum(d.get("sim_cpu_s", 0.0) for d in done.values())
            result["sim_cpu_s"] = sim_cpu
            result["sink_cpu_s"] = sum(sink_cpu)
            result["machine_busy_fraction"] = (busy1 - busy0) / (total1 - total0) if total1 > total0 else None
            result["other_cpu_s"] = max(0.0, (busy1 - busy0) - sim_cpu - sum(sink_cpu))
        finally:
            for proc, _, _ in sims:  # only the processes this run started, by pid
                if proc.poll() is None:
                    proc.kill()
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        pass
            for sink, _ in sinks:
                bs.stop_sink(sink)
        for i, (sink, err) in enumerate(sinks):
            err.flush()
            err.seek(0)
            result["shards"][i]["sink_stats"] = bs.parse_sink_stats(err.read().decode(errors="replace"))
        for i, (_, out, err) in enumerate(sims):
            for f in (out, err):
                f.flush()
                f.seek(0)
            stdout = out.read().decode(errors="replace").splitlines()
            stderr = err.read().decode(errors="replace").splitlines()
            sh = result["shards"][i]
            sh["sim_stdout_tail"] = stdout[-3:]
            sh["sim_stderr_lines"] = len(stderr)
            sh["sim_stderr_head"] = stderr[:10]
            try:
                sh["summary"] = json.loads((tmpdir / f"summary-{i}.json").read_text())
            except (OSError, ValueError):
                sh["summary"] = None
        for f in files:
            f.close()

    summaries = [sh["summary"] or {} for sh in result["shards"]]
    booted = sum(s.get("booted") or 0 for s in summaries)
    times = [s.get("all_booted_after_s") for s in summaries]
    result["booted"] = booted
    result["ok"] = (not result.get("timed_out") and booted == n and all(t is not None for t in times)
                    and all(sh.get("exit_code") == 0 for sh in result["shards"]))
    if all(t is not None for t in times):
        result["all_accepted_s"] = max(times)
        result["connects_per_s"] = n / max(times) if max(times) > 0 else None
    else:
        result["all_accepted_s"] = result["connects_per_s"] = None
    deltas = [max(0, (s.get("rss_after_bytes") or 0) - (s.get("rss_before_bytes") or 0)) for s in summaries]
    result["rss_per_charger_bytes"] = sum(deltas) / n if all(summaries) else None
    result["peak_fds_sim"] = max((sh.get("peak_fds_sim") or 0 for sh in result["shards"]), default=None)
    result["peak_fds_sink"] = max((sh.get("peak_fds_sink") or 0 for sh in result["shards"]), default=None)
    result["call_timeouts_total"] = sum(s.get("call_timeouts_total") or 0 for s in summaries)
    result["connects_total"] = sum(s.get("connects_total") or 0 for s in summaries)
    return result


def median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
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
    pool = expand_pool(args.source_addresses)
    ports = port_range_size()
    biggest_share = -(-max(args.counts) // args.processes)
    bs.raise_fd_limit(biggest_share + 256)
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < biggest_share + 100:
        print(f"error: {biggest_share} chargers per process do not fit the open-file limit {soft}: "
              f"use more --processes", file=sys.stderr)
        return 2
    plans = {}
    for n in args.counts:
        plans[n] = plan_pairs(n, args.processes, pool)
        if ports and plans[n]["max_connections_per_pair"] > ports:
            print(f"error: N={n}: {plans[n]['max_connections_per_pair']} connections on one (source, sink) pair "
                  f"exceed the {ports} ephemeral ports; widen --source-addresses", file=sys.stderr)
            return 2

    report = {"benchmark": "boot_storm_sharded", "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "argv": sys.argv[1:], "bin_dir": str(bin_dir), "machine": bs.machine_info(), "git": bs.git_revision(),
              "ephemeral_ports": ports, "plans": {str(k): v for k, v in plans.items()}, "results": [], "runs": []}
    failures = 0
    for n in args.counts:
        runs = []
        for i in range(args.repeat):
            run = one_run(args, bin_dir, n, i, pool)
            runs.append(run)
            print(f"N={n} P={args.processes} run {i + 1}/{args.repeat}: {'ok' if run['ok'] else 'FAILED'} "
                  f"all-Accepted (max over shards) {bs.fmt(run.get('all_accepted_s'), '.3f')} s, booted "
                  f"{run['booted']}, all exited after {run['wall_all_exited_s']:.2f} s, peak FDs "
                  f"{run['peak_fds_sim']}/{run['peak_fds_sink']} (sim/sink), load before {run['loadavg_before']}",
                  file=sys.stderr, flush=True)
            if not run["ok"]:
                failures += 1
                for sh in run["shards"]:
                    for line in sh.get("sim_stderr_head", [])[:3] + sh.get("sim_stdout_tail", []):
                        print(f"    shard {sh['shard']}: {line}", file=sys.stderr)
        ok = [r for r in runs if r["ok"]]
        report["runs"].extend(runs)
        report["results"].append({
            "n": n, "processes": args.processes, "runs": len(runs), "runs_ok": len(ok),
            "all_accepted_s": median_of(ok, "all_accepted_s"),
            "all_accepted_s_min": min((r["all_accepted_s"] for r in ok), default=None),
            "all_accepted_s_max": max((r["all_accepted_s"] for r in ok), default=None),
            "connects_per_s": median_of(ok, "connects_per_s"),
            "rss_per_charger_bytes": median_of(ok, "rss_per_charger_bytes"),
            "peak_fds_sim": median_of(ok, "peak_fds_sim"), "peak_fds_sink": median_of(ok, "peak_fds_sink"),
            "wall_all_exited_s": median_of(ok, "wall_all_exited_s"),
            "sim_cpu_s": median_of(ok, "sim_cpu_s"), "sink_cpu_s": median_of(ok, "sink_cpu_s"),
            "other_cpu_s": median_of(ok, "other_cpu_s"),
            "max_connections_per_pair": plans[n]["max_connections_per_pair"],
        })

    header = ("N", "P", "ok", "all-Accepted s", "(min..max)", "connects/s", "RSS/charger B", "peak FDs sim",
              "peak FDs sink", "all exited s", "sim CPU s", "sink CPU s", "other CPU s")
    table = [header]
    for a in report["results"]:
        table.append((str(a["n"]), str(a["processes"]), f'{a["runs_ok"]}/{a["runs"]}', bs.fmt(a["all_accepted_s"], ".3f"),
                      f'{bs.fmt(a["all_accepted_s_min"], ".3f")}..{bs.fmt(a["all_accepted_s_max"], ".3f")}',
                      bs.fmt(a["connects_per_s"], ".0f"), bs.fmt(a["rss_per_charger_bytes"], ".0f"),
                      bs.fmt(a["peak_fds_sim"], ".0f"), bs.fmt(a["peak_fds_sink"], ".0f"),
                      bs.fmt(a["wall_all_exited_s"], ".2f"), bs.fmt(a["sim_cpu_s"], ".2f"),
                      bs.fmt(a["sink_cpu_s"], ".2f"), bs.fmt(a["other_cpu_s"], ".2f")))
    bs.print_aligned(table)
    bs.write_report(args.out, report)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
