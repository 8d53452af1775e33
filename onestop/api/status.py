"""Public status lookup (tra cứu hồ sơ): code + secret → what the portal page shows.

No personal data (not even a masked name: the portal page shows none either, and a code
and secret read off a receipt should not confirm whose it is), no staff names, no internal
notes. Finding and throttling are shared with the portal (onestop.screens.lookup): a wrong
code and a wrong secret get the same 404, and failures count against the same per-address
budget as the portal page.
"""
import functools
import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from onestop.screens import lookup
from workflows import clock
from workflows.statuses import NATIONAL_STATUS_CODE, Status

from .exceptions import error_body
from .parsers import nesting_exceeds
from .schema import BODY, errors

WHAT_TO_DO = {
    Status.SUBMITTED: _("Hồ sơ đang chờ Bộ phận Một cửa kiểm tra và tiếp nhận."),
    Status.RECEIVED: _("Hồ sơ đang được giải quyết. Ông/bà chờ đến ngày hẹn trả kết quả."),
    Status.PROCESSING: _("Hồ sơ đang được giải quyết. Ông/bà chờ đến ngày hẹn trả kết quả."),
    Status.AWAITING_SUPPLEMENT: _("Đề nghị ông/bà bổ sung các giấy tờ được nêu tại Bộ phận Một cửa."),
    Status.RESULT_READY: _("Đã có kết quả. Mời ông/bà mang giấy tiếp nhận hồ sơ và giấy tờ tùy thân "
                           "đến Bộ phận Một cửa để nhận kết quả."),
    Status.RETURNED: _("Đã trả kết quả. Cảm ơn ông/bà đã sử dụng dịch vụ."),
    Status.REFUSED: _("Hồ sơ không được tiếp nhận; xem lý do bên dưới."),
    Status.WITHDRAWN: _("Hồ sơ đã được rút theo đề nghị của người nộp."),
}

NOT_FOUND = _("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này.")


class LookupSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text=_("Mã hồ sơ trên giấy tiếp nhận"))
    secret = serializers.CharField(max_length=32, help_text=_("Mã tra cứu trên giấy tiếp nhận"))


class PublicEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()
    agency = serializers.CharField(allow_blank=True)


class StageSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    of = serializers.IntegerField()
    name = serializers.CharField()
    agency = serializers.CharField()


class PublicStatusSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField()
    receiving_agency = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField()
    national_status_code = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text=_("Ngày hẹn trả kết quả"))
    returned_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField(help_text="Quá hạn giải quyết theo quy định (reporting.rules.is_overdue).")
    is_past_appointment = serializers.BooleanField(help_text="Quá hẹn trả (reporting.rules.is_past_appointment).")
    extended = serializers.BooleanField()
    stage = StageSerializer(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    reasons = serializers.CharField(allow_blank=True)
    supplement_items = serializers.ListField(child=serializers.CharField())
    what_to_do = serializers.CharField()
    timeline = PublicEventSerializer(many=True)


_datetime = serializers.DateTimeField()


def _when(value):
    return None if value is None else _datetime.to_representation(value)


def public_status(snapshot: dict, now=None) -> dict:
    """The portal page's facts (onestop.screens.lookup's snapshot) as the API's JSON
    (PublicStatusSerializer's shape, built directly: no serializer pass on the hot path)."""
    now = now or clock.now()
    stage = snapshot["stage"]
    status = snapshot["status"]
    return {
        "code": snapshot["code"], "procedure": snapshot["procedure"], "receiving_agency": snapshot["receiving_agency"],
        "status": status, "status_display": str(Status(status).label),
        "national_status_code": NATIONAL_STATUS_CODE[status],
        "submitted_at": _when(snapshot["submitted_at"]), "received_at": _when(snapshot["received_at"]),
        "due_at": _when(snapshot["due_at"]), "returned_at": _when(snapshot["returned_at"]),
        "is_overdue": lookup.is_overdue(snapshot, now),
        "is_past_appointment": lookup.is_past_appointment(snapshot, now),
        "extended": snapshot["extended"],
        "stage": dict(stage) if stage else None,
        "outcome": snapshot["outcome"],
        "reasons": snapshot["outcome_reasons"] if lookup.show_outcome_reasons(snapshot) else "",
        "supplement_items": [str(item) for item in snapshot["supplement_items"]],
        "what_to_do": str(WHAT_TO_DO[status]),
        "timeline": [{"at": _when(at), "label": str(lookup.ACTION_TEXT[action]), "agency": agency}
                     for at, action, agency in snapshot["timeline"]],
    }


# A wrong code and a wrong secret are the same 404; no authentication, so never 401/403.
_GET_RESPONSES = {200: PublicStatusSerializer, **errors(400, 404, 429)}
_POST_RESPONSES = {200: PublicStatusSerializer, **errors(*BODY, 404, 429)}


class StatusView(APIView):
    """Tra cứu tình trạng hồ sơ: mã hồ sơ + mã tra cứu."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # Throttled inside the lookup (onestop.screens.lookup: failures per address, the portal's
    # budget), in the same cache round trip that fetches the snapshot.
    throttle_classes = []

    @extend_schema(summary="Tra cứu hồ sơ (GET)", responses=_GET_RESPONSES, parameters=[
        OpenApiParameter("code", str, required=True), OpenApiParameter("secret", str, required=True)])
    def get(self, request):
        return self._lookup(request, request.query_params)

    @extend_schema(summary="Tra cứu hồ sơ (POST, khuyến nghị: mã tra cứu không nằm trong URL)",
                   request=LookupSerializer, responses=_POST_RESPONSES, examples=[OpenApiExample(
                       "Giấy tiếp nhận", request_only=True,
                       value={"code": "000.01.06.H29-260302-0001", "secret": "ABCD2345"})])
    def post(self, request):
        return self._lookup(request, request.data)

    def _lookup(self, request, data):
        query = LookupSerializer(data=data)
        query.is_valid(raise_exception=True)
        code = query.validated_data["code"].strip().upper()
        try:  # the throttle and the snapshot come in one cache round trip
            snapshot = lookup.status_by_secret(request, code, query.validated_data["secret"])
        except lookup.Throttled:
            raise Throttled(wait=lookup.WINDOW_SECONDS) from None
        if snapshot is None:
            lookup.record_failure(request)
            return Response(error_body("not_found", NOT_FOUND), status=404)
        response = Response(public_status(snapshot))
        response["Cache-Control"] = "private, no-store"
        return response


# --- the thin path ---------------------------------------------------------------------------
# A well-formed lookup is answered here, below DRF (its request wrapping, negotiation, parser and
# serializer cost more than the lookup itself): the same JSON both ways, the same throttle and 404.
# Anything this path does not recognise as plainly valid (another method or media type, an Accept
# it would have to negotiate, a body past the limits, invalid JSON, a field DRF would refuse or
# coerce, a throttled address) goes to StatusView, which answers exactly as before, errors included.
# The URL maps to `status_view`, which carries StatusView's attributes, so the schema still
# documents StatusView (docs/decisions/0031-cached-lookup-page.md).

_MAX = {name: field.max_length for name, field in LookupSerializer().fields.items()}
_JSON = "application/json"
_JSON_DUMPS = {"ensure_ascii": False, "separators": (",", ":")}  # DRF's compact, unicode JSON


def _refuse_constant(name):
    raise ValueError(name)  # NaN / Infinity: not JSON (DRF's strict parser refuses them too)


def _field(data, name) -> str | None:
    """`data[name]` when DRF's CharField would take it unchanged but for the trimming; else None."""
    value = data.get(name)
    if type(value) is not str:
        return None
    value = value.strip()
    if not value or len(value) > _MAX[name] or "\x00" in value:
        return None
    try:
        value.encode()  # a lone surrogate: DRF refuses it
    except UnicodeEncodeError:
        return None
    return value


def _body(request):
    """The JSON object of a plainly valid POST body, or None (StatusView decides)."""
    if request.content_type != _JSON or request.content_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return None
    if not 0 <= length <= min(settings.API_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or length):
        return None
    raw = request.body
    if nesting_exceeds(raw, settings.API_MAX_JSON_DEPTH):
        return None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _thin(request):
    """The answer to a plainly valid lookup, or None."""
    if request.META.get("HTTP_ACCEPT", "*/*") not in ("*/*", _JSON):
        return None
    if request.method == "POST":
        data = _body(request)
    elif request.method == "GET":
        try:
            data = request.GET
        except SuspiciousOperation:  # too many fields: StatusView answers it in the API's error shape
            return None
    else:
        return None
    if data is None:
        return None
    code, secret = _field(data, "code"), _field(data, "secret")
    if code is None or secret is None:
        return None
    code = code.upper()
    key = answer_key(code)
    try:  # the throttle, the snapshot and the kept answer in one cache round trip
        snapshot, entry = lookup.status_by_secret_with(request, code, secret, key)
    except lookup.Throttled:
        return None  # StatusView answers the 429 (with Retry-After) from the same count
    if snapshot is None:
        lookup.record_failure(request)
        response = JsonResponse(error_body("not_found", NOT_FOUND), status=404, json_dumps_params=_JSON_DUMPS)
    else:
        response = HttpResponse(_answer(snapshot, key, entry), content_type=_JSON)
        response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Accept"
    return response


# --- the kept answer -------------------------------------------------------------------------
# A found dossier's JSON is the same for everyone who proved its secret: kept per dossier and language
# beside its snapshot, as the portal keeps its status page (onestop.portal.pages, ADR 0031), and ended
# the same way: the entry records the snapshot's revision and is served only beside that very snapshot,
# so the tombstone an event's commit leaves ends it. It is read in the lookup's one cache round trip and
# served only after the secret was checked against the snapshot. Its two answers that turn with time
# (is_overdue, is_past_appointment) are kept with the side of their instant the answer was built on.


def answer_key(code: str) -> str:
    """The kept answer of dossier `code` in the active language."""
    digest = hashlib.blake2b(code.encode(), digest_size=16).hexdigest()
    return f"api:status:{get_language() or settings.LANGUAGE_CODE}:{digest}"


def _sides(snapshot: dict, now) -> tuple:
    """Which side of each instant that changes the answer `now` is on (None: it never comes)."""
    return tuple(None if after is None else after < now
                 for after in (snapshot["overdue_after"], snapshot["past_appointment_after"]))


def _answer(snapshot: dict, key: str, entry) -> bytes:
    """The JSON of `snapshot`: the kept bytes when they were built from it and are true now; else built
    (and kept, when the snapshot is the cached one)."""
    now = clock.now()
    sides = _sides(snapshot, now)
    rev = snapshot.get("rev")
    if isinstance(entry, tuple) and len(entry) == 3 and rev and entry[0] == rev and entry[1] == sides:
        return entry[2]
    body = json.dumps(public_status(snapshot, now), cls=DjangoJSONEncoder, **_JSON_DUMPS).encode()
    if snapshot.get("stored", True) and rev:
        cache.set(key, (rev, sides, body), lookup.SNAPSHOT_SECONDS)
    return body


_status_view = StatusView.as_view()


@functools.wraps(_status_view)  # StatusView's attributes (cls, initkwargs, csrf_exempt): the schema reads them
def status_view(request, *args, **kwargs):
    answer = _thin(request)
    return answer if answer is not None else _status_view(request, *args, **kwargs)
