#!/usr/bin/env python3
"""`ocppfleet run`: seeing what happened (issue 12).

Against the strict ocpp-rpc CSMS (tests/peers/csms.js):
- --log-level trace logs every frame (identity, direction, text cut to a bounded size);
- --frame-log-dump PATH writes every charger's frame log as JSONL on SIGUSR1 and at exit
  (after the chargers' last frames);
- the AuthorizationKey a CSMS sets never appears in the log or the dump (redacted);
- --log-level info names each lost connection with its cause, at most 20 lines a second
  fleet-wide; what the limit holds back is counted in one line.
Every subprocess and every wait is bounded; loopback and free ports only.
Usage: run_visibility_cli_test.py <path-to-ocppfleet> <peers-dir>
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_counts_cli_test import Fleet, Peer, check, failures  # noqa: E402

SECRET = "0123456789abcdef0123456789abcdef01234567"


def read_dump(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def wait_for_dump(path, predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            try:
                rows = read_dump(path)
            except (OSError, ValueError):
                rows = []
            if predicate(rows):
                return rows
        time.sleep(0.1)
    return None


def check_trace_and_dump(binary, peers):
    peer = Peer(peers, {"heartbeat_interval": 60})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            dump = os.path.join(tmp, "frames.jsonl")
            fleet = Fleet(binary, ["--ws-url", peer.url(), "-n", "2", "--identity-prefix", "TR", "--sessions",
                                   "--log-level", "trace", "--frame-log", "64", "--frame-log-dump", dump,
                                   "--progress-interval", "0.25", "--duration", "40"])
            check(fleet.wait_line(r"booted 2  in-transaction 2", 20) is not None, "trace: two chargers in transaction")
            r = peer.command({"cmd": "call", "identity": "TR-00001", "action": "ChangeConfiguration",
                              "params": {"key": "AuthorizationKey", "value": SECRET}})
            check(r is not None, f"trace: the CSMS set the AuthorizationKey ({r and r.get('result')})")
            big = "D" * 6000
            r = peer.command({"cmd": "raw", "identity": "TR-00002",
                              "data": json.dumps([2, "dt-1", "DataTransfer", {"vendorId": "x", "data": big}])})
            check(r is not None and r.get("ok"), "trace: the CSMS sent a 6 kB DataTransfer")
            time.sleep(0.3)
            fleet.proc.send_signal(signal.SIGUSR1)
            rows = wait_for_dump(dump, lambda rows: any("ChangeConfiguration" in x["text"] for x in rows), 10)
            check(rows is not None, "SIGUSR1: the dump appears while the fleet runs")
            rows = rows or []
            check(all(set(x) >= {"identity", "direction", "timestamp", "text", "size"} for x in rows) and len(rows) > 8,
                  f"SIGUSR1: one JSON object per frame with identity, direction, timestamp, text ({len(rows)} rows)")
            check({x["identity"] for x in rows} == {"TR-00001", "TR-00002"} and
                  {x["direction"] for x in rows} == {"cp_to_csms", "csms_to_cp"},
                  "SIGUSR1: both chargers, both directions")
            check(all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", x["timestamp"]) for x in rows),
                  "SIGUSR1: RFC 3339 timestamps")
            change = [x for x in rows if "ChangeConfiguration" in x["text"]]
            check(bool(change) and all(SECRET not in x["text"] for x in rows) and '"value":"***"' in change[0]["text"],
                  f"SIGUSR1: the AuthorizationKey is redacted in the dump ({change[:1]})")
            check(not any("StopTransaction" in x["text"] for x in rows), "SIGUSR1: a dump of the running fleet")
            rc = fleet.finish()
            check(rc == 0, f"trace: run ends 0 (rc {rc})")
            rows = read_dump(dump) if os.path.exists(dump) else []
            check(any('"StopTransaction"' in x["text"] and x["direction"] == "cp_to_csms" for x in rows),
                  "exit: the dump is written after the chargers' last frames (StopTransaction)")
            check(any("frame log dump (exit)" in l for l in fleet.stdout) and
                  any("frame log dump (SIGUSR1)" in l for l in fleet.stdout), "the dumps are announced on stdout")
            err = "".join(fleet.stderr)
            check(re.search(r'frame TR-00001 -> \[2,"boot-1","BootNotification",', err) is not None and
                  re.search(r'frame TR-00001 <- \[3,"boot-1",', err) is not None,
                  "trace: frames are logged with identity and direction")
            check(SECRET not in err and SECRET not in "".join(fleet.stdout) and
                  re.search(r'frame TR-00001 <- \[2,"[^"]+","ChangeConfiguration",\{"key":"AuthorizationKey",'
                            r'"value":"\*\*\*"\}\]', err) is not None,
                  "trace: the AuthorizationKey is redacted in the log")
            dt = [l for l in err.splitlines() if "DataTransfer" in l and "TR-00002 <-" in l]
            check(len(dt) == 1 and "...[truncated, " in dt[0] and len(dt[0]) < 1300,
                  f"trace: a long frame is cut ({[len(l) for l in dt]})")
    finally:
        peer.close()


def check_disconnect_lines(binary, peers):
    peer = Peer(peers, {"heartbeat_interval": 60})
    try:
        n = 120
        fleet = Fleet(binary, ["--ws-url", peer.url(), "-n", str(n), "--identity-prefix", "DL", "--shards", "2",
                               "--log-level", "info", "--progress-interval", "0.25", "--duration", "60"])
        check(fleet.wait_line(rf"booted {n} ", 40) is not None, f"disconnects: {n} chargers booted")
        r = peer.command({"cmd": "close_all", "code": 1001, "timeout_ms": 5000})
        check(r is not None and r.get("ok"), "disconnects: the CSMS closed every connection")
        check(fleet.wait_line(rf"booted {n} .*closed_by_peer {n}", 30) is not None, "disconnects: all back")
        rc = fleet.finish()
        check(rc == 0, f"disconnects: run ends 0 (rc {rc})")
        err = "".join(fleet.stderr)
        lines = re.findall(r"charger DL-\d+ disconnected: closed_by_peer \(.*1001.*\); reconnecting", err)
        held = sum(int(m) for m in re.findall(r"(\d+) more connection losses not logged", err))
        check(1 <= len(lines) <= 40, f"disconnects: at most 20 lines a second are logged ({len(lines)})")
        check(len(lines) + held == n, f"disconnects: the rest is counted ({len(lines)} logged + {held} held back)")
    finally:
        peer.close()

    # One lost connection, at the default level (warn): nothing; at info: its line.
    peer = Peer(peers, {"heartbeat_interval": 60})
    try:
        fleet = Fleet(binary, ["--ws-url", peer.url(), "-n", "1", "--identity-prefix", "DW",
                               "--progress-interval", "0.25", "--duration", "30"])
        check(fleet.wait_line(r"booted 1 ", 20) is not None, "warn: booted")
        peer.command({"cmd": "close_all", "code": 1001})
        fleet.wait_line(r"booted 1 .*closed_by_peer 1", 15)
        fleet.finish()
        check("disconnected" not in "".join(fleet.stderr), "warn: no disconnect line below info")
    finally:
        peer.close()


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    r = subprocess.run([binary, "run", "--ws-url", "ws://127.0.0.1:1", "--frame-log", "0", "--frame-log-dump",
                        os.devnull], capture_output=True, text=True, timeout=20)
    check(r.returncode == 2 and "--frame-log-dump" in r.stderr,
          f"--frame-log-dump with --frame-log 0 is refused ({r.returncode}: {r.stderr.strip()[:200]})")
    check_trace_and_dump(binary, peers)
    check_disconnect_lines(binary, peers)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
