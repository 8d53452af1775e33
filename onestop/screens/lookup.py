"""Finding a dossier for a citizen, throttling guessers, and what the public may see of it.

Shared by the portal's status page and the API's status endpoint, so both doors give the
same answers and count failures against the same per-address budget.

A wrong secret, an unknown code and another dossier's code are the same "not found", in
answer and in work (the secret is hashed even when no dossier matches). Failures are
counted per client address in the cache; in production the cache must be shared by all
web nodes (docs/worker.md), or each node counts on its own.

What the public sees of a dossier is a snapshot kept in the same cache, per dossier code
(`status_snapshot`): plain values, no model instances and no translated text, so a lookup
that hits it sends no query and the page or JSON is rendered in the reader's language and
at the reader's instant. Every committed event of the dossier (`audit.event_committed`, in
`on_event_committed`) replaces it by a short-lived tombstone, so the next lookup reads the
database again; a snapshot read before that commit cannot be stored over the tombstone
(`cache.add`). Catalog renames (a procedure's or an agency's name) have no event: they show
once the snapshot expires (SNAPSHOT_SECONDS). An unknown code gets a snapshot too ("absent"),
so a miss costs the same work as a hit; a new dossier's first event replaces it.
"""
import hashlib
import logging
import secrets
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from onestop.cache import get_many
from reporting import rules
from workflows import codes
from workflows.models import Dossier, DossierEvent, Outcome, Rating, SatisfactionRating
from workflows.statuses import PUBLIC_ACTION_TEXT, Status, national_status_word

logger = logging.getLogger("onestop.portal")

WINDOW_SECONDS = 15 * 60
SNAPSHOT_SECONDS = 30 * 60
# How long after an event lookups of its dossier skip the cache: longer than any request that
# read the dossier before the event committed takes to store what it read.
TOMBSTONE_SECONDS = 60
_TOMBSTONE = "stale"
_SNAPSHOT_VERSION = 2  # 2: each snapshot read carries a revision ("rev") for the pages rendered from it
_DUMMY_HASH = "0" * 64

ACTION_TEXT = PUBLIC_ACTION_TEXT


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
    return Dossier.objects.select_related("procedure", "receiving_agency").filter(code=code).first()


def by_secret(code: str, secret: str) -> Dossier | None:
    """The dossier itself (to act on it: the rating), from the database; lookups use `status_by_secret`."""
    dossier = _load(code)
    matched = codes.secret_matches(secret, dossier.lookup_secret_hash if dossier else _DUMMY_HASH)
    return dossier if dossier is not None and matched else None


def by_token(token: str) -> Dossier | None:
    code = codes.read_lookup_token(token or "")
    return _load(code) if code else None


# --- the public snapshot of a dossier ------------------------------------------------------


def _snapshot_key(code: str) -> str:
    # Hashed: a typed code may hold any character, and the key stays short for any cache backend.
    return f"portal:status:{_SNAPSHOT_VERSION}:{hashlib.blake2b(code.encode(), digest_size=16).hexdigest()}"


def _absent() -> dict:
    return {"absent": True, "secret_hash": _DUMMY_HASH}


def snapshot_of(dossier: Dossier) -> dict:
    """What the public may see of `dossier`, as plain values (two queries: events, rating).

    Nothing here depends on the instant or the language: the rules' "is it late" is kept as the
    instant it becomes late, and texts as their codes.
    """
    events = list(
        DossierEvent.objects.filter(dossier_id=dossier.pk, action__in=list(ACTION_TEXT))
        .order_by("seq").values_list("at", "action", "agency__name", "data")
    )
    running = rules.is_clock_running(dossier)
    step = dossier.current_plan_step if running else None
    counter = dossier.receiving_agency.name
    requests = [data for _, action, _, data in events if action == "request_supplement"]
    return {
        "absent": False,
        "secret_hash": dossier.lookup_secret_hash or "",
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "receiving_agency": counter,
        "status": dossier.status,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "returned_at": dossier.returned_at,
        # reporting.rules.is_overdue / is_past_appointment: the clock runs and this instant has passed
        "overdue_after": dossier.original_due_at if running else None,
        "past_appointment_after": dossier.due_at if running else None,
        "extended": dossier.extension_count > 0,
        "stage": step and {"step": dossier.current_step + 1, "of": len(dossier.plan), "name": step["name"],
                           "agency": step["agency_name"]},
        "outcome": dossier.outcome,
        "outcome_reasons": dossier.outcome_reasons,
        "supplement_items": list(requests[-1].get("items", [])) if requests and
        dossier.status == Status.AWAITING_SUPPLEMENT else [],
        "timeline": [
            (at, action, agency or (counter if action in ("receive", "submit_online") else ""))
            for at, action, agency, _ in events
        ],
        "rating": SatisfactionRating.objects.filter(dossier_id=dossier.pk).values_list("rating", flat=True).first(),
    }


_SNAPSHOT_FIELDS = (
    "code", "lookup_secret_hash", "status", "submitted_at", "received_at", "due_at", "original_due_at",
    "returned_at", "resolved_at", "closed_at", "extension_count", "plan", "current_step", "outcome",
    "outcome_reasons", "procedure__name", "receiving_agency__name",
)


def _read(code: str) -> dict:
    found = Dossier.objects.select_related("procedure", "receiving_agency").only(*_SNAPSHOT_FIELDS)
    dossier = next(iter(found.filter(code=code).order_by()[:1]), None)  # the code is unique: no ORDER BY
    return snapshot_of(dossier) if dossier is not None else _absent()


class Throttled(Exception):
    """Too many failed lookups from this address: even the right secret waits."""


