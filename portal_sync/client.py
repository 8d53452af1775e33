"""The HTTP client of the national portal protocol (docs/portal-protocol.md), shared by the outbound
sync (portal_sync) and the intake (portal_intake). Each request is signed (`protocol.sign`); an
answer that is not 2xx raises, so callers decide what to retry.

Standard library only: the portal is one host, JSON in and out, and a timeout on every call.
"""
import json
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings

from .protocol import sign


class PortalUnavailable(Exception):
    """No answer: refused, timed out, or a 5xx. Worth trying again later."""


class PortalRefused(Exception):
    """A 4xx answer: the portal read the request and said no. `status` and `body` say why."""

    def __init__(self, status: int, body: dict):
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


@dataclass(frozen=True)
class PortalClient:
    base_url: str
    token: str
    secret: str
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> "PortalClient | None":
        """The configured portal, or None when the province is not linked (PORTAL_URL empty)."""
        if not settings.PORTAL_URL:
            return None
        return cls(settings.PORTAL_URL.rstrip("/"), settings.PORTAL_TOKEN, settings.PORTAL_SECRET,
                   float(settings.PORTAL_TIMEOUT_SECONDS))

    def _call(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> bytes:
        data = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        url = self.base_url + path + (f"?{urlencode(params)}" if params else "")
        request = Request(url, data=data if method != "GET" else None, method=method, headers={
            "Authorization": f"Bearer {self.token}",
            "X-Signature": sign(self.secret, method, urlsplit(url).path, data if method != "GET" else b""),
            "Content-Type": "application/json; charset=utf-8",
        })
        try:
            with urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except HTTPError as error:
            payload = error.read()
            if error.code >= 500:
                raise PortalUnavailable(f"{error.code}: {payload[:200]!r}") from error
            raise PortalRefused(error.code, _json_or_text(payload)) from error
        except (URLError, TimeoutError, ConnectionError, OSError) as error:
            raise PortalUnavailable(str(error)) from error

    def get_json(self, path: str, params: dict | None = None) -> dict:
        return _json_or_unavailable(self._call("GET", path, params=params))

    def post_json(self, path: str, body: dict) -> dict:
        return _json_or_unavailable(self._call("POST", path, body=body))

    def get_bytes(self, path: str) -> bytes:
        return self._call("GET", path)


def _json_or_text(payload: bytes) -> dict:
    try:
        value = json.loads(payload)
    except ValueError:
        return {"message": payload[:200].decode(errors="replace")}
    return value if isinstance(value, dict) else {"message": str(value)[:200]}


def _json_or_unavailable(payload: bytes) -> dict:
    try:
        value = json.loads(payload)
    except ValueError as error:
        raise PortalUnavailable("the portal's answer is not JSON") from error
    if not isinstance(value, dict):
        raise PortalUnavailable("the portal's answer is not a JSON object")
    return value
