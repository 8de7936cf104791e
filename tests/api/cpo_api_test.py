#!/usr/bin/env python3
"""Simulated CPOs end to end (docs/cpos.md): a real `ocppfleet serve` with its embedded CSMS,
real HTTP and real OCPP WebSockets. The reference's create example verbatim to READY (every
charger booted Accepted at the CPO's own backend); the gallery; GET/list/status/report/export;
determinism across two organisations and two servers; party-id mangling; the CPO's locations;
every 422; another organisation's 404 on every route; DELETE cascade and idempotence; kill -9
mid-provisioning and resume; the backend refusing identities that are not the CPO's.
Usage: cpo_api_test.py <path-to-ocppfleet> <peers-dir>
"""
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from api_support import Server, call, check, failures, token

# Verbatim from ../shared/reference/cpo-create.api.txt.
EXAMPLE = {
    "template": "small-urban-ac",
    "country_code": "FR",
    "party_id": "ABC",
    "name_prefix": "alice",
    "role": "cpo",
    "ocpi_version": "2.2.1",
    "seed": 42,
    "ttl_seconds": 7200,
    "overrides": {"chargers_per_location": 3, "locations": 2},
}


def wait_cpo(base, tok, cpo_id, want=("READY", "FAILED"), timeout=90.0):
    deadline = time.monotonic() + timeout
    seen = set()
    body = None
    while time.monotonic() < deadline:
        code, body = call(base, "GET", f"/ocpi/cpos/{cpo_id}/status", tok)
        if code == 200:
            seen.add(body["status"])
            if body["status"] in want:
                return body, seen
        time.sleep(0.2)
    return body, seen


