#!/usr/bin/env python3
"""OCPI 2.2.1 Tariffs, Sessions and CDRs of a simulated CPO as SENDER, end to end (docs/ocpi.md).
A real `ocppfleet serve`; the eMSP is the stdlib peer of emsp_peer.py. Checks: Token A
is a 401 on tariffs, sessions and cdrs; after the handshake the details list them as SENDER; a
tariffs crawl with limit=1 following Link (X-Total-Count, X-Limit) holds every tariff a
Location's connector lists; a real OCPP transaction on one of the CPO's chargers (driven through
the control API's charger commands) shows up as an ACTIVE Session on the right Location/EVSE with
kwh growing, then COMPLETED, and as exactly one CDR whose total_cost matches the tariff as
computed here from the spec's rules; a session started by the eMSP's START_SESSION is COMMAND with
the command's token and authorization_reference; sessions without date_from is a 2001.
Usage: ocpi_sessions_test.py <path-to-ocppfleet> <peers-dir>
"""
import math
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from api_support import Server, call, check, failures, token
from emsp_peer import Emsp, ocpi

CPO = {"template": "city-network", "country_code": "FR", "party_id": "SES", "name_prefix": "sess", "seed": 11,
       "overrides": {"locations": 2, "chargers_per_location": 2}}
EPOCH = "2000-01-01T00:00:00Z"
TAG = "SESS-TAG-1"


