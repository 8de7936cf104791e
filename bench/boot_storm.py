#!/usr/bin/env python3
"""Boot-storm benchmark: how fast can one ocppfleet process get N chargers Accepted?

For each N (and each repeat) this starts a fresh ocppfleet-sink-csms on a free loopback
port, runs `ocppfleet run --count N --exit-when-booted` against it, samples both
processes' open file descriptors while it runs, then stops the sink. It prints a table
of medians and writes the machine description plus every raw run as JSON.

It builds nothing: point --bin-dir (or OCPPFLEET_BIN_DIR) at a Release build's bin/.
Python 3 standard library only. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SINK_START_TIMEOUT_S = 10.0   # the sink prints `listening <port>` well before this
SINK_STOP_TIMEOUT_S = 10.0    # SIGTERM -> stats line -> exit; SIGKILL after this
RUN_GRACE_S = 60.0            # on top of --duration: engine start-up and shutdown


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin-dir", default=os.environ.get("OCPPFLEET_BIN_DIR", str(REPO_ROOT / "build" / "release" / "bin")),
                   help="directory with ocppfleet and ocppfleet-sink-csms (default: $OCPPFLEET_BIN_DIR or build/release/bin)")
    p.add_argument("--count", action="append", default=None,
                   help="chargers per run; repeatable or comma list, e.g. --count 1000,10000 (default 1000)")
    p.add_argument("--shards", type=int, default=None, help="ocppfleet --shards (default: its own, one per core)")
    p.add_argument("--sink-threads", type=int, default=1, help="ocppfleet-sink-csms --threads (default 1)")
    p.add_argument("--source-addresses", default=None,
                   help="ocppfleet --source-addresses, e.g. 127.0.0.1-127.0.0.4 (default: not passed, i.e. the "
                        "kernel picks 127.0.0.1 for every charger)")
    p.add_argument("--frame-log", type=int, default=None,
                   help="ocppfleet --frame-log (OCPP frames kept per charger); 0 for density runs "
                        "(default: not passed, i.e. the simulator's 16)")
    p.add_argument("--repeat", type=int, default=3, help="runs per N; the table shows medians (default 3)")
    p.add_argument("--duration", type=float, default=120.0, help="ocppfleet --duration cap in seconds (default 120)")
    p.add_argument("--fd-sample-interval", type=float, default=0.02,
                   help="seconds between /proc/<pid>/fd samples (default 0.02)")
    p.add_argument("--wait-idle", type=float, default=0.0,
                   help="before each run, wait up to this many seconds for a 1 s window with at most "
                        "25%% of the CPUs busy (shared machines); 0 = do not wait (default)")
    p.add_argument("--quick", action="store_true", help="shorthand for --count 1000 --repeat 3")
    p.add_argument("--out", default=str(REPO_ROOT / "bench" / "results" / "boot_storm.json"),
                   help="JSON output (default bench/results/boot_storm.json)")
    args = p.parse_args()
    if args.quick:
        args.count, args.repeat = ["1000"], 3
    counts = []
    for item in args.count or ["1000"]:
        for part in item.split(","):
            if part.strip():
                counts.append(int(part))
    if not counts or any(n < 1 for n in counts):
        p.error("--count must be positive integers")
    if args.repeat < 1:
        p.error("--repeat must be >= 1")
    args.counts = counts
    return args


# ---------------------------------------------------------------- machine ---------

def read_first(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def git_revision() -> dict:
    def git(*cmd: str) -> str | None:
        try:
            r = subprocess.run(["git", "-C", str(REPO_ROOT), *cmd], capture_output=True, text=True, timeout=10)
            return r.stdout.strip() if r.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            return None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def machine_info() -> dict:
    mem_kb = read_first("/proc/meminfo", "MemTotal")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "mem_total_bytes": int(mem_kb.split()[0]) * 1024 if mem_kb else None,
        "kernel": platform.release(),
        "cpu_model": read_first("/proc/cpuinfo", "model name"),
        "python": platform.python_version(),
        "nofile_limit": [soft, hard],
        "somaxconn": (Path("/proc/sys/net/core/somaxconn").read_text().strip()
                      if Path("/proc/sys/net/core/somaxconn").exists() else None),
    }


def raise_fd_limit(needed: int) -> None:
    """Children inherit our RLIMIT_NOFILE: lift the soft limit to the hard one if N needs it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    target = hard if hard == resource.RLIM_INFINITY else min(hard, max(needed, soft))
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        pass
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < needed:
        print(f"warning: file-descriptor limit {resource.getrlimit(resource.RLIMIT_NOFILE)[0]} < {needed} "
              "needed; expect failed connections", file=sys.stderr)


