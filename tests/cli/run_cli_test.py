#!/usr/bin/env python3
"""End-to-end checks of the `ocppfleet run` command line (the README's main job).

Starts the strict ocpp-rpc CSMS peer (tests/peers/csms.js) on a free loopback port, runs
the real binary against it, and checks exit codes, output and the JSON summary. Also checks
that bad flags fail with a clear message. Every subprocess is bounded by a timeout.
Usage: run_cli_test.py <path-to-ocppfleet> <peers-dir>
"""
import concurrent.futures
import json
import os
import shutil
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


def run(args, timeout=60, nofile=None):
    """Runs the binary; `nofile` = (soft, hard) open-file limit for the child only (set by
    util-linux prlimit: a preexec_fn is not safe while other threads run)."""
    if nofile:
        args = ["prlimit", f"--nofile={nofile[0]}:{nofile[1]}", "--"] + args
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def parallel(*jobs, workers=4):
    """Runs independent checks side by side (each mostly waits on a --duration or a peer) and
    returns their results in order; an exception in one is a failure, not a lost check."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(job) for job in jobs]
        results = []
        for job, future in zip(jobs, futures):
            try:
                results.append(future.result())
            except Exception as e:  # noqa: BLE001 - reported as a failed check
                check(False, f"{getattr(job, '__name__', 'job')} raised {e!r}")
                results.append(None)
        return results


class Peer:
    """The strict CSMS with a thread that collects its events (a full stdout pipe would stall it)."""

    def __init__(self, peers, options):
        self.proc = subprocess.Popen(["node", os.path.join(peers, "csms.js"), json.dumps(options)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.events = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.events.append(json.loads(line))

    def url(self):
        return f"ws://127.0.0.1:{self.port}/ocpp"

    def snapshot(self, event):
        with self.lock:
            return [e for e in self.events if e.get("event") == event]

    def wait_for(self, predicate, n, timeout=5.0):
        """Events matching predicate, once there are n (or whatever arrived within timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                found = [e for e in self.events if predicate(e)]
            if len(found) >= n or time.monotonic() >= deadline:
                return found
            time.sleep(0.02)

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)


