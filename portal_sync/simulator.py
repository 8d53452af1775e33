"""A small national-portal simulator speaking PORTAL-PROTOCOL (docs/portal-protocol.md), for tests and the demo.

    python -m portal_sync.simulator --port 0 [--token T] [--secret S] [--host 127.0.0.1] [--timeout-hang 5]

The first stdout line is "PORT <n>". Standard library only; state in memory. Every request needs
`Authorization: Bearer <token>` and `X-Signature: hex(HMAC-SHA256(secret, method\\npath\\nbody))`.
"""
import argparse
import base64
import contextlib
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from portal_sync.protocol import sign, snapshot_hash

DEFAULT_TOKEN, DEFAULT_SECRET = "sim-token", "sim-secret"
MODE_DEFAULTS = {"fail": 0, "timeout": 0, "down": False, "duplicate_next": 0, "fail_ack": 0,
                 "fail_file": 0}


class Portal:
    def __init__(self, token: str, secret: str, hang: float, journal: str | None = None):
        self.token, self.secret, self.hang = token, secret, hang
        self.lock = threading.Lock()
        self.mode = dict(MODE_DEFAULTS)
        self.records: dict[str, list[dict]] = {}   # MaHoSo -> accepted sync records in order
        self.keys: set[str] = set()
        self.duplicates = 0
        self.out_of_order = 0
        self.inbound: list[dict] = []             # queued online dossiers
        self.files: dict[str, bytes] = {}
        self.acks: dict[str, list[str]] = {}
        self.served_twice: set[str] = set()
        # What the portal stores survives a restart when a journal file is given (the demo's portal):
        # each accepted record, queued dossier and acknowledgement is one JSON line, replayed at start.
        self.journal = journal
        if journal and os.path.exists(journal):
            with open(journal, encoding="utf-8") as lines:
                for line in lines:
                    if line.strip():
                        self._apply(json.loads(line))

    def _apply(self, entry: dict):
        op, body = entry["op"], entry["body"]
        if op == "accept":
            self.keys.add(body["IdempotencyKey"])
            self.records.setdefault(body["MaHoSo"], []).append(
                {"IdempotencyKey": body["IdempotencyKey"], "Seq": body["Seq"], "SuKien": body.get("SuKien"),
                 "HoSo": body["HoSo"]})
        elif op == "queue":
            self.files.update({k: base64.b64decode(v) for k, v in entry["files"].items()})
            self.inbound.append(body)
        elif op == "ack":
            acks = self.acks.setdefault(body["portal_code"], [])
            if body["MaHoSo"] not in acks:
                acks.append(body["MaHoSo"])

    def _record(self, op: str, body: dict, files: dict | None = None):
        """Apply and journal one change (the caller holds the lock)."""
        entry = {"op": op, "body": body, "files": {k: base64.b64encode(v).decode() for k, v in (files or {}).items()}}
        self._apply(entry)
        if self.journal:
            with open(self.journal, "a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")

    # outbound ------------------------------------------------------------------------------
    def gate(self) -> str | None:
        """'down' / 'fail' / 'timeout' when the sync request must not be served normally."""
        with self.lock:
            if self.mode["down"]:
                return "fail"
            if self.mode["timeout"] > 0:
                self.mode["timeout"] -= 1
                return "timeout"
            if self.mode["fail"] > 0:
                self.mode["fail"] -= 1
                return "fail"
        return None

    def accept(self, body: dict) -> tuple[int, dict]:
        key, code, seq = body.get("IdempotencyKey"), body.get("MaHoSo"), body.get("Seq")
        if not key or not code or not isinstance(seq, int) or not isinstance(body.get("HoSo"), dict):
            return 400, {"status": "invalid", "message": "IdempotencyKey, MaHoSo, Seq, HoSo required"}
        with self.lock:
            if key in self.keys:
                self.duplicates += 1
                return 200, {"status": "ok", "duplicate": True}
            held = self.records.setdefault(code, [])
            expected = (held[-1]["Seq"] if held else 0) + 1
            if seq != expected:
                self.out_of_order += 1
                return 409, {"status": "out_of_order", "expected": expected}
            self._record("accept", {"IdempotencyKey": key, "MaHoSo": code, "Seq": seq, "SuKien": body.get("SuKien"),
                                    "HoSo": body["HoSo"]})
            return 200, {"status": "ok", "duplicate": False}

    def listing(self, query: dict) -> dict:
        tu, den = query.get("tu", [""])[0], query.get("den", [""])[0]
        cursor, limit = int(query.get("cursor", ["0"])[0] or 0), int(query.get("limit", ["100"])[0] or 100)
        with self.lock:
            items = []
            for code in sorted(self.records):
                last = self.records[code][-1]
                received = str(last["HoSo"].get("NgayTiepNhan") or "")[:8]
                if (tu and received < tu) or (den and received > den):
                    continue
                items.append({"MaHoSo": code, "Seq": last["Seq"], "TrangThaiHoSo": last["HoSo"].get("TrangThaiHoSo"),
                              "NgayTiepNhan": last["HoSo"].get("NgayTiepNhan"), "Hash": snapshot_hash(last["HoSo"])})
        page = items[cursor:cursor + limit]
        nxt = str(cursor + limit) if cursor + limit < len(items) else None
        return {"items": page, "next": nxt}

    # inbound -------------------------------------------------------------------------------
    def queue(self, body: dict) -> tuple[int, dict]:
        if not body.get("MaHoSoDVCQG"):
            return 400, {"status": "invalid", "message": "MaHoSoDVCQG required"}
        item = {k: v for k, v in body.items() if k != "TaiLieuNop"}
        docs, files = [], {}
        with self.lock:
            for i, doc in enumerate(body.get("TaiLieuNop") or []):
                data = base64.b64decode(doc.get("NoiDung") or doc.get("content") or "")
                file_id = f"{body['MaHoSoDVCQG']}-{i + 1}"
                files[file_id] = data
                # A test may queue a wrong Sha256 (a file damaged on the way) to see the item refused.
                docs.append({"MaThanhPhanHoSo": doc.get("MaThanhPhanHoSo"), "TenTep": doc.get("TenTep"),
                             "DuongDan": f"/api/tep/{file_id}",
                             "Sha256": doc.get("Sha256") or hashlib.sha256(data).hexdigest()})
            item["TaiLieuNop"] = docs
            self._record("queue", item, files)
        return 200, {"status": "ok", "item": item}

    def new_page(self, query: dict) -> dict:
        cursor, limit = int(query.get("cursor", ["0"])[0] or 0), int(query.get("limit", ["50"])[0] or 50)
        with self.lock:
            page = self.inbound[cursor:cursor + limit]
            nxt_pos = cursor + len(page)
            nxt = str(nxt_pos) if nxt_pos < len(self.inbound) else None
            resume = str(nxt_pos)
            if page and self.mode["duplicate_next"] > 0 and str(cursor) not in self.served_twice:
                # serve this page again next time: the cursor does not advance
                self.mode["duplicate_next"] -= 1
                self.served_twice.add(str(cursor))
                nxt = resume = str(cursor)
        # `next`: the following page, null when none is there yet; `cursor`: where to resume once
        # this page is handled, also after the last page (dossiers queued later follow it).
        return {"items": page, "next": nxt, "cursor": resume}

    def inbound_gate(self, kind: str = "") -> str | None:
        """As `gate`, for the inbound side; `fail_ack` / `fail_file` fail only the next n
        acknowledgements / file downloads (kind "ack" / "file")."""
        if kind:
            with self.lock:
                if self.mode[f"fail_{kind}"] > 0:
                    self.mode[f"fail_{kind}"] -= 1
                    return "fail"
        return self.gate()

    def acknowledge(self, portal_code: str, body: dict) -> tuple[int, dict]:
        with self.lock:
            if not any(i["MaHoSoDVCQG"] == portal_code for i in self.inbound):
                return 404, {"status": "not_found"}
            if body.get("MaHoSo") not in self.acks.get(portal_code, []):
                self._record("ack", {"portal_code": portal_code, "MaHoSo": body.get("MaHoSo")})
        return 200, {"status": "ok"}

    def state(self) -> dict:
        with self.lock:
            return {"mode": dict(self.mode), "records": {k: list(v) for k, v in self.records.items()},
                    "duplicates": self.duplicates, "out_of_order": self.out_of_order,
                    "inbound": list(self.inbound), "acks": {k: list(v) for k, v in self.acks.items()}}


