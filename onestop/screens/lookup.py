"""Finding a dossier for a citizen, throttling guessers, and what the public may see of it.

Shared by the portal's status page and the API's status endpoint, so both doors give the
same answers and count failures against the same per-address budget.

A wrong secret, an unknown code and another dossier's code are the same "not found", in
answer and in work (the secret is hashed even when no dossier matches). Failures are
counted per client address in the cache; in production the cache must be shared by all
web nodes (docs/worker.md), or each node counts on its own.
"""
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting import rules
from workflows import codes
from workflows.models import Dossier
from workflows.statuses import Status

WINDOW_SECONDS = 15 * 60
_DUMMY_HASH = "0" * 64

# Plain Vietnamese for the timeline; internal actions (assign, unassign) are left out.
ACTION_TEXT = {
    "submit_online": _("Nộp hồ sơ trực tuyến"),
    "receive": _("Tiếp nhận hồ sơ"),
    "accept_online": _("Tiếp nhận hồ sơ trực tuyến"),
    "refuse": _("Từ chối tiếp nhận hồ sơ"),
    "refuse_at_counter": _("Từ chối tiếp nhận hồ sơ"),
    "start_processing": _("Bắt đầu giải quyết"),
    "complete_step": _("Hoàn thành một bước, chuyển bước tiếp theo"),
    "request_supplement": _("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "supplement_received": _("Đã nhận hồ sơ bổ sung"),
    "extend": _("Gia hạn, hẹn lại ngày trả kết quả"),
    "decide": _("Đã có kết quả giải quyết"),
    "return_result": _("Đã trả kết quả"),
    "withdraw": _("Rút hồ sơ"),
    "request_payment": _("Thông báo thực hiện nghĩa vụ tài chính"),
    "payment_received": _("Đã hoàn thành nghĩa vụ tài chính"),
    "stop": _("Dừng giải quyết theo đề nghị"),
}


def client_address(request) -> str:
    """The client's address; behind N trusted proxies, the N-th address from the right of X-Forwarded-For."""
    hops = getattr(settings, "PORTAL_TRUSTED_PROXIES", 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _key(request) -> str:
    return f"portal:lookup-failures:{client_address(request)}"


def is_throttled(request) -> bool:
    return cache.get(_key(request), 0) >= settings.PORTAL_LOOKUP_MAX_FAILURES


def record_failure(request):
    key = _key(request)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_SECONDS)


def _load(code: str) -> Dossier | None:
    return (
        Dossier.objects.select_related("procedure", "receiving_agency")
        .filter(code=code).first()
    )


def by_secret(code: str, secret: str) -> Dossier | None:
    dossier = _load(code)
    matched = codes.secret_matches(secret, dossier.lookup_secret_hash if dossier else _DUMMY_HASH)
    return dossier if dossier is not None and matched else None


def by_token(token: str) -> Dossier | None:
    code = codes.read_lookup_token(token or "")
    return _load(code) if code else None


def public_view(dossier: Dossier) -> dict:
    """What the status page shows: no applicant data, no staff names, no staff notes."""
    events = list(dossier.events.select_related("agency"))
    counter = dossier.receiving_agency.name
    timeline = [
        {"at": e.at, "text": ACTION_TEXT[e.action],
         "agency": e.agency.name if e.agency_id else (counter if e.action in ("receive", "submit_online") else "")}
        for e in events if e.action in ACTION_TEXT
    ]
    step = dossier.current_plan_step if rules.is_clock_running(dossier) else None
    todo_items = []
    if dossier.status == Status.AWAITING_SUPPLEMENT:
        requests = [e for e in events if e.action == "request_supplement"]
        todo_items = requests[-1].data.get("items", []) if requests else []
    return {
        "dossier": dossier,
        "timeline": timeline,
        "stage": step and {"name": step["name"], "agency": step["agency_name"]},
        "supplement_items": todo_items,
        # the citizen's promise; while waiting for the citizen the clock stands still (rules)
        "past_appointment": rules.is_past_appointment(dossier, timezone.now()),
        "show_outcome_reasons": dossier.status in (Status.REFUSED, Status.RESULT_READY, Status.RETURNED)
        and (dossier.status == Status.REFUSED or dossier.outcome == "denied"),
    }
