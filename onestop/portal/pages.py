"""The status page, rendered once per dossier, language and door, and kept in the cache.

A status page is the same for everyone who may see it, so its HTML is kept beside the dossier's
public snapshot (onestop.screens.lookup) and served from it as bytes: a lookup that hits it costs
one cache round trip and no template. One invalidation for both: the page records the snapshot
revision it was rendered from and is served only while the cached snapshot has that revision; the
tombstone an event's commit leaves (lookup.on_event_committed) ends the snapshot, so the next
snapshot read has a new revision and every page of the old one is dead.

What may be kept (docs/decisions/0031-cached-lookup-page.md):
- **No CSRF token, no session, no messages.** It is rendered without the request, so `{% csrf_token %}`
  renders nothing and no CSRF cookie is set; its only form, the language switch, posts to the portal's
  own CSRF-exempt language view (a cookie of display preference). A page carrying a form that does need
  the token (the satisfaction rating, the online supplement) is not kept: it is rendered per request.
  A request holding a message (after a rating) is rendered per request, so it shows it.
- **The instant.** "Past the appointment" turns true at a known instant: the page records which side of
  it it was rendered on and is served only on that side.
- **The address.** The language switch's "next" is the request's own path, put in at serving time.
"""
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language, get_language_bidi

from onestop.screens.lookup import SNAPSHOT_SECONDS

from .public import PUBLIC_CONTEXT

TEMPLATE = "portal/status.html"
# Placeholder for the request's path in the language switch's "next" (plain letters: escaping keeps it).
_NEXT = "onestopnextpath0c1f"
_MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage (the portal's messages)


class _PathOnly:
    """Stands in for the request in the kept render: base.html reads only its path."""

    @staticmethod
    def get_full_path():
        return _NEXT


def page_key(code: str, door: str) -> str:
    """The kept page of dossier `code` for `door` ("t": the QR link, "s": the bookmark) in the active language."""
    digest = hashlib.blake2b(code.encode(), digest_size=16).hexdigest()
    return f"portal:page:{door}:{get_language() or settings.LANGUAGE_CODE}:{digest}"


def wants_fresh(request) -> bool:
    """A message to show (it waits in its cookie until shown): this request gets its own render."""
    return _MESSAGES_COOKIE in request.COOKIES


def keepable(context: dict) -> bool:
    """Whether a status page's context makes a page that may be kept: no form needing a CSRF token."""
    return not (context.get("rating_form") or context.get("supplement_form"))


def _past(snapshot: dict, now) -> bool | None:
    """Whether the page shows "past the appointment" at `now`; None when that can never change."""
    after = snapshot["past_appointment_after"]
    return None if after is None else after < now  # lookup.is_past_appointment


def render(context: dict) -> bytes:
    """The status page without the request: no CSRF token, no session, no messages."""
    full = {
        **PUBLIC_CONTEXT, **context, "request": _PathOnly, "messages": (),
        "LANGUAGE_CODE": get_language(), "LANGUAGES": settings.LANGUAGES, "LANGUAGE_BIDI": get_language_bidi(),
        "language_view": "portal:language",
    }
    return render_to_string(TEMPLATE, full).encode()


def serve(request, body: bytes, status=200) -> HttpResponse:
    path = escape(request.get_full_path()).encode()
    return HttpResponse(body.replace(_NEXT.encode(), path), content_type="text/html; charset=utf-8", status=status)


def cached(snapshot: dict, entry) -> bytes | None:
    """The kept page `entry` if it was rendered from this very snapshot and is still true now."""
    if not (isinstance(entry, tuple) and len(entry) == 3) or entry[0] != snapshot.get("rev"):
        return None
    _rev, past, body = entry
    return body if past is None or past == _past(snapshot, timezone.now()) else None


def keep(key: str, snapshot: dict, body: bytes):
    """Keep `body`, rendered from `snapshot`, unless that snapshot is not the cached one."""
    if snapshot.get("stored", True) and snapshot.get("rev"):
        cache.set(key, (snapshot["rev"], _past(snapshot, timezone.now()), body), SNAPSHOT_SECONDS)
