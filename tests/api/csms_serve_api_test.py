#!/usr/bin/env python3
"""`ocppfleet serve` runs the embedded CSMS: with --ocpp-listen on a free port, a charger created
through the control API with ws_url pointing at it reaches READY with no other CSMS around, in
both OCPP versions; the startup line names the OCPP URL. Usage: csms_serve_api_test.py <ocppfleet>
"""
import os
import socket
import sys
import tempfile

from api_support import Server, call, check, token, wait_status, failures


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-csms-api-")
    db = os.path.join(tmp, "api.db")
    tok = token(binary, db, "org-csms")
    port = free_port()
    server = Server(binary, db, extra=("--ocpp-listen", f"127.0.0.1:{port}", "--ocpp-heartbeat-interval", "60"))
    try:
        url = f"ws://127.0.0.1:{port}/ocpp"
        check(server.ocpp_url == url, f"the startup line names the OCPP URL ({server.ocpp_url!r})")
        for identity, version, model in (("EMB-16", "OCPP1.6", ("abb", "terra-ac-w22", "Type2")),
                                         ("EMB-201", "OCPP2.0.1", ("kempower", "satellite", "CCS2"))):
            body = {"identity": identity, "brand_slug": model[0], "model_slug": model[1], "connector_type": model[2],
                    "ws_url": url, "ocpp_version": version}
            code, created = call(server.base, "POST", "/ocpp/chargers", tok, body)
            check(code == 202, f"{identity}: create answers 202 ({code} {created})")
            status = wait_status(server.base, tok, created["charger_id"], timeout=30.0)
            check(status["status"] == "READY", f"{identity} ({version}) is READY against the embedded CSMS ({status})")
    finally:
        rc = server.stop()
    check(rc == 0, f"serve exits 0 on SIGTERM (got {rc})")
    # Both tables live in the one file.
    import sqlite3
    con = sqlite3.connect(db)
    rows = con.execute("SELECT identity, boot_status FROM csms_stations ORDER BY identity").fetchall()
    con.close()
    check(rows == [("EMB-16", "Accepted"), ("EMB-201", "Accepted")], f"the CSMS persisted both stations ({rows})")

    # --ocpp-listen off: no OCPP port, the line says so.
    server = Server(binary, db, extra=("--ocpp-listen", "off"))
    try:
        check(server.ocpp_url is None, "with --ocpp-listen off no OCPP URL is printed")
    finally:
        server.stop()
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
