"""The payment gateway adapter (client side): the signed redirect that sends the citizen to pay, the
check of the gateway's signed results, and the server-to-server status query.

Configured by ONESTOP_PAYMENT_GATEWAY_URL, _SECRET and _MERCHANT (onestop/settings.py); the
protocol is payments.protocol. Only the query goes over the network: an unreachable gateway
raises GatewayUnavailable, which callers turn into "still pending, try again later".
"""
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils import timezone

from . import protocol

QUERY_TIMEOUT_SECONDS = 10
PAYMENT_WINDOW = timedelta(minutes=15)  # the gateway refuses a pay request after this


class GatewayUnavailable(Exception):
    """The gateway did not answer, or answered something that is not a signed answer."""


@dataclass(frozen=True)
class Config:
    url: str
    secret: str
    merchant: str

    @property
    def enabled(self) -> bool:
        return bool(self.url and self.secret and self.merchant)


def config() -> Config:
    return Config(url=(settings.ONESTOP_PAYMENT_GATEWAY_URL or "").rstrip("/"),
                  secret=settings.ONESTOP_PAYMENT_GATEWAY_SECRET or "",
                  merchant=settings.ONESTOP_PAYMENT_GATEWAY_MERCHANT or "")


def stamp(instant: datetime) -> str:
    return timezone.localtime(instant).strftime("%Y%m%d%H%M%S")


def pay_url(*, order_ref: str, amount: int, order_info: str, return_url: str, notify_url: str,
            now: datetime, cfg: Config | None = None) -> str:
    """The address that sends the citizen's browser to the gateway's payment page."""
    cfg = cfg or config()
    params = protocol.signed({
        "version": protocol.VERSION, "merchant": cfg.merchant, "order_ref": order_ref, "amount": str(int(amount)),
        "currency": protocol.CURRENCY, "order_info": order_info, "return_url": return_url,
        "notify_url": notify_url, "created_at": stamp(now), "expires_at": stamp(now + PAYMENT_WINDOW),
        "locale": "vi",
    }, cfg.secret)
    return f"{cfg.url}/pay?{urlencode(params)}"


@dataclass(frozen=True)
class Result:
    """A gateway's statement about an order, once its signature was checked."""

    signature_ok: bool
    order_ref: str
    status: str  # protocol.PAID / FAILED / CANCELLED (/ PENDING / UNKNOWN for a query answer)
    amount: int | None
    txn_id: str
    paid_at: str
    bank_code: str
    params: dict


def read_result(params, cfg: Config | None = None) -> Result:
    """Parse a result (a notification, a return, a query answer) and check its signature and merchant."""
    cfg = cfg or config()
    values = protocol.flat(params)
    ok = protocol.verify(values, cfg.secret) and values.get("merchant") == cfg.merchant
    try:
        amount = int(values.get("amount", ""))
    except ValueError:
        amount = None
    return Result(signature_ok=ok, order_ref=values.get("order_ref", "")[:64], status=values.get("status", ""),
                  amount=amount, txn_id=values.get("txn_id", "")[:64], paid_at=values.get("paid_at", ""),
                  bank_code=values.get("bank_code", "")[:20], params=values)


def query(order_ref: str, *, now: datetime | None = None, cfg: Config | None = None) -> Result:
    """Ask the gateway what became of an order (server to server). Raises GatewayUnavailable when it
    cannot be reached, answers with an error, or its answer is not validly signed."""
    cfg = cfg or config()
    if not cfg.enabled:
        raise GatewayUnavailable("the payment gateway is not configured")
    body = protocol.signed({
        "version": protocol.VERSION, "merchant": cfg.merchant, "order_ref": order_ref,
        "request_id": uuid.uuid4().hex, "requested_at": stamp(now or timezone.now()),
    }, cfg.secret)
    request = Request(f"{cfg.url}/api/query", data=urlencode(body).encode(), method="POST",
                      headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    try:
        with urlopen(request, timeout=QUERY_TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read(64 * 1024).decode())
    except HTTPError as exc:
        raise GatewayUnavailable(f"the gateway answered {exc.code}") from exc
    except (URLError, OSError, ValueError) as exc:
        raise GatewayUnavailable(f"the gateway is unreachable: {exc}") from exc
    if not isinstance(answer, dict):
        raise GatewayUnavailable("the gateway's answer is not an object")
    result = read_result({str(k): str(v) for k, v in answer.items()}, cfg)
    if not result.signature_ok or result.order_ref != order_ref:
        raise GatewayUnavailable("the gateway's answer is not validly signed for this order")
    return result
