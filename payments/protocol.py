"""The payment gateway's wire protocol: signed redirect, signed callback, signed status query.

Pure standard library (no Django): the adapter (payments.gateway) and the simulator
(payments.simulator, a separate process) both speak it. The scheme is the one Vietnamese payment
gateways commonly use: every message is a flat set of string parameters, signed with
HMAC-SHA256 under a secret shared by the merchant and the gateway, over the parameters sorted by
name and URL-encoded ("canonical string"); the signature travels as one more parameter, `sig`.
The parameter names are ours (docs/decisions/0025-fees-and-payment.md).

Messages
- Pay request (merchant → browser → gateway, a GET redirect to {gateway}/pay):
  version, merchant, order_ref, amount (VND, integer), currency, order_info, return_url,
  notify_url, created_at, expires_at (yyyymmddHHMMSS, Vietnam time), locale, sig.
- Result (gateway → merchant, a server-to-server POST to notify_url, and the same parameters on
  the browser's redirect back to return_url): version, merchant, order_ref, amount, status
  (paid / failed / cancelled), txn_id, paid_at, bank_code, message, sig.
- Query (merchant → gateway, POST {gateway}/api/query, form-encoded): version, merchant,
  order_ref, request_id, requested_at, sig. The answer is a JSON object of string values:
  version, merchant, order_ref, status (paid / failed / cancelled / pending / unknown), amount,
  txn_id, paid_at, sig — signed the same way.
- The merchant answers a notification with JSON {"code": "...", "message": "..."}; code "00"
  means received (a duplicate is received too), anything else asks the gateway to send again.
"""
import hashlib
import hmac
from urllib.parse import quote, urlencode

VERSION = "1"
CURRENCY = "VND"
SIGNATURE = "sig"

# Result statuses the gateway reports; "pending" and "unknown" only in query answers.
PAID, FAILED, CANCELLED, PENDING, UNKNOWN = "paid", "failed", "cancelled", "pending", "unknown"
RESULT_STATUSES = (PAID, FAILED, CANCELLED)
QUERY_STATUSES = (PAID, FAILED, CANCELLED, PENDING, UNKNOWN)

# The merchant's answers to a notification.
ACK_OK = "00"  # received (also a duplicate: nothing more to send)
ACK_UNKNOWN_ORDER = "01"
ACK_BAD_AMOUNT = "04"
ACK_BAD_SIGNATURE = "97"
ACK_ERROR = "99"  # could not record it now: send again later


def canonical(params: dict) -> str:
    """The signed string: every parameter but the signature, sorted by name, URL-encoded
    (RFC 3986 percent-encoding, spaces as %20), joined with '&'."""
    items = sorted((str(k), str(v)) for k, v in params.items() if k != SIGNATURE)
    return urlencode(items, quote_via=quote, safe="")


def sign(params: dict, secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params).encode(), hashlib.sha256).hexdigest()


def signed(params: dict, secret: str) -> dict:
    """`params` (values as strings) with their signature added."""
    out = {str(k): str(v) for k, v in params.items() if k != SIGNATURE}
    out[SIGNATURE] = sign(out, secret)
    return out


def verify(params: dict, secret: str) -> bool:
    """Whether `params` carry a valid signature (compared in constant time)."""
    given = params.get(SIGNATURE)
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.lower(), sign(params, secret))


def flat(params) -> dict:
    """One string per name from a QueryDict-like or dict of lists (the last value wins)."""
    if hasattr(params, "lists"):
        return {k: (v[-1] if v else "") for k, v in params.lists()}
    return {str(k): (v[-1] if isinstance(v, list | tuple) else str(v)) for k, v in params.items()}
