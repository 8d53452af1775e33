"""Shared schema pieces: the error body every 4xx uses, and the error responses of each operation."""
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã lỗi máy đọc được, ví dụ invalid_input, conflict")
    message = serializers.CharField(help_text="Thông báo cho người dùng")
    errors = serializers.JSONField(required=False, help_text="Lỗi theo từng trường (khi dữ liệu không hợp lệ)")
    details = serializers.JSONField(required=False)


ERRORS = ErrorSerializer

# Every status an operation can answer besides its success (docs/api.md, "Errors").
_DESCRIPTIONS = {
    400: "invalid_input / routing_error: a bad field, query parameter or JSON body (too deeply nested)",
    401: "not_authenticated / authentication_failed: no token, or a bad one",
    403: "permission_denied: the user's role may not do this",
    404: "not_found: no such object, or one outside the user's scope; a page past the last",
    406: "not_acceptable: the Accept header excludes application/json",
    409: "transition_not_allowed / conflict: not in this status or step; a stale or concurrent version",
    410: "file_changed: the stored file no longer matches the hash recorded when it was stored",
    413: "payload_too_large: a body over API_MAX_BODY_BYTES",
    415: "unsupported_media_type: a body that is not application/json",
    429: "throttled: too many failed lookups from this address (Retry-After)",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error responses for `codes` (406 always: content negotiation applies everywhere)."""
    return {code: OpenApiResponse(ERRORS, description=_DESCRIPTIONS[code])
            for code in sorted({*codes, 406})}


BODY = (400, 413, 415)  # an operation reading a JSON body
