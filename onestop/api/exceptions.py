"""Errors as one JSON shape: {"code": machine-readable, "message": readable, "errors"?: per field}.

Domain errors from the services keep their own code and HTTP status (InvalidInput 400,
PermissionDenied 403, TransitionNotAllowed / Conflict 409); DRF's own errors (validation,
authentication, throttling, 405, 406, 413, 415) are folded into the same shape so a client
parses one format, and so are Django's 404s under /api/ (`page_not_found`, urls.handler404).
"""
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workflows.errors import DomainError

from .parsers import PayloadTooLarge

# DRF exception class → our code, when DRF's own default_code is not the one we publish.
_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.ValidationError: "invalid_input",
    exceptions.ParseError: "invalid_input",
    exceptions.Throttled: "throttled",
}


def error_body(code: str, message, errors=None) -> dict:
    body = {"code": code, "message": str(message)}
    if errors:
        body["errors"] = errors
    return body


def _first_message(detail) -> str:
    """The first readable message of a (possibly nested) DRF error detail."""
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
        return ""
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else ""
    return str(detail)


def _field_label(detail) -> str:
    if isinstance(detail, dict) and detail:
        key = next(iter(detail))
        if key not in ("non_field_errors", "detail"):
            return f"{key}: "
    return ""


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = error_body(exc.code, exc.message)
        if exc.details:
            body["details"] = {k: v if isinstance(v, list | dict | int) else str(v) for k, v in exc.details.items()}
        return Response(body, status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):  # past Django's cap (DATA_UPLOAD_MAX_MEMORY_SIZE), checked before ours
        exc = PayloadTooLarge(settings.API_MAX_BODY_BYTES)
    elif isinstance(exc, SuspiciousOperation):  # e.g. over DATA_UPLOAD_MAX_NUMBER_FIELDS query parameters
        exc = exceptions.ParseError(_("Dữ liệu không hợp lệ."))
    elif isinstance(exc, exceptions.UnsupportedMediaType):  # DRF's message has no Vietnamese translation
        exc = exceptions.UnsupportedMediaType(
            "", _("Kiểu dữ liệu không được hỗ trợ; hãy gửi JSON (Content-Type: application/json)."))
    elif isinstance(exc, exceptions.NotAcceptable):
        exc = exceptions.NotAcceptable(_("API chỉ trả lời dạng JSON (Accept: application/json)."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), None) or getattr(
        exc, "default_code", "error"
    )
    if isinstance(exc, exceptions.ValidationError):
        message = _field_label(exc.detail) + _first_message(exc.detail)
        response.data = error_body(code, message or _("Dữ liệu không hợp lệ."), exc.detail)
    elif isinstance(exc, exceptions.Throttled):
        response.data = error_body(code, _("Quá nhiều yêu cầu. Vui lòng thử lại sau %(s)s giây.")
                                   % {"s": int(exc.wait or 0)})
    else:
        response.data = error_body(code, _first_message(exc.detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response


def page_not_found(request, exception):
    """handler404: an address under /api/ that no route matches (a junk id, a typo) answers the
    error shape like every other API error; elsewhere Django's page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Không tìm thấy địa chỉ này.")), status=404)
    return defaults.page_not_found(request, exception)
