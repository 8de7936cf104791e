#!/usr/bin/env python3
"""End-to-end checks of the `ocppfleet run` command line (the README's main job).

Starts the strict ocpp-rpc CSMS peer (tests/peers/csms.js) on a free loopback port, runs
the real binary against it, and checks exit codes, output and the JSON summary. Also checks
that bad flags fail with a clear message. Every subprocess is bounded by a timeout.
Usage: run_cli_test.py <path-to-ocppfleet> <peers-dir>
"""
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(args, timeout=60):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def main():
    binary, peers = sys.argv[1], sys.argv[2]

    # Bad input: clear message, non-zero exit, no crash.
    r = run([binary, "run", "--ws-url", "ws://127.0.0.1:1", "--count", "0"])
    check(r.returncode != 0 and "count" in (r.stderr + r.stdout).lower(), "--count 0 is refused naming the flag")
    r = run([binary, "run", "--ws-url", "http://127.0.0.1:9000"])
    check(r.returncode == 2 and "ws://" in r.stderr, "an http:// URL is refused with a hint")
    r = run([binary, "run"])
    check(r.returncode != 0 and "ws-url" in (r.stderr + r.stdout), "a missing --ws-url is refused")
    r = run([binary, "run", "--ws-url", "ws://x", "--bogus"])
    check(r.returncode != 0 and "bogus" in (r.stderr + r.stdout), "an unknown flag is refused")
    r = run([binary, "run", "--help"])
    check(r.returncode == 0 and "--sessions" in r.stdout and "--seed" in r.stdout, "--help documents the flags")

    # A demo fleet against the strict CSMS: boots, runs sessions, exits 0, writes a summary.
    peer = subprocess.Popen(["node", os.path.join(peers, "csms.js"), json.dumps({"heartbeat_interval": 60})],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        first = json.loads(peer.stdout.readline())
        port = first["port"]
        with tempfile.TemporaryDirectory() as tmp:
            summary_path = os.path.join(tmp, "summary.json")
            r = run([binary, "run", "--ws-url", f"ws://127.0.0.1:{port}/ocpp", "--count", "25", "--duration", "4",
                     "--sessions", "--summary-json", summary_path], timeout=60)
            check(r.returncode == 0, f"demo fleet exits 0 (got {r.returncode}; stderr: {r.stderr[-500:]})")
            check("connected 25/25" in r.stdout and "booted 25" in r.stdout, "progress shows 25 connected and booted")
            check("summary:" in r.stdout, "a summary is printed")
            with open(summary_path) as f:
                summary = json.load(f)
            check(summary["booted"] == 25 and summary["boots_accepted_total"] >= 25, "JSON summary counts 25 boots")
            check(summary["failed"] == 0, "no charger failed")
        peer.stdin.write(json.dumps({"req": 1, "cmd": "stats"}) + "\n")
        peer.stdin.flush()
        stats = None
        violations = 0
        while True:
            line = peer.stdout.readline()
            if not line:
                break
            event = json.loads(line)
            if event.get("event") == "strict_violation":
                violations += 1
            if event.get("event") == "result" and event.get("req") == 1:
                stats = event["result"]
                break
        check(stats is not None, "the peer answered stats")
        calls = (stats or {}).get("calls_by_action", {})
        check(calls.get("BootNotification", 0) == 25, f"the peer saw 25 boots ({calls})")
        check(calls.get("StartTransaction", 0) == 25, "the peer saw 25 transactions (--sessions)")
        check(violations == 0 and (stats or {}).get("violations", 1) == 0, "zero strict schema violations")
    finally:
        peer.stdin.close()
        try:
            peer.wait(timeout=5)
        except subprocess.TimeoutExpired:
            peer.kill()
            peer.wait()

    print(f"{len(failures)} failed" if failures else "all CLI checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