def check_scaling_flags(binary, peers):
    """--shard, --source-addresses and the open-file limit check (docs/scaling.md)."""
    # Too few file descriptors: refused before any charger exists, naming what fits and the fix.
    # Fit = 200 - (64 + 4 per engine thread) = 128 with --shards 2, so 1000 chargers need 8 shards.
    r = run([binary, "run", "--ws-url", "ws://127.0.0.1:1", "--count", "1000", "--shards", "2"], nofile=(200, 200))
    out = r.stderr + r.stdout
    check(r.returncode != 0 and "at most 128 chargers fit" in out and "--shard i/8" in out,
          f"an FD shortfall is refused naming how many fit and --shard (rc {r.returncode}: {out.strip()[:300]})")
    r = run([binary, "run", "--ws-url", "ws://127.0.0.1:1", "--count", "1000", "--shards", "2", "--shard", "0/4"],
            nofile=(200, 200))
    out = r.stderr + r.stdout
    check(r.returncode != 0 and "250 chargers" in out and "--shard i/8" in out,
          "a shard that does not fit either is refused with the N that does")

    # Bad values: exit 2 with a sentence naming the flag.
    for bad, says in (("3/2", "below N"), ("2/2", "below N"), ("1/0", "at least 1"), ("abc", "i/N")):
        r = run([binary, "run", "--ws-url", "ws://127.0.0.1:1", "--shard", bad])
        check(r.returncode == 2 and "--shard" in r.stderr and says in r.stderr,
              f"--shard {bad} is refused clearly ({r.stderr.strip()[:200]})")
    for bad, says in (("127.0.0.x", "not an IP address"), ("127.0.0.9-127.0.0.1", "backwards"),
                      ("127.0.0.1,,127.0.0.2", "empty"), ("::1", "IPv6")):
        r = run([binary, "run", "--ws-url", "ws://127.0.0.1:1", "--source-addresses", bad])
        check(r.returncode == 2 and "--source-addresses" in r.stderr and says in r.stderr,
              f"--source-addresses {bad} is refused clearly ({r.stderr.strip()[:200]})")

    # More chargers per source address than the ephemeral port range: a warning, not a refusal. The
    # range is per network namespace, so shrink it in a private one (needs unshare; skipped without).
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10) if shutil.which("unshare") else None
    if probe is not None and probe.returncode == 0:
        script = ('ip link set lo up 2>/dev/null; echo "40000 40009" > /proc/sys/net/ipv4/ip_local_port_range && '
                  'exec "$0" run --ws-url ws://127.0.0.1:1 --count 25 --duration 0.3 --progress-interval 5')
        r = subprocess.run(["unshare", "-n", "sh", "-c", script, binary], capture_output=True, text=True, timeout=30)
        check("warning: 25 chargers connect from" in r.stderr and "40000-40009" in r.stderr and
              "--source-addresses" in r.stderr and "ocppfleet: 25 chargers" in r.stdout,
              f"too few ephemeral ports per source address warn and still run ({r.stderr.strip()[:300]})")
    else:
        print("skip ephemeral-port warning check (cannot unshare a network namespace here)")

    peer = Peer(peers, {"heartbeat_interval": 60})
    try:
        # The soft limit is raised to the hard one: 150 chargers under a soft limit of 100.
        r = run([binary, "run", "--ws-url", peer.url(), "--count", "150", "--shards", "2", "--identity-prefix", "FD",
                 "--exit-when-booted", "--duration", "30"], timeout=60, nofile=(100, 4096))
        check(r.returncode == 0 and "booted 150" in r.stdout,
              f"the soft open-file limit is raised to the hard one (rc {r.returncode}; {r.stderr[-300:]})")

        # Two shards over two source addresses, then the unsharded fleet: same identities, serials, addresses.
        common = ["--ws-url", peer.url(), "--count", "9", "--seed", "5", "--identity-prefix", "SH",
                  "--source-addresses", "127.0.0.1-127.0.0.2", "--exit-when-booted", "--duration", "30"]
        # The peer reports a connect and a boot slightly after answering it: wait (bounded) for the events.
        def connects(prefix, n):
            return peer.wait_for(lambda e: e.get("event") == "connected" and e["identity"].startswith(prefix), n)

        def boots(prefix, n):
            return peer.wait_for(lambda e: e.get("event") == "call" and e.get("action") == "BootNotification" and
                                 e["identity"].startswith(prefix), n)

        shard_ids = []
        for shard, size in (("0/2", 5), ("1/2", 4)):
            before = len(connects("SH-", 0))
            r = run([binary, "run", "--shard", shard] + common, timeout=60)
            check(r.returncode == 0, f"--shard {shard} boots its share and exits 0 (rc {r.returncode}; {r.stderr[-300:]})")
            shard_ids.append({e["identity"] for e in connects("SH-", before + size)[before:]})
        expected = {f"SH-{n:05d}" for n in range(1, 10)}
        check(len(shard_ids[0]) == 5 and len(shard_ids[1]) == 4, f"shard sizes 5 and 4 ({shard_ids})")
        check(not (shard_ids[0] & shard_ids[1]), "the two shards share no identity")
        check(shard_ids[0] | shard_ids[1] == expected, "together the shards are the whole fleet")
        check(shard_ids[0] == {f"SH-{n:05d}" for n in range(1, 10, 2)}, "shard 0/2 holds the even indices")

        sharded_serials = {e["identity"]: e["params"]["chargePointSerialNumber"] for e in boots("SH-", 9)}
        sharded_addresses = {e["identity"]: e["remote_address"] for e in connects("SH-", 9)}
        r = run([binary, "run"] + common, timeout=60)
        check(r.returncode == 0, "the unsharded fleet exits 0")
        whole_serials = {e["identity"]: e["params"]["chargePointSerialNumber"] for e in boots("SH-", 18)[9:]}
        whole_addresses = {e["identity"]: e["remote_address"] for e in connects("SH-", 18)[9:]}
        check(set(whole_serials) == expected and
              all(sharded_serials.get(i) == whole_serials[i] for i in expected),
              "each charger has the same serial number sharded and unsharded (same seed)")
        check(sharded_addresses == whole_addresses and
              all(whole_addresses[f"SH-{n:05d}"] == ("127.0.0.1" if n % 2 == 1 else "127.0.0.2") for n in range(1, 10)),
              f"each charger binds the source address of its index, sharded or not ({whole_addresses})")
        check(not peer.snapshot("strict_violation"), "zero strict schema violations in the scaling runs")
    finally:
        peer.close()


