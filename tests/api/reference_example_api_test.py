#!/usr/bin/env python3
"""The reference contract's create-charger example (../shared/reference/charger-create.api.txt),
posted verbatim end to end: only ws_url points at the strict ocpp-rpc peer (speaking
ocpp2.0.1). The example's location_id must be a location of the caller's organisation, so the
example works on a fresh account: an unused location_id sent with a location_name creates that
location in the caller's organisation.
Usage: reference_example_api_test.py <path-to-ocppfleet> <peers-dir>
"""
import os
import sys
import tempfile

from api_support import Peer, Server, call, check, failures, token, wait_status

# Verbatim from the reference, ws_url aside.
EXAMPLE = {
    "identity": "CP-FAST-201",
    "brand_slug": "abb",
    "model_slug": "terra-184",
    "connector_type": "CCS2",
    "ws_url": "wss://example-ocpp-backend.test/ws",
    "ocpp_version": "OCPP2.0.1",
    "charge_point_name": "Fast Bay 01",
    "location_id": "4090477f-a416-4515-a302-97aa344a0a2a",
    "location_name": "La Defense Charging Hub",
}


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-reference-")
    db = os.path.join(tmp, "api.db")
    tok = token(binary, db, "org-reference")
    peer = Peer(peers)
    server = Server(binary, db, provision_timeout="10")
    base = server.base
    try:
        body = dict(EXAMPLE, ws_url=f"ws://127.0.0.1:{peer.port}/ws")
        # The example verbatim on a fresh account: its location_id with its location_name
        # creates that location in the caller's organisation.
        code, created = call(base, "POST", "/ocpp/chargers", tok, body)
        check(code == 202, f"the reference example is accepted: 202 ({code} {created})")
        cid = created.get("charger_id", "")
        check(set(created) == {"charger_id", "identity", "status", "status_url", "workflow_run_id"},
              f"the 202 has the reference's fields ({sorted(created)})")
        check(created.get("identity") == "CP-FAST-201" and created.get("status") in ("PENDING", "PROVISIONING") and
              created.get("status_url") == f"/ocpp/chargers/{cid}/status" and created.get("workflow_run_id"),
              f"identity, status, status_url and workflow_run_id as the reference shows ({created})")

        status = wait_status(base, tok, cid, timeout=30)
        check(status.get("status") == "READY" and status.get("error") is None, f"the charger reaches READY ({status})")
        boot = lambda e: (e.get("event") == "call" and e.get("identity") == "CP-FAST-201" and
                          e.get("action") == "BootNotification")
        check(peer.wait(boot), "the peer saw its BootNotification")
        protocols = {e["identity"]: e.get("protocol") for e in peer.events if e.get("event") == "connected"}
        check(protocols.get("CP-FAST-201") == "ocpp2.0.1", f"it speaks ocpp2.0.1 ({protocols})")
        code, got = call(base, "GET", f"/ocpp/chargers/{cid}", tok)
        check(all(got.get(k) == v for k, v in body.items() if k != "model_slug"),
              f"GET returns every field as posted ({got})")
        check(got.get("model_slug") == "abb-terra-184", f"the model slug is answered in its canonical form ({got})")
        code, loc = call(base, "GET", f"/ocpp/locations/{EXAMPLE['location_id']}", tok)
        check(code == 200 and loc.get("name") == EXAMPLE["location_name"],
              f"the example's location now exists with its name ({code} {loc})")

        # The rules around it: an unknown id without a name, and another organisation's
        # location, are both 404; the same id again in this org joins the location.
        bare = dict(body, identity="CP-NO-NAME", location_id="loc-does-not-exist")
        del bare["location_name"]
        code, got = call(base, "POST", "/ocpp/chargers", tok, bare)
        check(code == 404 and got == {"detail": "Location not found"}, f"unknown location_id without a name: 404 ({code} {got})")
        other = token(binary, db, "org-other")
        code, got = call(base, "POST", "/ocpp/chargers", other, dict(body, identity="CP-OTHER"))
        check(code == 404, f"another organisation naming this location_id: 404 ({code} {got})")
        code, got = call(base, "GET", f"/ocpp/locations/{EXAMPLE['location_id']}", other)
        check(code == 404, f"another organisation cannot read the location ({code})")
        code, got = call(base, "POST", "/ocpp/locations", tok, {"id": EXAMPLE["location_id"], "name": "dup"})
        check(code == 409, f"creating the same location id again is a 409 ({code} {got})")
        code, second = call(base, "POST", "/ocpp/chargers", tok, dict(body, identity="CP-FAST-202"))
        check(code == 202, f"a second charger at the same location is accepted ({code} {second})")
        check(peer.count(lambda e: e.get("event") == "strict_violation") == 0, "zero strict schema violations")
    finally:
        server.stop()
        peer.close()
    print(f"{len(failures)} failed" if failures else "all reference-example checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