def _snapshot(key: str, cached, code: str) -> dict:
    """The cached snapshot, or a fresh read. A fresh read gets a new revision ("rev"): what is cached
    from a snapshot (a rendered page, onestop.portal.pages) is served only beside the same revision,
    so the tombstone that ends a snapshot ends them too. "stored" is False when the read was not
    cached (after a tombstone, or another request stored its own first): nothing is built on it."""
    if isinstance(cached, dict) and cached.get("v") == _SNAPSHOT_VERSION:
        return cached
    fresh = {**_read(code), "v": _SNAPSHOT_VERSION, "rev": secrets.token_hex(8)}
    # not after a tombstone: what we read may predate the event that left it
    stored = cached is None and cache.add(key, fresh, SNAPSHOT_SECONDS)
    return {**fresh, "stored": bool(stored)}


def status_snapshot(code: str) -> dict:
    """The public snapshot of the dossier `code` names (or an "absent" one): from the cache when it can."""
    key = _snapshot_key(code)
    return _snapshot(key, cache.get(key), code)


def snapshot_with(request, code: str, other: str):
    """The snapshot of `code` and the cached value of the key `other`, in one cache round trip;
    with a `request`, its address's failure count too (raises Throttled), else no throttle."""
    failures, key = (_key(request) if request is not None else None), _snapshot_key(code)
    found = get_many([k for k in (failures, key, other) if k])
    if failures and found.get(failures, 0) >= settings.PORTAL_LOOKUP_MAX_FAILURES:
        raise Throttled
    return _snapshot(key, found.get(key), code), found.get(other)


def _checked_snapshot(request, code: str) -> dict:
    """The address's failure count and the snapshot in one cache round trip; raises Throttled."""
    failures, key = _key(request), _snapshot_key(code)
    found = get_many([failures, key])
    if found.get(failures, 0) >= settings.PORTAL_LOOKUP_MAX_FAILURES:
        raise Throttled
    return _snapshot(key, found.get(key), code)


def status_by_secret(request, code: str, secret: str) -> dict | None:
    """The snapshot, if `secret` is the dossier's (checked in constant time, even for an unknown
    code); raises Throttled when the address has failed too often."""
    snapshot = _checked_snapshot(request, code)
    matched = codes.secret_matches(secret, snapshot["secret_hash"])
    return snapshot if matched and not snapshot["absent"] else None


def status_by_secret_with(request, code: str, secret: str, other: str):
    """`status_by_secret` and the cached value of the key `other`, in the same one cache round trip."""
    snapshot, value = snapshot_with(request, code, other)
    matched = codes.secret_matches(secret, snapshot["secret_hash"])
    return (snapshot if matched and not snapshot["absent"] else None), value


def status_by_token(request, token: str) -> dict | None:
    """The snapshot of the dossier a QR link's token names; raises Throttled like `status_by_secret`."""
    code = codes.read_lookup_token(token or "")
    if not code:
        if is_throttled(request):
            raise Throttled
        return None
    snapshot = _checked_snapshot(request, code)
    return None if snapshot["absent"] else snapshot


def on_event_committed(sender, event, **kwargs):
    """Receiver of `audit.event_committed`: the dossier's snapshot is stale. Never raises."""
    try:
        cache.set(_snapshot_key(event.dossier.code), _TOMBSTONE, TOMBSTONE_SECONDS)
    except Exception:  # the dossier's change stands; the snapshot expires within SNAPSHOT_SECONDS
        logger.exception("could not invalidate the public status of dossier %s", event.dossier_id)


def is_past_appointment(snapshot: dict, now) -> bool:
    after = snapshot["past_appointment_after"]
    return after is not None and after < now


def is_overdue(snapshot: dict, now) -> bool:
    after = snapshot["overdue_after"]
    return after is not None and after < now


def show_outcome_reasons(snapshot: dict) -> bool:
    status = snapshot["status"]
    return status == Status.REFUSED or (status in (Status.RESULT_READY, Status.RETURNED)
                                        and snapshot["outcome"] == Outcome.DENIED)


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def public_view(snapshot: dict) -> dict:
    """The status page's context: no applicant data, no staff names, no staff notes."""
    status, outcome = snapshot["status"], snapshot["outcome"]
    dossier = SimpleNamespace(
        code=snapshot["code"], status=status, procedure=SimpleNamespace(name=snapshot["procedure"]),
        receiving_agency=SimpleNamespace(name=snapshot["receiving_agency"]),
        received_at=snapshot["received_at"], due_at=snapshot["due_at"], returned_at=snapshot["returned_at"],
        outcome=outcome, outcome_reasons=snapshot["outcome_reasons"],
        get_status_display=lambda: _label(Status, status),
        national_status_word=national_status_word(status),
        get_outcome_display=lambda: _label(Outcome, outcome) if outcome else "",
    )
    rating = snapshot["rating"]
    return {
        "dossier": dossier,
        "timeline": [{"at": at, "text": ACTION_TEXT[action], "agency": agency}
                     for at, action, agency in snapshot["timeline"]],
        "stage": snapshot["stage"] and {"name": snapshot["stage"]["name"], "agency": snapshot["stage"]["agency"]},
        "supplement_items": snapshot["supplement_items"],
        # the citizen's promise; while waiting for the citizen the clock stands still (rules)
        "past_appointment": is_past_appointment(snapshot, timezone.now()),
        "show_outcome_reasons": show_outcome_reasons(snapshot),
        "rating": rating and SimpleNamespace(rating=rating, get_rating_display=lambda: _label(Rating, rating)),
    }