def export_bytes(base, tok, cpo_id):
    import urllib.request
    req = urllib.request.Request(base + f"/ocpi/cpos/{cpo_id}/export", headers={"Authorization": "Bearer " + tok})
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read().decode()
    # The document is spliced in as stored: cut it out as raw text to compare bytes.
    start = text.index('"document":') + len('"document":')
    end = text.rindex(',"sha256":')
    return text[start:end], json.loads(text)


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-cpo-")
    db = os.path.join(tmp, "api.db")
    alice, bob = token(binary, db, "org-alice"), token(binary, db, "org-bob")
    server = Server(binary, db, provision_timeout="20", extra=["--public-url", "https://ocpi.example.test/"])
    base = server.base
    try:
        # --- the gallery, under both paths
        for path in ("/ocpi/templates/cpos", "/ocpi/cpos/templates"):
            code, body = call(base, "GET", path, alice)
            slugs = {t["slug"] for t in body["data"]} if code == 200 else set()
            check(code == 200 and {"small-urban-ac", "highway-dc", "mixed-depot", "city-network",
                                   "national-network"} <= slugs and body["total"] == len(body["data"]),
                  f"GET {path} lists the five shipped templates ({sorted(slugs)})")
        small = next(t for t in body["data"] if t["slug"] == "small-urban-ac")
        check(small["version"] == 1 and small["locations"] == 2 and small["chargers"] == 6 and
              small["caps"]["max_locations"] >= 2, f"small-urban-ac: 2 locations x 3 AC chargers ({small})")
        code, body = call(base, "GET", "/ocpp/templates/locations?type=DC", alice)
        check(code == 200 and body["total"] >= 1 and all(p["type"] == "DC" for p in body["data"]),
              f"location presets filter by type (DC: {body.get('total') if code == 200 else body})")
        code, body = call(base, "GET", "/ocpp/templates/locations?type=XX", alice)
        check(code == 422 and body["detail"][0]["loc"] == ["query", "type"], "a bad preset type is a 422 naming it")

        # --- the reference example, verbatim
        t0 = time.monotonic()
        code, created = call(base, "POST", "/ocpi/cpos", alice, EXAMPLE)
        elapsed = time.monotonic() - t0
        check(code == 202, f"POST /ocpi/cpos (reference example) -> 202 ({code} {created})")
        check(elapsed < 1.0, f"202 in well under a second ({elapsed * 1000:.0f} ms)")
        cid = created["cpo_id"]
        check(cid.isdigit() and int(cid) > 0, f"cpo_id is a stringified positive integer ({cid!r})")
        check(created["party"] == {"country_code": "FR", "party_id": "ABC", "role": "CPO"}, "party as asked")
        check(created["name_prefix"] == "alice" and created["template"] == "small-urban-ac" and
              created["template_version"] == 1, "name_prefix, template, template_version")
        token_a = created["token_a"]
        check(len(token_a) > 20, "token_a minted")
        check(created["ocpi_peer_url"] == f"https://ocpi.example.test/ocpi/cpo/{cid}/versions",
              f"ocpi_peer_url absolute on --public-url ({created['ocpi_peer_url']})")
        check(created["status_url"] == f"/ocpi/cpos/{cid}/status" and created["destroy_url"] == f"/ocpi/cpos/{cid}",
              "status_url and destroy_url")
        helper = created["roam_helper"]
        check(helper["credentials_payload"] == {"token": token_a, "url": created["ocpi_peer_url"]} and
              token_a in helper["curl_snippet"], "roam_helper carries Token A and the versions URL")
        check(created["workflow_run_id"].startswith("wfr_") and created["status"] == "PENDING",
              "workflow_run_id and status PENDING")
        check(created["expires_at"] is not None, "expires_at set from ttl_seconds")

        status, seen = wait_cpo(base, alice, cid)
        check(status["status"] == "READY", f"the CPO reaches READY ({status})")
        check(status["progress"]["chargers_ready"] == status["progress"]["chargers_total"] == 6,
              f"6 of 6 chargers booted Accepted at its backend ({status['progress']})")
        check(status["provisioned_at"] and status["created_at"] and status["updated_at"], "status timestamps")
        code, cpo = call(base, "GET", f"/ocpi/cpos/{cid}", alice)
        check(code == 200 and cpo["topology"]["locations"] == 2 and cpo["topology"]["chargers"] == 6 and
              cpo["topology"]["evses"] >= 6 and cpo["topology"]["connectors"] >= 6,
              f"GET /ocpi/cpos/{{id}}: topology counts ({cpo.get('topology')})")
        check(cpo["seed"] == 42 and cpo["report_url"] == f"/ocpi/cpos/{cid}/report", "seed and report_url")
        check(token_a not in json.dumps(cpo), "GET never echoes token_a")
        code, chargers = call(base, "GET", "/ocpp/chargers?limit=100", alice)
        ours = [c for c in chargers["data"] if c["identity"].startswith("alice-ABC-")]
        check(len(ours) == 6 and all(c["status"] == "READY" for c in ours) and
              all(f"/cpos/{cid}" in c["ws_url"] for c in ours),
              f"the CPO's chargers are READY and point at its backend ({[c['identity'] for c in ours]})")
        code, listed = call(base, "GET", "/ocpi/cpos", alice)
        check(code == 200 and listed["total"] == 1 and listed["page"] == 1 and listed["limit"] == 50,
              "GET /ocpi/cpos lists it")

        # --- report and export
        code, report = call(base, "GET", f"/ocpi/cpos/{cid}/report", alice)
        check(code == 200 and report["cpo_id"] == cid and "FR" in report["markdown"] and
              "LOC-0001" in report["markdown"] and "alice-ABC-" in report["markdown"] and
              token_a not in report["markdown"], "report: party, locations, chargers; no Token A")
        raw_a, exported = export_bytes(base, alice, cid)
        check(hashlib.sha256(raw_a.encode()).hexdigest() == exported["sha256"],
              "export sha256 is the sha256 of the document's bytes")
        check("cpo_id" not in raw_a and token_a not in raw_a, "the document holds no run-time ids or tokens")

        # --- determinism: another organisation, same request -> same bytes
        code, other = call(base, "POST", "/ocpi/cpos", bob, EXAMPLE)
        check(code == 202 and other["party"]["party_id"] == "ABC", "another org gets the same party (no collision)")
        wait_cpo(base, bob, other["cpo_id"])
        raw_b, _ = export_bytes(base, bob, other["cpo_id"])
        check(raw_a == raw_b, "two organisations, same request: byte-identical documents")

        # --- party collision within the org: deterministic mangling
        second = dict(EXAMPLE, ttl_seconds=None, seed=None)
        code, mangled = call(base, "POST", "/ocpi/cpos", alice, second)
        check(code == 202 and mangled["party"]["party_id"] == "AB0" and mangled["expires_at"] is None,
              f"a (country, party) collision is mangled to AB0; ttl null never expires ({mangled.get('party')})")
        code, m = call(base, "GET", f"/ocpi/cpos/{mangled['cpo_id']}", alice)
        check(code == 200 and isinstance(m["seed"], int), f"seed: null draws a seed shown on GET ({m.get('seed')})")

        # --- a mixed 1.6/2.0.1 template reaches READY too (both dialects at the backend)
        code, depot = call(base, "POST", "/ocpi/cpos", alice, {"template": "mixed-depot", "country_code": "DE",
                                                                "party_id": "DEP", "name_prefix": "depot", "seed": 7})
        check(code == 202, f"mixed-depot accepted ({code})")
        status, _ = wait_cpo(base, alice, depot["cpo_id"])
        code, chargers = call(base, "GET", "/ocpp/chargers?limit=100", alice)
        versions = {c["ocpp_version"] for c in chargers["data"] if c["identity"].startswith("depot-DEP-")}
        check(status["status"] == "READY" and versions == {"OCPP1.6", "OCPP2.0.1"},
              f"mixed-depot READY with 1.6 and 2.0.1 chargers ({status['status']}, {sorted(versions)})")

        # --- the CPO's locations
        code, locs = call(base, "GET", f"/ocpi/cpos/{cid}/locations", alice)
        check(code == 200 and locs["total"] == 2 and len(locs["data"][0]["chargers"]) == 3,
              "GET locations: 2 locations with 3 chargers each")
        loc = locs["data"][0]
        check(loc["country"] == "FRA" and "." in loc["coordinates"]["latitude"] and loc["time_zone"] and
              loc["evses"][0]["evse_id"].startswith("FR*ABC*E"), f"location fields as generated ({loc['evses'][0]})")
        code, one = call(base, "GET", f"/ocpi/cpos/{cid}/locations/{loc['location_id']}", alice)
        check(code == 200 and one["location_id"] == loc["location_id"], "GET one location")
        code, patched = call(base, "PATCH", f"/ocpi/cpos/{cid}/locations/{loc['location_id']}", alice,
                             {"name": "Renamed Hub"})
        check(code == 200 and patched["name"] == "Renamed Hub", "PATCH a location")
        code, _ = call(base, "GET", f"/ocpi/cpos/{cid}/locations/LOC-9999", alice)
        check(code == 404, "unknown location 404")

        # --- another organisation: 404 on every route, nothing changes
        for method, path in (("GET", f"/ocpi/cpos/{cid}"), ("GET", f"/ocpi/cpos/{cid}/status"),
                             ("GET", f"/ocpi/cpos/{cid}/report"), ("GET", f"/ocpi/cpos/{cid}/export"),
                             ("GET", f"/ocpi/cpos/{cid}/locations"),
                             ("GET", f"/ocpi/cpos/{cid}/locations/{loc['location_id']}"),
                             ("PATCH", f"/ocpi/cpos/{cid}/locations/{loc['location_id']}"),
                             ("DELETE", f"/ocpi/cpos/{cid}/locations/{loc['location_id']}"),
                             ("DELETE", f"/ocpi/cpos/{cid}")):
            code, body = call(base, method, path, bob, {"name": "x"} if method == "PATCH" else None)
            check(code == 404 and body == {"detail": body["detail"]}, f"{method} {path} as another org -> 404")
        code, still = call(base, "GET", f"/ocpi/cpos/{cid}/status", alice)
        check(code == 200 and still["status"] == "READY", "another org's DELETE changed nothing")

        # --- validation, in the reference's 422 shape, naming each field
        bad = {"template": "nope", "country_code": "FRA", "party_id": "AB", "name_prefix": "",
               "role": "emsp", "ocpi_version": "2.1.1", "ttl_seconds": 59, "overrides": {"foo": 1}}
        code, body = call(base, "POST", "/ocpi/cpos", alice, bad)
        locs_named = {tuple(d["loc"]) for d in body["detail"]} if code == 422 else set()
        for field in ("template", "country_code", "party_id", "name_prefix", "role", "ocpi_version", "ttl_seconds"):
            check(("body", field) in locs_named, f"422 names {field}")
        check(("body", "overrides", "foo") in locs_named, "422 names an unsupported override key")
        code, body = call(base, "POST", "/ocpi/cpos", alice, dict(EXAMPLE, overrides={"locations": 100000}))
        check(code == 422 and body["detail"][0]["loc"] == ["body", "overrides", "locations"],
              "an override above the template's cap is a 422")
        code, body = call(base, "POST", "/ocpi/cpos", alice, dict(EXAMPLE, ttl_seconds=604801))
        check(code == 422 and body["detail"][0]["loc"] == ["body", "ttl_seconds"], "ttl above 7 days is a 422")
        code, body = call(base, "POST", "/ocpi/cpos", alice, dict(EXAMPLE, country_code="ZZ"))
        check(code == 422 and body["detail"][0]["loc"] == ["body", "country_code"],
              "a country the template does not cover is a 422")
        code, body = call(base, "POST", "/ocpi/cpos", alice, {k: v for k, v in EXAMPLE.items() if k != "template"})
        check(code == 422 and body["detail"][0]["type"] == "missing", "template missing")
        code, _ = call(base, "GET", "/ocpi/cpos/abc", alice)
        check(code == 404, "a non-numeric cpo_id is a 404")

        # --- the backend lets in only the CPO's identities
        ocpp_base = server.ocpp_url.rsplit("/ocpp", 1)[0]
        stranger = subprocess.run(["node", os.path.join(peers, "test_client.js"), json.dumps(
            {"url": f"{ocpp_base}/cpos/{cid}", "identity": "stranger-1", "protocols": ["ocpp1.6"]})],
            capture_output=True, text=True, timeout=30)
        check(stranger.returncode == 3, f"an identity not of the CPO is refused at the upgrade (exit {stranger.returncode})")

        # --- DELETE: cascade, idempotent
        code, _ = call(base, "DELETE", f"/ocpi/cpos/{cid}", alice)
        check(code == 204, "DELETE -> 204")
        code, _ = call(base, "DELETE", f"/ocpi/cpos/{cid}", alice)
        check(code == 204, "a second DELETE is a clean no-op (204)")
        code, _ = call(base, "GET", f"/ocpi/cpos/{cid}", alice)
        check(code == 404, "GET after DELETE -> 404")
        code, chargers = call(base, "GET", "/ocpp/chargers?limit=100", alice)
        left = [c for c in chargers["data"] if c["identity"].startswith("alice-ABC-")]
        check(not left, f"its chargers are gone ({len(left)} left)")
    finally:
        server.stop()

    # --- kill -9 mid-provisioning, then resume on the same database
    server = Server(binary, db, provision_timeout="20")
    try:
        code, created = call(server.base, "POST", "/ocpi/cpos", alice,
                             dict(EXAMPLE, party_id="KIL", name_prefix="crash"))
        check(code == 202, "a CPO to crash on")
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
    finally:
        if server.proc.poll() is None:
            server.stop()
    server = Server(binary, db, provision_timeout="20")
    try:
        status, _ = wait_cpo(server.base, alice, created["cpo_id"])
        check(status["status"] == "READY", f"after kill -9 the run resumes to READY ({status})")
        code, chargers = call(server.base, "GET", "/ocpp/chargers?limit=100", alice)
        crash = [c for c in chargers["data"] if c["identity"].startswith("crash-KIL-")]
        check(len(crash) == 6 and len({c["identity"] for c in crash}) == 6,
              f"exactly 6 chargers, none duplicated ({len(crash)})")
    finally:
        server.stop()

    # --- a second server, fresh database: the same request exports the same bytes
    db2 = os.path.join(tmp, "other.db")
    carol = token(binary, db2, "org-carol")
    server = Server(binary, db2, provision_timeout="20")
    try:
        code, created = call(server.base, "POST", "/ocpi/cpos", carol, EXAMPLE)
        wait_cpo(server.base, carol, created["cpo_id"])
        raw_c, _ = export_bytes(server.base, carol, created["cpo_id"])
        check(raw_c == raw_a, "two servers, same request: byte-identical documents")
    finally:
        server.stop()

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
