#!/usr/bin/env python3
"""Smoke test of the shipped (Release) binary: `ocppfleet serve` with its SQLite store, a token,
one 1.6 and one 2.0.1 charger created over REST against the strict ocpp-rpc CSMS peer, both
READY and booted at the peer, logs served, SIGTERM exits 0. The whole suite runs in the
sanitizer build; this only proves that what ships starts and works end to end.
Usage: release_smoke_test.py <path-to-ocppfleet> <peers-dir>
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from api_support import Peer, Server, call, charger, check, failures, token, wait_status  # noqa: E402


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    db = os.path.join(tempfile.mkdtemp(prefix="ocppfleet-smoke-"), "smoke.db")
    tok = token(binary, db, "smoke")
    check(tok.startswith("ocf_"), "token create prints a token")
    peer = Peer(peers)
    server = Server(binary, db)
    try:
        made = {}
        for identity, version, model in (("SMOKE-16", "OCPP1.6", ("abb", "terra-ac-w22", "Type2")),
                                         ("SMOKE-201", "OCPP2.0.1", ("kempower", "satellite", "CCS2"))):
            code, body = call(server.base, "POST", "/ocpp/chargers", tok, charger(peer, identity, version, model))
            check(code == 202 and body.get("status_url"), f"create {identity} answers 202 ({code} {body})")
            made[identity] = body.get("charger_id")
        for identity, cid in made.items():
            status = wait_status(server.base, tok, cid, timeout=20.0)
            check(status.get("status") == "READY", f"{identity} READY ({status})")
            booted = peer.wait(lambda e, i=identity: e.get("event") == "call" and e.get("identity") == i and
                               e.get("action") == "BootNotification")
            check(booted, f"the peer saw {identity} boot")
        code, body = call(server.base, "GET", "/ocpp/chargers?limit=10", tok)
        check(code == 200 and body["total"] == 2, f"the list shows both ({code} {body})")
    finally:
        rc = server.stop()
        peer.close()
    check(rc == 0, f"SIGTERM exits 0 (rc {rc})")
    print(f"{'FAILED' if failures else 'PASSED'}: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
