#!/usr/bin/env python3
"""End-to-end checks of model slugs and the reference create example with a real `ocppfleet
serve`, real HTTP and the strict ocpp-rpc CSMS peer on loopback:
- the reference's create body (abb / terra-184 / CCS2 / OCPP2.0.1) reaches READY;
- the brand-prefixed form (abb-terra-184) is accepted by create, bulk and the catalogue, and
  every answer carries the one canonical slug, abb-terra-184;
- `ocppfleet run --model` takes both forms and prints the same summary for both;
- the database file is created owner-only (0600).
Every wait is bounded; everything started here is stopped here.
Usage: model_slug_api_test.py <path-to-ocppfleet> <peers-dir>
"""
import json
import os
import stat
import subprocess
import sys
import tempfile
import time

from api_support import Peer, Server, call, check, token, wait_status, failures


def reference_body(peer, identity, model_slug):
    # The reference example (shared/reference/charger-create.api.txt) with our peer's URL.
    return {"identity": identity, "brand_slug": "abb", "model_slug": model_slug, "connector_type": "CCS2",
            "ws_url": f"ws://127.0.0.1:{peer.port}/ocpp", "ocpp_version": "OCPP2.0.1",
            "charge_point_name": "Fast Bay 01", "location_name": "La Defense Charging Hub"}


def wait_model_slug(base, tok, cid, want, timeout=5.0):
    deadline = time.monotonic() + timeout
    body = {}
    while time.monotonic() < deadline:
        _, body = call(base, "GET", f"/ocpp/chargers/{cid}", tok)
        if body.get("model_slug") == want:
            break
        time.sleep(0.1)
    return body


def run_fleet(binary, peer, tmp, model, prefix):
    """Two chargers of `model` until booted; returns (exit code, stderr tail, summary JSON)."""
    summary = os.path.join(tmp, prefix + ".json")
    r = subprocess.run([binary, "run", "--ws-url", f"ws://127.0.0.1:{peer.port}/ocpp", "-n", "2", "--duration", "20",
                        "--seed", "7", "--identity-prefix", prefix, "--exit-when-booted", "--model", model,
                        "--summary-json", summary], capture_output=True, text=True, timeout=60)
    try:
        with open(summary) as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = {}
    return r.returncode, r.stderr[-300:], data


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-slug-")
    db = os.path.join(tmp, "api.db")
    tok = token(binary, db, "org-a")
    mode = stat.S_IMODE(os.stat(db).st_mode)
    check(mode == 0o600, f"the database file is owner-only ({oct(mode)})")
    peer = Peer(peers)
    server = Server(binary, db)
    base = server.base
    try:
        created = {}
        for identity, slug in (("REF-201", "terra-184"), ("PFX-201", "abb-terra-184")):
            code, body = call(base, "POST", "/ocpp/chargers", tok, reference_body(peer, identity, slug))
            check(code == 202, f"create with model_slug {slug}: 202 ({code} {body})")
            created[identity] = body.get("charger_id")
        for identity, cid in created.items():
            status = wait_status(base, tok, cid)
            check(status.get("status") == "READY", f"{identity}: abb/terra-184 over OCPP2.0.1 is READY ({status})")
            row = wait_model_slug(base, tok, cid, "abb-terra-184")
            check(row.get("model_slug") == "abb-terra-184", f"{identity}: the row answers the canonical slug ({row})")
        protocols = {e["identity"]: e["protocol"] for e in peer.events if e.get("event") == "connected"}
        check(protocols.get("REF-201") == "ocpp2.0.1", f"the reference charger speaks ocpp2.0.1 ({protocols})")

        for slug in ("terra-184", "abb-terra-184"):
            code, body = call(base, "GET", f"/ocpp/catalog/brands/abb/models/{slug}", tok)
            check(code == 200 and body["slug"] == "abb-terra-184" and "OCPP2.0.1" in body["ocpp_versions"],
                  f"catalogue model {slug}: canonical slug, speaks OCPP2.0.1 ({code} {str(body)[:200]})")
        code, body = call(base, "GET", "/ocpp/catalog/brands/wallbox/models", tok)
        check(code == 200 and "wallbox-pulsar-plus" in [m["slug"] for m in body["data"]],
              f"catalogue lists brand-prefixed slugs ({str(body)[:200]})")

        code, loc = call(base, "POST", "/ocpp/locations", tok, {"name": "Slug depot"})
        template = {"brand_slug": "abb", "model_slug": "abb-terra-184", "connector_type": "CCS2",
                    "ws_url": f"ws://127.0.0.1:{peer.port}/ocpp", "ocpp_version": "OCPP1.6"}
        code, job = call(base, "POST", f"/ocpp/locations/{loc['id']}/chargers", tok,
                         [{"template": template, "chargers_number": 2, "identity_prefix": "SLUG"}])
        check(code == 202, f"bulk with a brand-prefixed model slug: 202 ({code} {job})")
        deadline, rows = time.monotonic() + 20, []
        while time.monotonic() < deadline:
            _, body = call(base, "GET", f"/ocpp/chargers?location_id={loc['id']}", tok)
            rows = body.get("data", [])
            if len(rows) == 2 and all(r["status"] == "READY" for r in rows):
                break
            time.sleep(0.2)
        check(len(rows) == 2 and all(r["status"] == "READY" and r["model_slug"] == "abb-terra-184" for r in rows),
              f"bulk chargers of abb-terra-184 are READY ({[(r['status'], r['model_slug']) for r in rows]})")
    finally:
        server.stop()

    for model, prefix in (("abb/terra-184", "RUNA"), ("abb/abb-terra-184", "RUNB")):
        code, err, summary = run_fleet(binary, peer, tmp, model, prefix)
        check(code == 0 and summary, f"run --model {model}: exit 0 with a summary ({code} {err})")
    boots = [e for e in peer.events if e.get("event") == "call" and e.get("action") == "BootNotification" and
             e.get("identity", "").startswith(("RUNA", "RUNB"))]
    models = {e["identity"][:4]: e["params"].get("chargePointModel") for e in boots}
    check(models == {"RUNA": "Terra 184", "RUNB": "Terra 184"}, f"both spellings run the Terra 184 profile ({models})")
    code, err, _ = run_fleet(binary, peer, tmp, "abb/nope-184", "RUNC")
    check(code != 0 and "nope-184" in err, f"an unknown model still fails clearly ({code} {err})")
    peer.close()
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
