"""Shared helpers of the control-API end-to-end tests (tests/api/*_test.py): the strict
ocpp-rpc CSMS peer, an `ocppfleet serve` process on a free port, HTTP calls, token minting.
Every wait is bounded; callers stop what they start."""
import json
import os
import resource
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


class Peer:
    def __init__(self, peers):
        opts = {"protocols": ["ocpp1.6", "ocpp2.0.1"], "heartbeat_interval": 300}
        self.proc = subprocess.Popen(["node", os.path.join(peers, "csms.js"), json.dumps(opts)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.events, self.lock = [], threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.events.append(json.loads(line))

    def count(self, pred):
        with self.lock:
            return sum(1 for e in self.events if pred(e))

    def identities(self, pred):
        with self.lock:
            return {e.get("identity") for e in self.events if pred(e)}

    def wait(self, pred, n=1, timeout=10.0):
        deadline = time.monotonic() + timeout
        while self.count(pred) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.count(pred) >= n

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Server:
    def __init__(self, binary, db, extra=(), provision_timeout="4", nofile=None):
        # The embedded CSMS gets a free port too unless the test names one: its default 8180
        # would collide between tests running side by side.
        ocpp = [] if "--ocpp-listen" in extra else ["--ocpp-listen", "127.0.0.1:0"]
        self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--db", db, "--provision-timeout", provision_timeout,
                                      "--log-level", "warn", "--provision-attempts", "2", *ocpp, *extra],
                                     stdout=subprocess.PIPE, text=True,
                                     preexec_fn=(lambda: resource.setrlimit(resource.RLIMIT_NOFILE, nofile))
                                     if nofile else None)
        line = self.proc.stdout.readline()
        self.base = line.split("listening on ")[1].split(" ")[0]
        # "...; OCPP ws://HOST:PORT/ocpp/<identity>)" when the embedded CSMS runs.
        self.ocpp_url = line.split("OCPP ")[1].split("/<identity>")[0] if "OCPP ws://" in line else None
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def call(base, method, path, token=None, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text


def wait_status(base, token, cid, want=("READY", "FAILED"), timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, body = call(base, "GET", f"/ocpp/chargers/{cid}/status", token)
        if code == 200 and body["status"] in want:
            return body
        time.sleep(0.1)
    return call(base, "GET", f"/ocpp/chargers/{cid}/status", token)[1]


def wait_cpo_ready(base, api_token, cpo_id, timeout=90):
    """The CPO's provisioning status once READY or FAILED, else "TIMEOUT"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, st = call(base, "GET", f"/ocpi/cpos/{cpo_id}/status", api_token)
        if st["status"] in ("READY", "FAILED"):
            return st["status"]
        time.sleep(0.2)
    return "TIMEOUT"


def token(binary, db, org):
    r = subprocess.run([binary, "token", "create", "--org", org, "--db", db], capture_output=True, text=True, timeout=30)
    return r.stdout.strip()


def charger(peer, identity, version="OCPP1.6", model=("abb", "terra-ac-w22", "Type2"), url=None):
    return {"identity": identity, "brand_slug": model[0], "model_slug": model[1], "connector_type": model[2],
            "ws_url": url or f"ws://127.0.0.1:{peer.port}/ocpp", "ocpp_version": version}
