"""A small payment gateway simulator speaking payments.protocol, for tests and the demo.

    python -m payments.simulator --port 8765 --secret S [--merchant ONESTOP] [--host 127.0.0.1]

`--port 0` takes a free port; the first line on stdout is "listening on http://HOST:PORT".
Standard library only: it runs as its own process, as a real gateway would.

- GET /pay?<signed pay request>: the payment page. It completes at once with the outcome chosen
  by the `sim_outcome` parameter (success / failure / cancel; not part of the signed request) or
  else by the control state; sends the signed result to notify_url (a server-to-server POST,
  repeated when told to send duplicates, retried while the merchant answers "99"), then redirects
  the browser to return_url with the same signed parameters.
- POST /api/query (signed): the order's status, as a signed JSON object.
- GET /_control: the control state, the orders and every notification sent with its answer.
- POST /_control (JSON): change the control state: outcome, duplicates (extra sends),
  forge (sign results with a wrong key), amount_delta (report a different amount), down (answer
  503 on /pay and /api/query), drop_callback (send no notification); {"reset": true} clears all.
"""
import argparse
import json
import secrets
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import URLError
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import Request, urlopen

try:
    from payments import protocol
except ImportError:  # run as a plain script
    import protocol  # type: ignore[no-redef]

OUTCOMES = {"success": protocol.PAID, "failure": protocol.FAILED, "cancel": protocol.CANCELLED}
DEFAULTS = {"outcome": "success", "duplicates": 0, "forge": False, "amount_delta": 0, "down": False,
            "drop_callback": False}
NOTIFY_TIMEOUT = 10
NOTIFY_RETRIES = 3