def check_protocol_flags(binary, peers):
    """--ocpp 2.0.1, --version-mix (seeded per charger) and a permanent auth failure."""
    for args, says in ((["--ocpp", "2.0"], "--ocpp"), (["--version-mix", "1.6=x"], "not a non-negative integer"),
                       (["--version-mix", "3.0=1"], "unknown OCPP version"),
                       (["--ocpp", "1.6", "--version-mix", "1.6=1"], "excludes"),
                       (["--client-cert", "/etc/hostname"], "--client-key")):
        r = run([binary, "run", "--ws-url", "wss://127.0.0.1:1"] + args)
        out = r.stderr + r.stdout
        check(r.returncode == 2 and says in out, f"{' '.join(args)} is refused clearly (rc {r.returncode}: {out.strip()[:200]})")

    peer = Peer(peers, {"heartbeat_interval": 60, "protocols": ["ocpp1.6", "ocpp2.0.1"]})
    try:
        def protocols(prefix, n):
            found = peer.wait_for(lambda e: e.get("event") == "connected" and e["identity"].startswith(prefix), n)
            return {e["identity"]: e["protocol"] for e in found}

        def v201_default_tokens():
            r = run([binary, "run", "--ws-url", peer.url(), "--ocpp", "2.0.1", "--count", "6", "--identity-prefix",
                     "V2", "--sessions", "--duration", "3"], timeout=60)
            check(r.returncode == 0 and "OCPP 2.0.1" in r.stdout,
                  f"--ocpp 2.0.1 runs and exits 0 (rc {r.returncode}; {r.stderr[-300:]})")
            check(set(protocols("V2-", 6).values()) == {"ocpp2.0.1"}, "every --ocpp 2.0.1 charger speaks ocpp2.0.1")
            started = peer.wait_for(lambda e: e.get("event") == "call" and e.get("action") == "TransactionEvent" and
                                    e["identity"].startswith("V2-") and e["params"]["eventType"] == "Started", 6)
            check(len(started) == 6, f"--sessions starts a 2.0.1 transaction on each ({len(started)})")
            tokens = {e["params"]["idToken"]["idToken"]: e["params"]["idToken"]["type"] for e in started}
            check(len(tokens) == 6 and set(tokens.values()) == {"ISO14443"} and
                  all(len(t) == 8 and all(c in "0123456789ABCDEF" for c in t) for t in tokens),
                  f"each charger has its own default idToken, an 8-hex-digit ISO14443 UID ({tokens})")

        # Per-charger tags from a template and from a list file (1.6: Authorize idTag).
        tag_file = os.path.join(tempfile.mkdtemp(prefix="ocppfleet-tags-"), "tags.txt")
        with open(tag_file, "w") as f:
            f.write("# cards\nCARD-A\nCARD-B\nCARD-C\n")

        def per_charger_tags(prefix, flag, want):
            r = run([binary, "run", "--ws-url", peer.url(), "--count", "3", "--identity-prefix", prefix,
                     "--sessions", "--duration", "3"] + flag, timeout=60)
            auths = peer.wait_for(lambda e, p=prefix: e.get("event") == "call" and e.get("action") == "Authorize" and
                                  e["identity"].startswith(p + "-"), 3)
            got = {e["params"]["idTag"] for e in auths}
            check(r.returncode == 0 and got == want, f"{flag[0]} gives each charger its own idTag ({got})")

        # Order at boot with a profile's boot_to_status delay (issue 12): after the accepted boot,
        # every connector's / EVSE's Available StatusNotification, then the session's messages.
        def order_at_boot(prefix, flags, key, value, want, start):
            r = run([binary, "run", "--ws-url", peer.url(), "--count", "3", "--identity-prefix", prefix,
                     "--sessions", "--duration", "8"] + flags, timeout=60)
            check(r.returncode == 0, f"{flags[-1]} --sessions runs (rc {r.returncode}; {r.stderr[-300:]})")
            for n in (1, 2, 3):
                ident = f"{prefix}-{n:05d}"
                calls = [e for e in peer.snapshot("call") if e.get("identity") == ident]
                actions = [e["action"] for e in calls]
                after_boot = [e for e in calls if e["action"] != "BootNotification"]
                report = after_boot[:len(want)]
                rest = [e["action"] for e in after_boot[len(want):]]
                check(start in rest and all(e["action"] == "StatusNotification" for e in report) and
                      {e["params"][key] for e in report} == want and
                      all(e["params"][value] == "Available" for e in report),
                      f"{flags[-1]} {ident}: boot, Available statuses for {sorted(want)}, then the session "
                      f"({actions[:6]})")

        parallel(v201_default_tokens,
                 lambda: per_charger_tags("TT", ["--id-tag", "TAG-{n}"], {"TAG-1", "TAG-2", "TAG-3"}),
                 lambda: per_charger_tags("TF", ["--id-tag-file", tag_file], {"CARD-A", "CARD-B", "CARD-C"}),
                 lambda: order_at_boot("OA", ["--model", "alpitronic/hyc150"], "connectorId", "status", {0, 1, 2},
                                       "StartTransaction"),
                 lambda: order_at_boot("OK", ["--ocpp", "2.0.1", "--model", "kempower/satellite"], "evseId",
                                       "connectorStatus", {1}, "TransactionEvent"))
        r = run([binary, "run", "--ws-url", peer.url(), "--count", "1", "--sessions", "--id-tag", "T-{bogus}"])
        check(r.returncode == 2 and "unknown placeholder" in r.stderr, f"a bad --id-tag template is refused ({r.stderr.strip()})")

        mix = ["--ws-url", peer.url(), "--version-mix", "1.6=50,2.0.1=50", "--count", "40", "--exit-when-booted",
               "--duration", "30"]
        def mixed_fleet(prefix, seed):
            r = run([binary, "run", "--identity-prefix", prefix, "--seed", seed] + mix, timeout=60)
            check(r.returncode == 0 and "OCPP mix 1.6=50,2.0.1=50" in r.stdout,
                  f"--version-mix fleet {prefix} boots and exits 0 (rc {r.returncode}; {r.stderr[-300:]})")
            got = protocols(prefix + "-", 40)
            return {k[len(prefix):]: v for k, v in got.items()}

        assignments = [a or {} for a in parallel(lambda: mixed_fleet("MA", "3"), lambda: mixed_fleet("MB", "3"),
                                                 lambda: mixed_fleet("MC", "4"))]
        counts = [sum(1 for v in a.values() if v == "ocpp2.0.1") for a in assignments]
        check(len(assignments[0]) == 40 and 8 <= counts[0] <= 32, f"both versions appear in a 50/50 mix ({counts})")
        check(assignments[0] == assignments[1], "the same seed assigns the same version to the same charger")
        check(assignments[0] != assignments[2], "another seed gives another assignment")

        # A CSMS that serves one version per endpoint: --ws-url-201 sends the 2.0.1 chargers
        # to their own endpoint, so the whole mixed fleet boots.
        only_201 = Peer(peers, {"heartbeat_interval": 60, "protocols": ["ocpp2.0.1"]})
        only_16 = Peer(peers, {"heartbeat_interval": 60, "protocols": ["ocpp1.6"]})
        try:
            r = run([binary, "run", "--ws-url", only_16.url(), "--ws-url-201", only_201.url(), "--version-mix",
                     "1.6=50,2.0.1=50", "--count", "20", "--identity-prefix", "WU", "--seed", "3",
                     "--exit-when-booted", "--duration", "30"], timeout=60)
            seen16 = {e["identity"]: e["protocol"] for e in only_16.snapshot("connected")}
            seen201 = {e["identity"]: e["protocol"] for e in only_201.snapshot("connected")}
            check(r.returncode == 0 and "2.0.1 at" in r.stdout and len(seen16) + len(seen201) == 20 and
                  set(seen16.values()) == {"ocpp1.6"} and set(seen201.values()) == {"ocpp2.0.1"},
                  f"--ws-url-201: every charger boots at its version's endpoint (rc {r.returncode}; "
                  f"{len(seen16)} x 1.6, {len(seen201)} x 2.0.1; {r.stderr[-200:]})")
            check(2 <= len(seen201) <= 18, f"a 50/50 mix sends some chargers to each endpoint ({len(seen201)} x 2.0.1)")
        finally:
            only_201.close()
            only_16.close()
        check(not peer.snapshot("strict_violation"), "zero strict schema violations in the protocol runs")
    finally:
        peer.close()



