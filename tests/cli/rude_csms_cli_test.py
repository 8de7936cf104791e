#!/usr/bin/env python3
"""`ocppfleet run` against a misbehaving CSMS (tests/peers/rude_csms.js), issue 12.

Every cause of a failed attempt or an ended connection is named and counted in the progress
lines, the summary and --summary-json; answers that retrying cannot fix end the run fast
with exit code 3; a CSMS that accepts and hangs up meets a growing backoff, not a storm.
Every subprocess is bounded by a timeout.
Usage: rude_csms_cli_test.py <path-to-ocppfleet> <peers-dir>
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


class RudeCsms:
    def __init__(self, peers, options):
        self.proc = subprocess.Popen(["node", os.path.join(peers, "rude_csms.js"), json.dumps(options)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.proc.stdout.readline())["port"]

    def url(self):
        return f"ws://127.0.0.1:{self.port}/ocpp"

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_against(binary, peers, options, args, timeout=60):
    csms = RudeCsms(peers, options)
    with tempfile.TemporaryDirectory() as tmp:
        summary_path = os.path.join(tmp, "summary.json")
        try:
            proc = subprocess.run([binary, "run", "--ws-url", csms.url(), "--summary-json", summary_path,
                                   "--progress-interval", "0.5"] + args,
                                  capture_output=True, text=True, timeout=timeout)
        finally:
            csms.close()
        summary = None
        if os.path.exists(summary_path):
            with open(summary_path) as f:
                summary = json.load(f)
    return proc, summary


def main():
    binary, peers = sys.argv[1], sys.argv[2]

    # 500: retried (the backoff grows), and the cause is on the progress line and in the summary.
    proc, summary = run_against(binary, peers, {"mode": "http_status", "status": 500}, ["-n", "2", "--duration", "2"])
    check(proc.returncode == 1, f"500: run ends not booted (exit {proc.returncode})")
    progress = [l for l in proc.stdout.splitlines() if l.startswith("[")]
    check(any("disconnects: http_server_error" in l for l in progress), "500: progress line names http_server_error")
    check("by cause: http_server_error" in proc.stdout, "500: summary names the cause")
    check(summary is not None and summary["link_failures"].get("http_server_error", 0) >= 2,
          f"500: summary JSON counts it ({summary and summary.get('link_failures')})")

    # 404, and a redirect: retrying the same URL cannot help, so the run fails fast (exit 3).
    for status, code in ((404, "http_not_found"), (302, "upgrade_redirected")):
        proc, summary = run_against(binary, peers, {"mode": "http_status", "status": status,
                                                    "location": "ws://127.0.0.1:1/elsewhere"},
                                    ["-n", "3", "--duration", "30"], timeout=25)
        check(proc.returncode == 3, f"{status}: exit 3 (got {proc.returncode}): {proc.stderr.strip()[:200]}")
        check(code in proc.stdout, f"{status}: output names {code}")
        check(summary is not None and summary["connects_total"] == 0 and summary["link_failures"].get(code) == 3,
              f"{status}: one attempt per charger, counted as {code} ({summary and summary.get('link_failures')})")
    check("elsewhere" in proc.stdout, "302: the Location is shown")

    # Accept and close at once: delays of 1, 2, 4 s (+-30 %) leave room for at most 3
    # connects per charger in 4 s (the 4th needs >= 0.7 + 1.4 + 2.8 s). Before: ~1 per second.
    proc, summary = run_against(binary, peers, {"mode": "boot_hangup"}, ["-n", "5", "--duration", "4"])
    check(summary is not None and 5 <= summary["connects_total"] <= 15,
          f"hangup: 5..15 connects in 4 s ({summary and summary['connects_total']})")
    check(summary is not None and summary["link_failures"].get("closed_by_peer", 0) >= 5,
          f"hangup: counted as closed_by_peer ({summary and summary.get('link_failures')})")

    # A frame over the 1 MiB inbound limit: named message_too_big, not a bare disconnect.
    proc, summary = run_against(binary, peers, {"mode": "flood", "bytes": 2 << 20}, ["-n", "1", "--duration", "2"])
    check(summary is not None and summary["link_failures"].get("message_too_big", 0) >= 1,
          f"flood: counted as message_too_big ({summary and summary.get('link_failures')})")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