def crawl(url, tok, limit=1, max_pages=50):
    """Every item of a paged OCPI list, following Link; (items, pages, headers of each page)."""
    items, pages, url = [], [], url + ("&" if "?" in url else "?") + f"limit={limit}"
    while url and len(pages) < max_pages:
        code, body, headers = ocpi("GET", url, tok)
        check(code == 200 and body["status_code"] == 1000, f"page {len(pages) + 1} of {url}: 1000 ({code} {body})")
        pages.append(headers)
        items += body["data"] or []
        link = headers.get("Link")
        url = link[link.index("<") + 1:link.index(">")] if link else None
    return items, pages


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def expected_cost(tariff, total_energy_kwh, start, end):
    """The cost as mod_tariffs/mod_cdrs define it, computed here independently: per dimension the
    first element without restrictions pricing it; ENERGY per kWh in step_size Wh blocks, TIME per
    hour in step_size second blocks (the whole session: nothing is parking), FLAT once; each
    component rounded half up to 4 decimals, VAT added per component and rounded again."""
    def first(kind):
        for element in tariff["elements"]:
            if element.get("restrictions"):
                continue
            for pc in element["price_components"]:
                if pc["type"] == kind:
                    return pc
        return None

    def q4(x):
        return Decimal(x).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    wh = Decimal(str(total_energy_kwh)) * 1000
    seconds = Decimal((parse_time(end) - parse_time(start)) // timedelta(milliseconds=1)) / 1000
    excl = incl = Decimal(0)
    for kind in ("ENERGY", "TIME", "FLAT"):
        pc = first(kind)
        if not pc:
            continue
        price, step = Decimal(str(pc["price"])), int(pc.get("step_size", 1))
        if kind == "ENERGY":
            cost = q4(math.ceil(wh / step) * step * price / 1000)
        elif kind == "TIME":
            cost = q4(math.ceil(seconds / step) * step * price / 3600)
        else:
            cost = q4(price)
        excl += cost
        incl += q4(cost * (100 + Decimal(str(pc["vat"]))) / 100) if "vat" in pc else cost
    return excl, incl


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-ocpi-sess-")
    db = os.path.join(tmp, "api.db")
    alice = token(binary, db, "org-alice")
    server = Server(binary, db, provision_timeout="20")
    base = server.base
    emsp = Emsp("token-b-sessions-" + "y" * 12)
    try:
        code, cpo = call(base, "POST", "/ocpi/cpos", alice, CPO)
        check(code == 202, f"a CPO ({code} {cpo})")
        cpo_id, token_a, versions_url = cpo["cpo_id"], cpo["token_a"], cpo["ocpi_peer_url"]
        details_url = versions_url.replace("/versions", "/2.2.1")

        # Token A never opens a functional module.
        for module in ("tariffs", "sessions", "cdrs"):
            code, body, _ = ocpi("GET", f"{details_url}/{module}?date_from={EPOCH}", token_a)
            check(code == 401 and body["status_code"] == 2000, f"{module} with Token A -> 401 ({code})")

        code, body, _ = ocpi("POST", details_url + "/credentials", token_a, emsp.credentials())
        check(code == 200 and body["status_code"] == 1000, f"handshake ({code} {body})")
        token_c = body["data"]["token"]
        code, body, _ = ocpi("GET", details_url, token_c)
        endpoints = {e["identifier"]: e for e in body["data"]["endpoints"]}
        for module in ("tariffs", "sessions", "cdrs"):
            check(endpoints.get(module, {}).get("role") == "SENDER" and
                  endpoints[module]["url"] == f"{details_url}/{module}", f"details list {module} as SENDER")

        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            status = call(base, "GET", f"/ocpi/cpos/{cpo_id}/status", alice)[1]["status"]
            if status in ("READY", "FAILED"):
                break
            time.sleep(0.2)
        check(status == "READY", f"the CPO is READY ({status})")

        # --- Tariffs: crawl one per page.
        tariffs, pages = crawl(details_url + "/tariffs", token_c)
        check(len(tariffs) == 2 and len(pages) == 2, f"2 tariffs on 2 pages ({[t['id'] for t in tariffs]})")
        check(all(p.get("X-Total-Count") == "2" and p.get("X-Limit") == "1" for p in pages),
              f"X-Total-Count 2 and X-Limit 1 on every page ({pages})")
        check("Link" not in pages[-1], "no Link on the last page")
        by_id = {t["id"]: t for t in tariffs}
        for t in tariffs:
            pcs = [pc for el in t["elements"] for pc in el["price_components"]]
            check(t["country_code"] == "FR" and t["party_id"] == "SES" and t["currency"] == "EUR" and
                  t["last_updated"] and pcs and
                  all(isinstance(pc["price"], (int, float)) and pc["vat"] == 20.0 and pc["step_size"] >= 1
                      for pc in pcs), f"tariff {t['id']}: OCPI shape, EUR, numbers, French VAT ({t})")
        code, body, _ = ocpi("GET", f"{details_url}/tariffs?date_from=2200-01-01T00:00:00Z", token_c)
        check(code == 200 and body["data"] == [], "tariffs: date_from filters")
        locations, _ = crawl(details_url + "/locations", token_c, limit=100)
        listed = {tid for l in locations for e in l["evses"] for c in e["connectors"] for tid in c["tariff_ids"]}
        check(listed and listed <= set(by_id), f"every connector's tariff_ids is a served tariff ({listed})")

        # --- A real OCPP transaction on one of the CPO's chargers (the control API's commands).
        code, cpo_locations = call(base, "GET", f"/ocpi/cpos/{cpo_id}/locations", alice)
        rows = cpo_locations["data"] if isinstance(cpo_locations, dict) else cpo_locations
        chargers = [(l, c) for l in rows for c in l["chargers"]]
        chargers.sort(key=lambda lc: (lc[1]["ocpp_version"] != "OCPP1.6", lc[1]["identity"]))
        loc, chg = chargers[0]
        evse = next(e for e in loc["evses"] if e["charger_identity"] == chg["identity"] and e["connector_id"] == 1)
        ident, cid = chg["identity"], chg["charger_id"]
        v16 = chg["ocpp_version"] == "OCPP1.6"
        setting = {"key": "MeterValueSampleInterval", "value": "1"} if v16 else \
            {"key": "SampledDataCtrlr.TxUpdatedInterval", "value": 1}

        def command(name, event=None):
            body = {"target": {"charger_id": cid}}
            if event is not None:
                body["event"] = event
            code, answer = call(base, "POST", f"/ocpp/commands/{name}", alice, body)
            check(code == 200 and answer["queued_count"] == 1, f"{name} on {ident} queued ({code} {answer})")

        command("set-configuration", setting)
        # With an eMSP registered, the backend charges only on its tokens: push the tag first.
        tag_token = emsp.token(TAG)
        code, body, _ = ocpi("PUT", f"{details_url}/tokens/NL/EMS/{TAG}", token_c, tag_token)
        check(code == 200 and body["status_code"] == 1000, f"the eMSP pushes {TAG} ({body})")
        time.sleep(0.5)
        command("start-session", {"connector_id": 1, "id_tag": TAG})

        def sessions():
            code, body, headers = ocpi("GET", f"{details_url}/sessions?date_from={EPOCH}", token_c)
            return body["data"] if code == 200 and body["status_code"] == 1000 else []

        def wait_session(pred, what, timeout=40):
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                for s in sessions():
                    if pred(s):
                        return s
                time.sleep(0.3)
            check(False, f"{what} within {timeout} s ({sessions()})")
            return None

        active = wait_session(lambda s: s["status"] == "ACTIVE", "an ACTIVE session")
        if active:
            check(active["location_id"] == loc["location_id"] and active["evse_uid"] == evse["uid"] and
                  active["connector_id"] == "1", f"on the charger's Location/EVSE ({active})")
            check(active["cdr_token"] == {k: tag_token[k] for k in ("country_code", "party_id", "uid", "type",
                                                                     "contract_id")} and
                  active["auth_method"] == "AUTH_REQUEST",
                  f"the eMSP's token (whitelist ALLOWED): AUTH_REQUEST ({active['cdr_token']})")
            check(active["id"].isdigit() and len(active["id"]) <= 36 and active["currency"] == "EUR" and
                  "end_date_time" not in active, f"id, currency, no end yet ({active})")
            grown = wait_session(lambda s: s["id"] == active["id"] and s["kwh"] > active["kwh"] and
                                 s["last_updated"] > active["last_updated"], "kwh growing")
            check(grown is not None, f"kwh grows while charging ({active['kwh']} -> {grown and grown['kwh']})")
        command("stop-session", {"connector_id": 1})
        done = wait_session(lambda s: s["status"] == "COMPLETED", "the session COMPLETED")
        if done and active:
            check(done["id"] == active["id"] and done.get("end_date_time") and done["kwh"] > 0,
                  f"the same session, ended, with its energy ({done})")

        # --- Exactly one CDR, priced by the connector's tariff.
        cdrs, cdr_pages = crawl(details_url + "/cdrs", token_c, limit=10)
        check(len(cdrs) == 1 and cdr_pages[0].get("X-Total-Count") == "1", f"exactly one CDR ({cdrs})")
        first_cdr = cdrs[0] if cdrs else None
        if cdrs and done:
            cdr = cdrs[0]
            tariff = by_id[evse["connector"]["tariff_ids"][0]]
            check(cdr["session_id"] == done["id"] and cdr["cdr_token"] == done["cdr_token"] and
                  cdr["auth_method"] == "AUTH_REQUEST" and cdr["currency"] == "EUR" and
                  cdr["tariffs"] == [tariff], f"the session's CDR with its tariff ({cdr})")
            place = cdr["cdr_location"]
            check(place["id"] == loc["location_id"] and place["evse_uid"] == evse["uid"] and
                  place["evse_id"] == evse["evse_id"] and place["connector_id"] == "1" and
                  place["connector_standard"] == evse["connector"]["standard"] and
                  place["connector_power_type"] == evse["connector"]["power_type"] and
                  place["country"] == "FRA" and place["coordinates"]["latitude"], f"cdr_location ({place})")
            check(cdr["total_energy"] == done["kwh"] and cdr["total_energy"] > 0 and
                  cdr["start_date_time"] == done["start_date_time"] and
                  cdr["end_date_time"] == done["end_date_time"], "energy and times as the session's")
            hours = (parse_time(cdr["end_date_time"]) - parse_time(cdr["start_date_time"])).total_seconds() / 3600
            check(abs(cdr["total_time"] - hours) <= 0.0001, f"total_time in hours ({cdr['total_time']} vs {hours})")
            periods = cdr["charging_periods"]
            check(len(periods) >= 1 and {d["type"] for d in periods[0]["dimensions"]} >= {"ENERGY", "TIME"},
                  f"a charging period with ENERGY and TIME ({periods})")
            excl, incl = expected_cost(tariff, cdr["total_energy"], cdr["start_date_time"], cdr["end_date_time"])
            got = (Decimal(str(cdr["total_cost"]["excl_vat"])), Decimal(str(cdr["total_cost"]["incl_vat"])))
            check(got == (excl, incl) and excl > 0,
                  f"total_cost as the tariff says: computed {excl}/{incl}, CDR {got} ({tariff['id']})")
            code, body, _ = ocpi("GET", f"{details_url}/cdrs", token_c)
            check(body["data"] == [cdr], "a CDR never changes once made")
            code, body, headers = ocpi("GET", f"{details_url}/cdrs?date_from=2200-01-01T00:00:00Z", token_c)
            check(code == 200 and body["data"] == [] and headers.get("X-Total-Count") == "0", "cdrs: date_from")

        # --- A session the eMSP starts with START_SESSION: COMMAND, with the command's token.
        others = [(l, c) for l, c in chargers if c["identity"] != ident]
        if others and "commands" in endpoints:
            loc2, chg2 = others[0]
            evse2 = next(e for e in loc2["evses"] if e["charger_identity"] == chg2["identity"])
            tok = emsp.token("CMDUID0001")
            code, body, _ = ocpi("POST", endpoints["commands"]["url"] + "/START_SESSION", token_c,
                                 {"response_url": emsp.url("/2.2.1/commands/START_SESSION/1"), "token": tok,
                                  "location_id": loc2["location_id"], "evse_uid": evse2["uid"],
                                  "authorization_reference": "ref-sess-1"})
            check(code == 200 and body["data"]["result"] == "ACCEPTED", f"START_SESSION accepted ({body})")
            by_command = wait_session(lambda s: s["cdr_token"]["uid"] == "CMDUID0001", "the commanded session")
            if by_command:
                check(by_command["auth_method"] == "COMMAND" and
                      by_command.get("authorization_reference") == "ref-sess-1" and
                      by_command["cdr_token"] == {k: tok[k] for k in ("country_code", "party_id", "uid", "type",
                                                                       "contract_id")} and
                      by_command["evse_uid"] == evse2["uid"],
                      f"COMMAND, the command's token and reference, its EVSE ({by_command})")
            cid, ident = chg2["charger_id"], chg2["identity"]
            command("stop-session", {"connector_id": evse2["connector_id"]})
            wait_session(lambda s: s["cdr_token"]["uid"] == "CMDUID0001" and s["status"] == "COMPLETED",
                         "the commanded session COMPLETED")
            cdrs, _ = crawl(details_url + "/cdrs", token_c, limit=10)
            check(len(cdrs) == 2 and cdrs[1]["auth_method"] == "COMMAND" and
                  cdrs[1].get("authorization_reference") == "ref-sess-1" and cdrs[0] == first_cdr,
                  f"a second CDR, COMMAND; the first unchanged ({[c.get('auth_method') for c in cdrs]})")
        else:
            check(False, f"a second charger and the commands module ({len(chargers)} chargers, {list(endpoints)})")

        # --- Parameters.
        code, body, _ = ocpi("GET", f"{details_url}/sessions", token_c)
        check(code == 200 and body["status_code"] == 2001 and "date_from" in body["status_message"],
              f"sessions without date_from -> 2001 naming it ({body})")
        code, body, _ = ocpi("GET", f"{details_url}/sessions?date_from=yesterday", token_c)
        check(body["status_code"] == 2001, "a bad date_from -> 2001")
        code, body, headers = ocpi("GET", f"{details_url}/sessions?date_from=2200-01-01T00:00:00Z", token_c)
        check(code == 200 and body["data"] == [] and headers.get("X-Total-Count") == "0", "sessions: date_from")
        code, body, headers = ocpi("GET", f"{details_url}/sessions?date_from={EPOCH}&limit=1000", token_c)
        check(headers.get("X-Limit") == "100" and len(body["data"]) == 2, "sessions: limit capped, two sessions")
    finally:
        emsp.close()
        server.stop()

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