def check_demo_fleet(binary, peers):
    """A demo fleet against the strict CSMS: boots, runs sessions, exits 0, writes a summary."""
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


def check_wrong_password(binary, peers):
    """A wrong Basic password is permanent: named at once, and the run stops with exit 3."""
    peer = Peer(peers, {"basic_auth_password": "right-secret"})
    try:
        started_at = time.monotonic()
        r = run([binary, "run", "--ws-url", peer.url(), "--count", "3", "--password", "wrong-secret",
                 "--duration", "30"], timeout=60)
        took = time.monotonic() - started_at
        check(r.returncode == 3 and "http_unauthorized" in r.stdout and "retrying cannot fix" in r.stderr,
              f"a wrong password exits 3 naming http_unauthorized (rc {r.returncode}; {r.stdout[-300:]})")
        check(took < 15, f"it stops at once instead of running out --duration ({took:.1f} s)")
        check("wrong-secret" not in r.stdout + r.stderr, "the password never appears in the output")
        attempts = len(peer.snapshot("auth_rejected"))
        check(attempts == 3, f"one attempt per charger, no reconnect loop ({attempts} rejected upgrades)")
    finally:
        peer.close()


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

    # Independent blocks, each with its own peer, side by side.
    parallel(lambda: check_demo_fleet(binary, peers), lambda: check_scaling_flags(binary, peers),
             lambda: check_protocol_flags(binary, peers), lambda: check_wrong_password(binary, peers))

    print(f"{len(failures)} failed" if failures else "all CLI checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
