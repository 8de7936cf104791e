#!/usr/bin/env python3
"""Adding locations to a simulated CPO (docs/cpos.md, "Adding locations"), end to end: a real
`ocppfleet serve` with its embedded CSMS. POST /ocpi/cpos/{id}/locations from a location template
and from explicit fields answers 202 with a job; the job SUCCEEDS once every new charger booted
Accepted at the CPO's backend; the locations and chargers appear under the CPO with the next
location numbers; the CPO's topology grows; 422s name the field; 409 before READY and past the
template's cap; another organisation's 404; kill -9 during a job and resume; DELETE of the CPO
removes the added chargers too.
Usage: cpo_locations_api_test.py <path-to-ocppfleet> <peers-dir>
"""
import os
import signal
import sys
import tempfile
import time

from api_support import Server, call, check, failures, token

CPO = {
    "template": "small-urban-ac",
    "country_code": "FR",
    "party_id": "LOC",
    "name_prefix": "bob",
    "seed": 7,
    "overrides": {"chargers_per_location": 2, "locations": 2},
}


def wait_status(base, tok, path, want, timeout=90.0):
    deadline = time.monotonic() + timeout
    body = None
    while time.monotonic() < deadline:
        code, body = call(base, "GET", path, tok)
        if code == 200 and body["status"] in want:
            return body
        time.sleep(0.2)
    return body


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-cpo-loc-")
    db = os.path.join(tmp, "api.db")
    bob, eve = token(binary, db, "org-bob"), token(binary, db, "org-eve")
    server = Server(binary, db, provision_timeout="20")
    base = server.base
    try:
        code, created = call(base, "POST", "/ocpi/cpos", bob, CPO)
        check(code == 202, f"a CPO to add to ({code})")
        cid = created["cpo_id"]
        # Before READY: a clear 409 (the run may already be fast; only assert when it is not READY).
        code, body = call(base, "POST", f"/ocpi/cpos/{cid}/locations", bob, {"template": "ac-kerbside"})
        if code == 409:
            check("READY" in body["detail"], f"409 before READY says why ({body})")
        status = wait_status(base, bob, f"/ocpi/cpos/{cid}/status", ("READY", "FAILED"))
        check(status["status"] == "READY", f"the CPO is READY ({status})")
        if code == 202:  # it raced to READY; let that job finish before counting
            wait_status(base, bob, f"/ocpi/cpos/{cid}/locations/jobs/{body['job_id']}", ("SUCCEEDED", "FAILED"))

        _, before = call(base, "GET", f"/ocpi/cpos/{cid}", bob)
        code, job = call(base, "POST", f"/ocpi/cpos/{cid}/locations", bob, {"locations": [
            {"template": "ac-car-park"},
            {"name": "Depot Nord", "address": "1 Rue du Test", "city": "Lille", "postal_code": "59000",
             "coordinates": {"latitude": "50.63297", "longitude": "3.05858"}, "time_zone": "Europe/Paris",
             "chargers": [{"brand": "abb", "model": "terra-184", "ocpp_version": "OCPP2.0.1", "count": 1},
                          {"brand": "alfen", "model": "eve-single-pro-line", "count": 1}]},
        ]})
        check(code == 202, f"POST locations -> 202 ({code} {job})")
        check(job["status"] == "PENDING" and job["locations_total"] == 2 and job["chargers_total"] == 4 and
              job["status_url"].endswith(f"/ocpi/cpos/{cid}/locations/jobs/{job['job_id']}"),
              f"the job as created ({job})")
        done = wait_status(base, bob, f"/ocpi/cpos/{cid}/locations/jobs/{job['job_id']}", ("SUCCEEDED", "FAILED"))
        check(done["status"] == "SUCCEEDED" and done["chargers_ready"] == 4 and len(done["location_ids"]) == 2,
              f"the job SUCCEEDS with every new charger booted ({done})")
        new_ids = done["location_ids"]
        for lid in new_ids:
            code, loc = call(base, "GET", f"/ocpi/cpos/{cid}/locations/{lid}", bob)
            check(code == 200 and all(c["status"] == "READY" for c in loc["chargers"]) and loc["evses"],
                  f"{lid} is served with READY chargers and EVSEs")
        _, parked = call(base, "GET", f"/ocpi/cpos/{cid}/locations/{new_ids[0]}", bob)
        check(parked["parking_type"] == "PARKING_LOT" and parked["facilities"] == ["SUPERMARKET"] and
              len(parked["chargers"]) == 2, f"the template's site and chargers ({parked.get('parking_type')})")
        _, nord = call(base, "GET", f"/ocpi/cpos/{cid}/locations/{new_ids[1]}", bob)
        check(nord["name"] == "Depot Nord" and nord["city"] == "Lille" and
              nord["coordinates"] == {"latitude": "50.63297", "longitude": "3.05858"} and
              {c["ocpp_version"] for c in nord["chargers"]} == {"OCPP1.6", "OCPP2.0.1"},
              f"explicit fields win over the drawn site ({nord.get('name')}, {nord.get('city')})")
        check(nord["chargers"][0]["identity"].startswith("bob-LOC-"), "identities follow the CPO's scheme")
        check(new_ids == ["LOC-0003", "LOC-0004"], f"the next location numbers ({new_ids})")
        _, after = call(base, "GET", f"/ocpi/cpos/{cid}", bob)
        check(after["topology"]["locations"] == before["topology"]["locations"] + 2 and
              after["topology"]["chargers"] == before["topology"]["chargers"] + 4,
              f"the CPO's topology grows ({before['topology']} -> {after['topology']})")
        _, st = call(base, "GET", f"/ocpi/cpos/{cid}/status", bob)
        check(st["progress"]["chargers_ready"] == st["progress"]["chargers_total"] == after["topology"]["chargers"],
              f"status counts the new chargers ({st['progress']})")

        # --- bad input: 422 naming the field, 409 past the cap, 404 for others
        bad = [
            ({"locations": []}, ["body", "locations"]),
            ({"locations": [{"name": "no chargers"}]}, ["body", "locations", 0]),
            ({"locations": [{"template": "nope"}]}, ["body", "locations", 0, "template"]),
            ({"locations": [{"chargers": [{"brand": "abb", "model": "no-such-model"}]}]},
             ["body", "locations", 0, "chargers", 0, "model"]),
            ({"locations": [{"chargers": [{"brand": "abb", "model": "terra-184", "count": 0}]}]},
             ["body", "locations", 0, "chargers", 0, "count"]),
            ({"locations": [{"template": "ac-kerbside", "coordinates": {"latitude": "48.8", "longitude": "2.35"}}]},
             ["body", "locations", 0, "coordinates", "latitude"]),
            ({"locations": [{"chargers": [{"brand": "abb", "model": "terra-184", "count": 7}]}]},
             ["body", "locations", 0, "chargers"]),
        ]
        for payload, loc in bad:
            code, body = call(base, "POST", f"/ocpi/cpos/{cid}/locations", bob, payload)
            locs = [d["loc"] for d in body.get("detail", [])] if code == 422 else []
            check(code == 422 and loc in locs, f"422 names {loc} ({code} {body})")
        code, body = call(base, "POST", f"/ocpi/cpos/{cid}/locations", bob,
                          {"locations": [{"template": "ac-kerbside"}] * 7})
        check(code == 409 and "10" in body["detail"], f"past the template's 10 locations -> 409 ({code} {body})")
        code, _ = call(base, "POST", f"/ocpi/cpos/{cid}/locations", eve, {"template": "ac-kerbside"})
        check(code == 404, "another organisation's POST -> 404")
        code, _ = call(base, "GET", f"/ocpi/cpos/{cid}/locations/jobs/{job['job_id']}", eve)
        check(code == 404, "another organisation's job -> 404")
        code, _ = call(base, "GET", f"/ocpi/cpos/{cid}/locations/jobs/locjob_nope", bob)
        check(code == 404, "unknown job -> 404")

        # --- kill -9 during a job, then resume on the same database
        code, job2 = call(base, "POST", f"/ocpi/cpos/{cid}/locations", bob, {"template": "dc-motorway"})
        check(code == 202, "a job to crash on")
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
    finally:
        if server.proc.poll() is None:
            server.stop()
    server = Server(binary, db, provision_timeout="20")
    base = server.base
    try:
        done = wait_status(base, bob, f"/ocpi/cpos/{cid}/locations/jobs/{job2['job_id']}", ("SUCCEEDED", "FAILED"))
        check(done["status"] == "SUCCEEDED" and done["location_ids"] == ["LOC-0005"],
              f"after kill -9 the job resumes to SUCCEEDED ({done})")
        code, chargers = call(base, "GET", "/ocpp/chargers?limit=100", bob)
        ours = [c for c in chargers["data"] if c["identity"].startswith("bob-LOC-")]
        check(len(ours) == 4 + 4 + 2 and len({c["identity"] for c in ours}) == len(ours),
              f"no charger lost or duplicated ({len(ours)})")
        code, _ = call(base, "DELETE", f"/ocpi/cpos/{cid}", bob)
        check(code == 204, "DELETE the CPO")
        code, chargers = call(base, "GET", "/ocpp/chargers?limit=100", bob)
        left = [c for c in chargers["data"] if c["identity"].startswith("bob-LOC-")]
        check(not left, f"the added chargers go with the CPO ({len(left)} left)")
    finally:
        server.stop()

    # A CPO that cannot fit under the open-files limit is refused at once (2 fds per charger).
    server = Server(binary, db, provision_timeout="20", nofile=(340, 340))
    try:
        code, body = call(server.base, "POST", "/ocpi/cpos", bob,
                          dict(CPO, party_id="BIG", overrides={"locations": 10, "chargers_per_location": 6}))
        check(code == 409 and "file descriptors" in body["detail"] and "ulimit" in body["detail"],
              f"a CPO past the fd limit -> 409 saying why ({code} {body})")
        code, _ = call(server.base, "POST", "/ocpi/cpos", bob, dict(CPO, party_id="SML"))
        check(code == 202, "a CPO that fits is still accepted")
    finally:
        server.stop()

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
