"""An OCPI 2.2.1 eMSP for the roaming tests, written from the specification (Python standard
library only, independent of the C++ code). It serves its versions and 2.2.1 details (credentials,
and the Receiver side of locations, sessions and cdrs, and the commands callback), checks the
CPO's Authorization on every call (Token B, Base64 or raw as configured), keeps what the CPO
pushes (Locations with their EVSE PATCHes applied, Sessions, CDRs, CommandResults), answers
real-time authorizations (tokens/{uid}/authorize, from `authorize_answers`) and can
answer the next N pushes with an error to exercise the CPO's retries."""
import base64
import json
import urllib.parse
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def envelope(data, code=1000, message="Success"):
    return {"data": data, "status_code": code, "status_message": message,
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def ocpi(method, url, tok, body=None, raw=False, headers=None, data=None):
    """A call to the CPO: (HTTP status, parsed body, response headers)."""
    h = dict(headers or {})
    if tok is not None:
        h["Authorization"] = "Token " + (tok if raw else base64.b64encode(tok.encode()).decode())
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null"), dict(r.headers)
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, json.loads(text) if text else None, dict(e.headers)


class Emsp:
    def __init__(self, token_b, raw=False, port=0, party=("NL", "EMS")):
        self.token_b, self.raw, self.party = token_b, raw, party
        self.lock = threading.Lock()
        self.calls = []        # (method, path, body) of every authorised call from the CPO
        self.bad_auth = []     # (method, path, Authorization) refused
        self.locations = {}    # id -> Location, PATCHes applied
        self.evse_patches = []  # (location_id, evse_uid, body)
        self.sessions = {}     # id -> Session, PATCHes applied
        self.session_calls = []  # (method, id, body)
        self.cdrs = []
        self.results = {}      # command path tail -> CommandResult
        self.fail_next = 0     # answer this many pushes with HTTP 500
        self.failed = 0
        self.refused = []      # (method, path) of the pushes answered 500
        # Real-time authorization (POST tokens/{uid}/authorize): uid -> (allowed, reference), or
        # (500, None) for an HTTP 500; a uid not in it is unknown (404 / 2004).
        # authorize_calls: (uid, query) as received.
        self.authorize_answers = {}
        self.authorize_calls = []
        emsp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def body(self):
                n = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(n) or b"null") if n else None

            def authorised(self):
                want = emsp.token_b if emsp.raw else base64.b64encode(emsp.token_b.encode()).decode()
                got = self.headers.get("Authorization")
                if got == "Token " + want:
                    return True
                with emsp.lock:
                    emsp.bad_auth.append((self.command, self.path, got))
                self.reply(401, envelope(None, 2000, "bad token"))
                return False

            def do_GET(self):
                if not self.authorised():
                    return
                base = f"http://127.0.0.1:{emsp.port}"
                if self.path == "/versions":
                    return self.reply(200, envelope([{"version": "2.2.1", "url": base + "/2.2.1"}]))
                if self.path == "/2.2.1":
                    eps = [{"identifier": "credentials", "role": "RECEIVER", "url": base + "/2.2.1/credentials"}]
                    eps += [{"identifier": m, "role": "RECEIVER", "url": f"{base}/2.2.1/{m}"}
                            for m in ("locations", "sessions", "cdrs")]
                    eps += [{"identifier": m, "role": "SENDER", "url": f"{base}/2.2.1/{m}"}
                            for m in ("tokens", "commands")]
                    return self.reply(200, envelope({"version": "2.2.1", "endpoints": eps}))
                return self.reply(404, envelope(None, 2003, "unknown"))

            def push(self):
                if not self.authorised():
                    return
                body = self.body()
                with emsp.lock:
                    if emsp.fail_next > 0:
                        emsp.fail_next -= 1
                        emsp.failed += 1
                        emsp.refused.append((self.command, self.path))
                        return self.reply(500, envelope(None, 3000, "try again"))
                    emsp.calls.append((self.command, self.path, body))
                    parts = self.path.strip("/").split("/")  # 2.2.1, module, ...
                    module = parts[1] if len(parts) > 1 else ""
                    if module == "locations" and len(parts) == 5 and self.command == "PUT":
                        emsp.locations[parts[4]] = body
                    elif module == "locations" and len(parts) == 6 and self.command == "PATCH":
                        emsp.evse_patches.append((parts[4], parts[5], body))
                        for e in emsp.locations.get(parts[4], {}).get("evses", []):
                            if e["uid"] == parts[5]:
                                e.update(body)
                    elif module == "sessions" and len(parts) == 5:
                        emsp.session_calls.append((self.command, parts[4], body))
                        if self.command == "PUT":
                            emsp.sessions[parts[4]] = body
                        else:
                            emsp.sessions.setdefault(parts[4], {}).update(body)
                    elif module == "cdrs" and self.command == "POST":
                        emsp.cdrs.append(body)
                    elif module == "commands" and self.command == "POST":
                        emsp.results["/".join(parts[2:])] = body
                self.reply(200 if module != "cdrs" else 201, envelope(None))

            def do_POST(self):
                path, _, query = self.path.partition("?")
                parts = path.strip("/").split("/")  # 2.2.1, tokens, uid, authorize
                if len(parts) == 4 and parts[1] == "tokens" and parts[3] == "authorize":
                    if not self.authorised():
                        return
                    uid = urllib.parse.unquote(parts[2])
                    with emsp.lock:
                        emsp.authorize_calls.append((uid, query))
                        answer = emsp.authorize_answers.get(uid)
                    if answer is None:
                        return self.reply(404, envelope(None, 2004, "unknown token"))
                    allowed, reference = answer
                    if allowed == 500:  # an eMSP that cannot answer
                        return self.reply(500, envelope(None, 3000, "try again"))
                    info = {"allowed": allowed, "token": emsp.token(uid, whitelist="NEVER")}
                    if reference:
                        info["authorization_reference"] = reference
                    return self.reply(200, envelope(info))
                return self.push()

            do_PUT = do_PATCH = push

            def reply(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def credentials(self):
        return {"token": self.token_b, "url": self.url("/versions"),
                "roles": [{"role": "EMSP", "country_code": self.party[0], "party_id": self.party[1],
                           "business_details": {"name": "Test eMSP"}}]}

    def token(self, uid, valid=True, whitelist="ALLOWED"):
        return {"country_code": self.party[0], "party_id": self.party[1], "uid": uid, "type": "RFID",
                "contract_id": "NL-EMS-C" + uid[-8:], "issuer": "Test eMSP", "valid": valid,
                "whitelist": whitelist, "last_updated": "2026-12-05T00:00:00Z"}

    def wait_for(self, pred, timeout=30.0):
        """The first value pred returns that is truthy, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                value = pred(self)
            if value:
                return value
            time.sleep(0.05)
        return None

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
