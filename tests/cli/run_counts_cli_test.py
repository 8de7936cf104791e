#!/usr/bin/env python3
"""`ocppfleet run`: the progress line and the summary count transactions the same way (issue 12).

Against the strict ocpp-rpc CSMS (tests/peers/csms.js):
- starts the CSMS refuses (Authorize Invalid; StartTransaction / TransactionEvent answered
  ConcurrentTx) are counted as rejected, by status, on the progress line, in the summary and in
  --summary-json, and never as started transactions or in the in-transaction gauge;
- a charger that disconnects leaves the in-transaction gauge (as it leaves `booted`) and comes
  back into it when its transaction resumes after the next accepted boot.
Every subprocess and every wait is bounded; loopback and free ports only.
Usage: run_counts_cli_test.py <path-to-ocppfleet> <peers-dir>
"""
import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


class Peer:
    """The strict CSMS; commands go to its stdin, results and events are collected by a thread."""

    def __init__(self, peers, options):
        self.proc = subprocess.Popen(["node", os.path.join(peers, "csms.js"), json.dumps(options)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.events = []
        self.lock = threading.Lock()
        self.req = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.events.append(json.loads(line))

    def url(self):
        return f"ws://127.0.0.1:{self.port}/ocpp"

    def command(self, cmd, timeout=10.0):
        self.req += 1
        req = self.req
        self.proc.stdin.write(json.dumps(dict(cmd, req=req)) + "\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for e in self.events:
                    if e.get("event") == "result" and e.get("req") == req:
                        return e
            time.sleep(0.02)
        return None

    def calls(self, action):
        with self.lock:
            return [e for e in self.events if e.get("event") == "call" and e.get("action") == action]

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Fleet:
    """`ocppfleet run` in the background; its stdout lines arrive on a queue."""

    def __init__(self, binary, args):
        self.proc = subprocess.Popen([binary, "run"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.stdout = []
        self.stderr = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout, True), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr, False), daemon=True).start()

    def _read(self, stream, into, queue_it):
        for line in stream:
            into.append(line)
            if queue_it:
                self.lines.put(line)

    def wait_line(self, pattern, timeout):
        """The first stdout line from now on that matches `pattern`, or None after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if re.search(pattern, line):
                return line

    def finish(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        time.sleep(0.1)  # let the reader threads drain
        return self.proc.returncode


def progress(lines):
    return [l for l in lines if l.startswith("[")]


def check_rejected_starts(binary, peers, version):
    """One accepted start, one refused at Authorize (Invalid), two refused at the start (ConcurrentTx)."""
    v16 = version == "1.6"
    peer = Peer(peers, {"heartbeat_interval": 60, "protocols": ["ocpp1.6" if v16 else "ocpp2.0.1"],
                        "invalid_id_tags": ["TAGX0002"]})
    prefix = "RJ16" if v16 else "RJ21"
    try:
        for n in (3, 4):
            if v16:
                cmd = {"cmd": "set_response", "action": "StartTransaction", "identity": f"{prefix}-0000{n}",
                       "response": {"transactionId": 900 + n, "idTagInfo": {"status": "ConcurrentTx"}}}
            else:  # the Started event is the station's first TransactionEvent
                cmd = {"cmd": "set_response", "action": "TransactionEvent", "identity": f"{prefix}-0000{n}",
                       "once": True, "response": {"idTokenInfo": {"status": "ConcurrentTx"}}}
            r = peer.command(cmd)
            check(r is not None and r.get("ok"), f"{version}: peer takes the ConcurrentTx override for #{n}")
        with tempfile.TemporaryDirectory() as tmp:
            summary_path = os.path.join(tmp, "summary.json")
            fleet = Fleet(binary, ["--ws-url", peer.url(), "--ocpp", version, "-n", "4", "--sessions",
                                   "--id-tag", "TAGX000{n}", "--identity-prefix", prefix, "--progress-interval", "0.25",
                                   "--duration", "20", "--summary-json", summary_path])
            line = fleet.wait_line(r"rejected starts: ConcurrentTx 2, Invalid 1", 15)
            check(line is not None, f"{version}: a progress line names the refused starts by status ({line})")
            if line is not None:
                # The gauge settles once the accepted start is answered too.
                settled = fleet.wait_line(r"in-transaction 1 .*rejected starts: ConcurrentTx 2, Invalid 1", 5)
                check(settled is not None, f"{version}: the progress line holds exactly the accepted transaction")
            rc = fleet.finish()
            out = "".join(fleet.stdout)
            check(rc == 0, f"{version}: run ends 0 (every charger booted; rc {rc}; {''.join(fleet.stderr)[-300:]})")
            check(all("in-transaction 2" not in l and "in-transaction 3" not in l and "in-transaction 4" not in l
                      for l in progress(fleet.stdout)),
                  f"{version}: no progress line ever counts a refused start in transaction")
            check("transactions: started 1, stopped 1, in transaction 1; rejected starts 3 (ConcurrentTx 2, Invalid 1)"
                  in out, f"{version}: the summary counts the same: "
                  f"{[l for l in fleet.stdout if l.startswith('transactions:')]}")
            check("transactions 1/1 (started/stopped)" in out, f"{version}: the summary line says 1/1 started/stopped")
            summary = json.load(open(summary_path)) if os.path.exists(summary_path) else {}
            check(summary.get("transactions_started_total") == 1 and summary.get("transactions_stopped_total") == 1
                  and summary.get("in_transaction_at_end") == 1 and summary.get("starts_rejected_total") == 3
                  and summary.get("starts_rejected") == {"ConcurrentTx": 2, "Invalid": 1},
                  f"{version}: --summary-json agrees ({ {k: v for k, v in summary.items() if 'transaction' in k or 'rejected' in k} })")
        if v16:
            check(len(peer.calls("StartTransaction")) == 3, "1.6: the Invalid tag never sent StartTransaction")
    finally:
        peer.close()


def check_gauge_follows_disconnects(binary, peers):
    """Disconnected chargers leave the gauge; a Pending boot keeps them out; Accepted brings them back."""
    peer = Peer(peers, {"heartbeat_interval": 60, "boot_retry_interval": 1})
    try:
        fleet = Fleet(binary, ["--ws-url", peer.url(), "-n", "3", "--sessions", "--identity-prefix", "GA",
                               "--progress-interval", "0.25", "--duration", "40", "--ping-interval", "0"])
        check(fleet.wait_line(r"booted 3  in-transaction 3", 20) is not None, "gauge: three transactions held")
        r = peer.command({"cmd": "set_boot_sequence", "sequence": ["Pending"], "reset_counts": True})
        check(r is not None and r.get("ok"), "gauge: peer now answers boots Pending")
        r = peer.command({"cmd": "close_all", "code": 1001})
        check(r is not None and r.get("ok"), "gauge: peer closed every connection")
        line = fleet.wait_line(r"booted 0  in-transaction 0", 10)
        check(line is not None, f"gauge: disconnected and not booted, the chargers left the gauge ({line})")
        held = fleet.wait_line(r"booted 0  in-transaction [1-9]", 2)
        check(held is None, f"gauge: no line counts a transaction of an unbooted charger ({held})")
        r = peer.command({"cmd": "set_boot_sequence", "sequence": ["Accepted"], "reset_counts": True})
        line = fleet.wait_line(r"booted 3  in-transaction 3", 15)
        check(line is not None, f"gauge: after the accepted boot the transactions resume and count again ({line})")
        rc = fleet.finish()
        check(rc == 0, f"gauge: run ends 0 (rc {rc})")
        out = "".join(fleet.stdout)
        check("transactions: started 3, stopped 3, in transaction 3; rejected starts 0" in out,
              f"gauge: a resumed transaction is not started twice "
              f"({[l for l in fleet.stdout if l.startswith('transactions:')]})")
    finally:
        peer.close()


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    check_rejected_starts(binary, peers, "1.6")
    check_rejected_starts(binary, peers, "2.0.1")
    check_gauge_follows_disconnects(binary, peers)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
