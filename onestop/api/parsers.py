"""The API's JSON parser: bounded in size and nesting before `json.loads` sees the body.

Python's JSON decoder recurses once per nesting level, so a 200 kB body of `[` exhausts the
interpreter's stack (RecursionError: a 500). No body the API accepts nests deeper than two
levels, nor needs more than a few hundred kilobytes, so anything past the limits is refused
up front: too large → 413, too deep → 400 (docs/decisions/0014-input-limits.md).
"""
import io
import re

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

# A JSON string (to its closing quote, or to the end of an unterminated one: every token
# matches, so the scan never backtracks over the body), or one bracket.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, limit: int):
        super().__init__(_("Dữ liệu gửi lên vượt quá giới hạn %(limit)s.") % {"limit": filesizeformat(limit)})


def nesting_exceeds(data: bytes, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` anywhere in `data` (brackets inside
    strings do not count). Stops at the first level past the limit."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # the common case: too few brackets to go deeper, whatever their order
    depth = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    """JSONParser refusing bodies over API_MAX_BODY_BYTES (413) or nested past API_MAX_JSON_DEPTH (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit, depth = settings.API_MAX_BODY_BYTES, settings.API_MAX_JSON_DEPTH
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(limit)
        if nesting_exceeds(data, depth):
            raise exceptions.ParseError(_("Dữ liệu JSON lồng nhau quá %(depth)s cấp.") % {"depth": depth})
        try:
            return super().parse(io.BytesIO(data), media_type, parser_context)
        except exceptions.ParseError as exc:  # DRF's message is English only; keep the decoder's detail
            detail = str(exc.detail).removeprefix("JSON parse error - ")
            raise exceptions.ParseError(_("Dữ liệu JSON không hợp lệ: %(error)s") % {"error": detail}) from None