class Gateway:
    def __init__(self, secret: str, merchant: str):
        self.secret, self.merchant = secret, merchant
        self.lock = threading.Lock()
        self.control = dict(DEFAULTS)
        self.orders: dict[str, dict] = {}
        self.sent: list[dict] = []

    def state(self) -> dict:
        with self.lock:
            return {"control": dict(self.control), "orders": dict(self.orders), "sent": list(self.sent)}

    def set_control(self, changes: dict) -> dict:
        with self.lock:
            if changes.get("reset"):
                self.control, self.orders, self.sent = dict(DEFAULTS), {}, []
            for key, value in changes.items():
                if key in DEFAULTS:
                    self.control[key] = type(DEFAULTS[key])(value)
        return self.state()

    # --- the payment ---------------------------------------------------------------------

    def pay(self, params: dict) -> tuple[int, dict | str]:
        """Complete a pay request; returns (HTTP status, result params or an error text)."""
        chosen = params.pop("sim_outcome", None)
        params = {k: v for k, v in params.items() if not k.startswith("sim_")}
        if not protocol.verify(params, self.secret) or params.get("merchant") != self.merchant:
            return 400, "Chữ ký yêu cầu thanh toán không hợp lệ."
        try:
            amount = int(params["amount"])
            order_ref, return_url, notify_url = params["order_ref"], params["return_url"], params["notify_url"]
        except (KeyError, ValueError):
            return 400, "Yêu cầu thanh toán thiếu thông tin."
        with self.lock:
            control = dict(self.control)
            order = self.orders.get(order_ref)
            if order and order["status"] == protocol.PAID:
                return 409, "Giao dịch đã được thanh toán."
            status = OUTCOMES.get(chosen or control["outcome"], protocol.PAID)
            charged = amount + control["amount_delta"] if status == protocol.PAID else amount
            order = {"amount": charged, "requested_amount": amount, "status": status,
                     "txn_id": f"SIM{secrets.token_hex(6).upper()}",
                     "paid_at": datetime.now().strftime("%Y%m%d%H%M%S") if status == protocol.PAID else "",
                     "bank_code": "SIMBANK", "notify_url": notify_url, "return_url": return_url}
            self.orders[order_ref] = order
        result = self.result_params(order_ref, order, forge=control["forge"])
        if not control["drop_callback"]:
            for _ in range(1 + max(control["duplicates"], 0)):
                self.notify(notify_url, result)
        return 302, result

    def result_params(self, order_ref: str, order: dict, *, forge: bool = False) -> dict:
        params = {"version": protocol.VERSION, "merchant": self.merchant, "order_ref": order_ref,
                  "amount": str(order["amount"]), "status": order["status"], "txn_id": order["txn_id"],
                  "paid_at": order["paid_at"], "bank_code": order["bank_code"],
                  "message": {"paid": "Giao dịch thành công", "failed": "Giao dịch không thành công",
                              "cancelled": "Khách hàng hủy giao dịch"}[order["status"]]}
        return protocol.signed(params, "forged:" + self.secret if forge else self.secret)

    def notify(self, url: str, params: dict):
        """POST the result to the merchant; sent again (a few times) while it answers "99"."""
        for _attempt in range(NOTIFY_RETRIES):
            request = Request(url, data=urlencode(params).encode(), method="POST",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
            try:
                with urlopen(request, timeout=NOTIFY_TIMEOUT) as response:
                    answer = json.loads(response.read().decode() or "{}")
                    code = str(answer.get("code", ""))
            except (URLError, OSError, ValueError) as exc:
                code = f"error: {exc}"
            with self.lock:
                self.sent.append({"order_ref": params.get("order_ref"), "status": params.get("status"), "ack": code})
            if code != protocol.ACK_ERROR:
                return

    # --- the status query ----------------------------------------------------------------

    def query(self, params: dict) -> tuple[int, dict]:
        if not protocol.verify(params, self.secret) or params.get("merchant") != self.merchant:
            return 400, {"error": "bad signature"}
        order_ref = params.get("order_ref", "")
        with self.lock:
            order = self.orders.get(order_ref)
        if order is None:
            answer = {"version": protocol.VERSION, "merchant": self.merchant, "order_ref": order_ref,
                      "status": protocol.UNKNOWN, "amount": "", "txn_id": "", "paid_at": ""}
        else:
            answer = {"version": protocol.VERSION, "merchant": self.merchant, "order_ref": order_ref,
                      "status": order["status"], "amount": str(order["amount"]), "txn_id": order["txn_id"],
                      "paid_at": order["paid_at"], "bank_code": order["bank_code"]}
        return 200, protocol.signed(answer, self.secret)


def make_handler(gateway: Gateway):
    class Handler(BaseHTTPRequestHandler):
        server_version = "onestop-gateway-simulator/1"

        def log_message(self, format, *args):  # quiet: tests read the state, not the log
            pass

        def _send(self, status: int, body, content_type="application/json; charset=utf-8", headers=None):
            data = (json.dumps(body, ensure_ascii=False) if not isinstance(body, str) else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(min(length, 64 * 1024))

        def _down(self) -> bool:
            if gateway.control["down"]:
                self._send(503, "Cổng thanh toán tạm ngừng phục vụ.", "text/plain; charset=utf-8")
                return True
            return False

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/_health":
                return self._send(200, {"ok": True})
            if url.path == "/_control":
                return self._send(200, gateway.state())
            if url.path == "/pay":
                if self._down():
                    return None
                params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
                status, result = gateway.pay(params)
                if status != 302:
                    return self._send(status, result, "text/plain; charset=utf-8")
                return_url = gateway.orders[params["order_ref"]]["return_url"]
                joiner = "&" if "?" in return_url else "?"
                return self._send(302, "", "text/plain", {"Location": f"{return_url}{joiner}{urlencode(result)}"})
            return self._send(404, {"error": "not found"})

        def do_POST(self):
            url = urlsplit(self.path)
            if url.path == "/_control":
                try:
                    changes = json.loads(self._body().decode() or "{}")
                except ValueError:
                    return self._send(400, {"error": "JSON expected"})
                return self._send(200, gateway.set_control(changes))
            if url.path == "/api/query":
                if self._down():
                    return None
                params = {k: v[-1] for k, v in parse_qs(self._body().decode(), keep_blank_values=True).items()}
                status, answer = gateway.query(params)
                return self._send(status, answer)
            return self._send(404, {"error": "not found"})

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description="onestop payment gateway simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--merchant", default="ONESTOP")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(Gateway(args.secret, args.merchant)))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