def make_handler(portal: Portal):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def _send(self, status, payload, content_type="application/json; charset=utf-8"):
            data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self, body: bytes) -> bool:
            path = urlsplit(self.path).path
            good_token = self.headers.get("Authorization", "") == f"Bearer {portal.token}"
            good_sig = hmac.compare_digest(self.headers.get("X-Signature", ""),
                                           sign(portal.secret, self.command, path, body))
            return good_token and good_sig

        def _inbound_failure(self, gate):
            """The answer of a failing inbound request ('down', 'fail', 'timeout'), else None."""
            if gate == "timeout":
                time.sleep(portal.hang)
                return self._send(503, {"status": "timeout"}) or True
            if gate == "fail":
                return self._send(503, {"status": "unavailable"}) or True
            return None

        def _read(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self):
            if not self._authorised(b""):
                return self._send(401, {"status": "unauthorised"})
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/api/dongbo/hoso":
                return self._send(200, portal.listing(query))
            if url.path == "/api/hoso/moi" or url.path.startswith("/api/tep/"):
                failed = self._inbound_failure(portal.inbound_gate("file" if url.path.startswith("/api/tep/") else ""))
                if failed:
                    return failed
            if url.path == "/api/hoso/moi":
                return self._send(200, portal.new_page(query))
            if url.path.startswith("/api/tep/"):
                data = portal.files.get(url.path.rsplit("/", 1)[-1])
                if data is None:
                    return self._send(404, {"status": "not_found"})
                return self._send(200, data, "application/octet-stream")
            if url.path == "/_sim/state":
                return self._send(200, portal.state())
            return self._send(404, {"status": "not_found"})

        def do_POST(self):
            raw = self._read()
            if not self._authorised(raw):
                return self._send(401, {"status": "unauthorised"})
            path = urlsplit(self.path).path
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self._send(400, {"status": "invalid", "message": "body is not JSON"})
            if path == "/api/dongbo/hoso":
                gate = portal.gate()
                if gate == "timeout":
                    time.sleep(portal.hang)
                    return self._send(503, {"status": "timeout"})
                if gate == "fail":
                    return self._send(503, {"status": "unavailable"})
                return self._send(*portal.accept(body))
            if path.startswith("/api/hoso/") and path.endswith("/tiepnhan"):
                failed = self._inbound_failure(portal.inbound_gate("ack"))
                if failed:
                    return failed
                return self._send(*portal.acknowledge(path.split("/")[3], body))
            if path == "/_sim/mode":
                with portal.lock:
                    if body.get("reset"):
                        portal.mode = dict(MODE_DEFAULTS)
                    for key, value in body.items():
                        if key in MODE_DEFAULTS:
                            portal.mode[key] = type(MODE_DEFAULTS[key])(value)
                    return self._send(200, {"mode": dict(portal.mode)})
            if path == "/_sim/hoso/moi":
                return self._send(*portal.queue(body))
            return self._send(404, {"status": "not_found"})

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    parser.add_argument("--timeout-hang", type=float, default=5.0, help="seconds a 'timeout' request hangs")
    parser.add_argument("--state", help="a journal file: what the portal stores survives a restart")
    args = parser.parse_args(argv)
    portal = Portal(args.token, args.secret, args.timeout_hang, journal=args.state)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(portal))
    print(f"PORT {server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


@contextlib.contextmanager
def running_simulator(token=DEFAULT_TOKEN, secret=DEFAULT_SECRET, hang=5.0, state=None, port=0):
    """Start the simulator as its own process on loopback; yields its base URL. `state`: its journal."""
    proc = subprocess.Popen([sys.executable, "-m", "portal_sync.simulator", "--port", str(port), "--token", token,
                             "--secret", secret, "--timeout-hang", str(hang), *(["--state", state] if state else [])],
                            stdout=subprocess.PIPE, text=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    try:
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"portal simulator did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
