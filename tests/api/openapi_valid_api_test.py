#!/usr/bin/env python3
"""The OpenAPI document `ocppfleet serve` serves is valid OpenAPI 3.1: GET /openapi.json from a
real server, then the official 3.1 JSON Schema via @seriousme/openapi-schema-validator (node,
tests/peers). Any validation error fails. Also: every documented operation exists on the
server (not 404/405), so the document names no route the router lacks.
Usage: openapi_valid_api_test.py <path-to-ocppfleet> <peers-dir>
"""
import json
import os
import subprocess
import sys
import tempfile

from api_support import Server, call, check, failures, token


def main():
    binary, peers = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ocppfleet-openapi-")
    db = os.path.join(tmp, "api.db")
    tok = token(binary, db, "org-doc")
    server = Server(binary, db)
    try:
        code, doc = call(server.base, "GET", "/openapi.json")
        check(code == 200 and doc.get("openapi") == "3.1.0", f"GET /openapi.json serves a 3.1 document ({code})")
        path = os.path.join(tmp, "openapi.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        r = subprocess.run(["node", os.path.join(peers, "validate_openapi.mjs"), path], capture_output=True,
                           text=True, timeout=60)
        check(r.returncode == 0, f"the official OpenAPI 3.1 schema accepts it ({r.stdout[:2000]}{r.stderr[:500]})")
        report = json.loads(r.stdout) if r.stdout.strip() else {}
        check(report.get("version", "").startswith("3.1"), f"validated as 3.1 ({report.get('version')})")

        # Each documented method+path is routed: a filled-in path answers anything but 404
        # "Not Found" / 405 (a 404 with another detail is the resource's own answer).
        for path_pattern, item in doc["paths"].items():
            for method in item:
                concrete = path_pattern.replace("{name}", "reset")
                while "{" in concrete:
                    start = concrete.index("{")
                    concrete = concrete[:start] + "x" + concrete[concrete.index("}") + 1:]
                code, body = call(server.base, method.upper(), concrete, tok, {} if method in ("post", "put") else None)
                routed = code != 405 and not (code == 404 and body == {"detail": "Not Found"})
                check(routed, f"{method.upper()} {path_pattern} is routed ({code})")
    finally:
        server.stop()
    print(f"{len(failures)} failed" if failures else "all OpenAPI checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