# ---------------------------------------------------------------- system load -----

def cpu_times() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already inside user/nice
    return (total - idle) / tick, total / tick


def busy_fraction(window_s: float = 1.0) -> float:
    b0, t0 = cpu_times()
    time.sleep(window_s)
    b1, t1 = cpu_times()
    return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0


def wait_for_idle(limit_s: float) -> float:
    """Other engineers' builds share these 2 cores: give them a chance to finish first."""
    deadline = time.monotonic() + limit_s
    busy = busy_fraction()
    while busy > 0.25 and time.monotonic() < deadline:
        busy = busy_fraction()
    return busy


# ---------------------------------------------------------------- processes -------

def fd_count(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None  # exited, or not ours to look at


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a live process from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def start_sink(bin_dir: Path, threads: int, stderr_file) -> tuple[subprocess.Popen, int]:
    sink = subprocess.Popen([str(bin_dir / "ocppfleet-sink-csms"), "--listen", "127.0.0.1:0",
                             "--threads", str(threads), "--heartbeat-interval", "300"],
                            stdout=subprocess.PIPE, stderr=stderr_file, stdin=subprocess.DEVNULL)
    try:
        ready, _, _ = select.select([sink.stdout], [], [], SINK_START_TIMEOUT_S)
        line = sink.stdout.readline().decode(errors="replace").strip() if ready else ""
        if not line.startswith("listening "):
            raise RuntimeError(f"sink did not report its port (got {line!r})")
        return sink, int(line.split()[1])
    except BaseException:
        stop_sink(sink)
        raise


def stop_sink(sink: subprocess.Popen) -> None:
    """SIGTERM (the sink prints its final stats line), SIGKILL if it lingers."""
    if sink.poll() is None:
        sink.send_signal(signal.SIGTERM)
        try:
            sink.wait(timeout=SINK_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            sink.kill()
            sink.wait(timeout=SINK_STOP_TIMEOUT_S)
    if sink.stdout:
        sink.stdout.close()


def parse_sink_stats(text: str) -> dict | None:
    """Last `sink: key=value ...` line of the sink's stderr, numbers converted."""
    lines = [ln for ln in text.splitlines() if ln.startswith("sink: ")]
    if not lines:
        return None
    out = {}
    for token in lines[-1][len("sink: "):].split():
        key, _, value = token.partition("=")
        try:
            out[key] = float(value) if "." in value else int(value)
        except ValueError:
            out[key] = value
    return out


def wait_sampling(proc: subprocess.Popen, sink: subprocess.Popen, timeout_s: float, interval_s: float) -> dict:
    """Wait for `proc`, sampling both processes' FD counts; returns exit status and rusage."""
    deadline = time.monotonic() + timeout_s
    peak_sim = peak_sink = 0
    samples = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return {"timed_out": False, "exit_code": proc.returncode, "peak_fds_sim": peak_sim or None,
                    "peak_fds_sink": peak_sink or None, "fd_samples": samples,
                    "sim_cpu_s": usage.ru_utime + usage.ru_stime, "sim_max_rss_bytes": usage.ru_maxrss * 1024}
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait(timeout=10)
            return {"timed_out": True, "exit_code": proc.returncode, "peak_fds_sim": peak_sim or None,
                    "peak_fds_sink": peak_sink or None, "fd_samples": samples}
        sample_start = time.monotonic()
        peak_sim = max(peak_sim, fd_count(proc.pid) or 0)
        peak_sink = max(peak_sink, fd_count(sink.pid) or 0)
        samples += 1
        # Listing 10k descriptors takes ~9 ms of kernel time: back off so that sampling
        # stays under ~10% of one core and does not slow down what it measures.
        time.sleep(max(interval_s, 9 * (time.monotonic() - sample_start)))


def one_run(args: argparse.Namespace, bin_dir: Path, n: int, index: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="ocppfleet-boot-storm-") as tmp:
        tmpdir = Path(tmp)
        summary_path = tmpdir / "summary.json"
        with open(tmpdir / "sink.err", "w+b") as sink_err, open(tmpdir / "sim.out", "w+b") as sim_out, \
                open(tmpdir / "sim.err", "w+b") as sim_err:
            busy_before = wait_for_idle(args.wait_idle) if args.wait_idle > 0 else busy_fraction(0.5)
            sink, port = start_sink(bin_dir, args.sink_threads, sink_err)
            result: dict = {"n": n, "repeat": index, "sink_port": port, "cpu_busy_before": busy_before,
                            "loadavg_before": Path("/proc/loadavg").read_text().split()[:3]}
            try:
                cmd = [str(bin_dir / "ocppfleet"), "run", "--ws-url", f"ws://127.0.0.1:{port}", "--count", str(n),
                       "--exit-when-booted", "--duration", f"{args.duration:g}", "--ping-interval", "0",
                       "--summary-json", str(summary_path)]
                if args.shards is not None:
                    cmd += ["--shards", str(args.shards)]
                if args.frame_log is not None:
                    cmd += ["--frame-log", str(args.frame_log)]
                if args.source_addresses is not None:
                    cmd += ["--source-addresses", args.source_addresses]
                result["command"] = " ".join(cmd[1:])
                started = time.monotonic()
                busy0, total0 = cpu_times()
                sink_cpu0 = cpu_seconds(sink.pid) or 0.0
                sim = subprocess.Popen(cmd, stdout=sim_out, stderr=sim_err, stdin=subprocess.DEVNULL)
                try:
                    result.update(wait_sampling(sim, sink, args.duration + RUN_GRACE_S, args.fd_sample_interval))
                finally:
                    if sim.poll() is None:
                        sim.kill()
                        sim.wait(timeout=10)
                result["wall_s"] = time.monotonic() - started
                busy1, total1 = cpu_times()
                sink_cpu1 = cpu_seconds(sink.pid)
                result["sink_cpu_s"] = None if sink_cpu1 is None else sink_cpu1 - sink_cpu0
                # CPU time the rest of the machine (other builds, this script) used meanwhile:
                # a large value means the figures of this run measured contention.
                result["machine_busy_fraction"] = (busy1 - busy0) / (total1 - total0) if total1 > total0 else None
                result["other_cpu_s"] = max(0.0, (busy1 - busy0) - (result.get("sim_cpu_s") or 0.0)
                                            - (result["sink_cpu_s"] or 0.0))
            finally:
                stop_sink(sink)
            for f in (sink_err, sim_out, sim_err):
                f.flush()
                f.seek(0)
            result["sink_stats"] = parse_sink_stats(sink_err.read().decode(errors="replace"))
            sim_stdout = sim_out.read().decode(errors="replace").splitlines()
            sim_stderr = sim_err.read().decode(errors="replace").splitlines()
        # Keep what the simulator said at the end and every stderr line (errors), bounded.
        result["sim_stdout_tail"] = sim_stdout[-4:]
        result["sim_stderr_lines"] = len(sim_stderr)
        result["sim_stderr_head"] = sim_stderr[:20]
        try:
            result["summary"] = json.loads(summary_path.read_text())
        except (OSError, ValueError):
            result["summary"] = None
    s = result["summary"] or {}
    result["ok"] = (not result.get("timed_out") and result.get("exit_code") == 0
                    and s.get("booted") == n and s.get("all_booted_after_s") is not None)
    return result


# ---------------------------------------------------------------- report ----------

def median_of(runs: list[dict], get) -> float | None:
    values = [v for v in (get(r) for r in runs) if v is not None]
    return statistics.median(values) if values else None


def aggregate(n: int, runs: list[dict]) -> dict:
    ok = [r for r in runs if r["ok"]]
    return {
        "n": n,
        "runs": len(runs),
        "runs_ok": len(ok),
        "all_accepted_s": median_of(ok, lambda r: r["summary"]["all_booted_after_s"]),
        "all_accepted_s_min": min((r["summary"]["all_booted_after_s"] for r in ok), default=None),
        "all_accepted_s_max": max((r["summary"]["all_booted_after_s"] for r in ok), default=None),
        "connects_per_s": median_of(ok, lambda r: r["summary"]["boots_per_s"]),
        "rss_per_charger_bytes": median_of(ok, lambda r: r["summary"]["rss_per_charger_bytes"]),
        "peak_fds_sim": median_of(ok, lambda r: r.get("peak_fds_sim")),
        "peak_fds_sink": median_of(ok, lambda r: r.get("peak_fds_sink")),
        "sim_cpu_s": median_of(ok, lambda r: r.get("sim_cpu_s")),
        "sink_cpu_s": median_of(ok, lambda r: r.get("sink_cpu_s")),
        "sink_conns_peak": median_of(ok, lambda r: (r.get("sink_stats") or {}).get("conns_peak")),
        "other_cpu_s": median_of(ok, lambda r: r.get("other_cpu_s")),
    }


def fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_aligned(table: list[tuple[str, ...]]) -> None:
    """Prints rows right-aligned in columns; the first row is the header."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for i, row in enumerate(table):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def write_report(path: str, report: dict) -> None:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


def print_table(rows: list[dict]) -> None:
    header = ("N", "ok", "all-Accepted s", "(min..max)", "connects/s", "RSS/charger B", "peak FDs sim",
              "peak FDs sink", "sim CPU s", "sink CPU s", "other CPU s")
    table = [header]
    for a in rows:
        table.append((str(a["n"]), f'{a["runs_ok"]}/{a["runs"]}', fmt(a["all_accepted_s"], ".3f"),
                      f'{fmt(a["all_accepted_s_min"], ".3f")}..{fmt(a["all_accepted_s_max"], ".3f")}',
                      fmt(a["connects_per_s"], ".0f"), fmt(a["rss_per_charger_bytes"], ".0f"),
                      fmt(a["peak_fds_sim"], ".0f"), fmt(a["peak_fds_sink"], ".0f"), fmt(a["sim_cpu_s"], ".2f"),
                      fmt(a["sink_cpu_s"], ".2f"), fmt(a["other_cpu_s"], ".2f")))
    print_aligned(table)


def main() -> int:
    args = parse_args()
    bin_dir = Path(args.bin_dir)
    if not bin_dir.is_absolute():
        bin_dir = (REPO_ROOT / bin_dir).resolve()
    for name in ("ocppfleet", "ocppfleet-sink-csms"):
        if not os.access(bin_dir / name, os.X_OK):
            print(f"error: {bin_dir / name} not found; build first (bench/run_all.sh does)", file=sys.stderr)
            return 2
    raise_fd_limit(max(args.counts) + 256)

    report = {"benchmark": "boot_storm", "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "argv": sys.argv[1:], "bin_dir": str(bin_dir), "machine": machine_info(), "git": git_revision(),
              "results": [], "runs": []}
    failures = 0
    for n in args.counts:
        runs = []
        for i in range(args.repeat):
            run = one_run(args, bin_dir, n, i)
            runs.append(run)
            s = run["summary"] or {}
            print(f"N={n} run {i + 1}/{args.repeat}: {'ok' if run['ok'] else 'FAILED'} "
                  f"all-Accepted {fmt(s.get('all_booted_after_s'), '.3f')} s, booted {s.get('booted')}, "
                  f"peak FDs {run.get('peak_fds_sim')}/{run.get('peak_fds_sink')} (sim/sink), "
                  f"stderr lines {run['sim_stderr_lines']}", file=sys.stderr, flush=True)
            if not run["ok"]:
                failures += 1
                for line in run["sim_stderr_head"][:5] + run["sim_stdout_tail"]:
                    print(f"    {line}", file=sys.stderr)
        report["runs"].extend(runs)
        report["results"].append(aggregate(n, runs))

    print_table(report["results"])
    write_report(args.out, report)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
