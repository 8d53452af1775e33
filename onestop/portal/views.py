"""The citizens' portal (Cổng tra cứu): status lookup, online supplement and satisfaction rating.
Public, no login.

Pages that show a dossier are never cached (`never_cache`): they are reached with a secret.
The lookup reads the dossier's public snapshot (onestop.screens.lookup: no query when it is
cached) and never touches the session: the page is the same for everyone, so it shows no
login state (`user` is anonymous in its context) and a lookup sets no session cookie.

Code and secret are POSTed (the secret stays out of URLs and logs); the answer is a redirect to
the status page with a signed token (`?s=`, `status_token`), a page the citizen can bookmark or
reload. That token proves the secret was known (it carries a fingerprint of its hash), so it
also lets the applicant of an online dossier upload a requested supplement; a reissued secret
revokes it. The receipt's QR link (`?t=`) shows the status only. Behind the status token too: the
download of the electronic result (`result`, with the same `?s=`), served as an attachment only
when its bytes match the hash recorded when it was issued.
"""
import functools
import hashlib

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from onestop.screens import lookup
from onestop.screens.files import open_or_refuse
from workflows import services, uploads
from workflows.codes import lookup_keys, make_lookup_token, read_lookup_token
from workflows.errors import DomainError, InvalidInput
from workflows.models import Channel, Dossier, DossierFile, FileKind
from workflows.statuses import Status

from . import pages
from .forms import LookupForm, RatingForm, SupplementForm
from .public import public_page as _page

_STATUS_SALT = "onestop.portal.status"


def _fingerprint(secret_hash: str) -> str:
    return hashlib.blake2b((secret_hash or "").encode(), digest_size=8, person=b"onestop-st").hexdigest()


def status_token(code: str, secret_hash: str) -> str:
    """The status page's bookmarkable token: the code and a fingerprint of the secret's hash, signed
    with the lookup key (codes.lookup_keys), so it is void once the secret is reissued."""
    return signing.Signer(key=lookup_keys()[0], salt=_STATUS_SALT).sign(f"{code}|{_fingerprint(secret_hash)}")


def read_status_token(token: str) -> tuple[str, str] | None:
    current, *old = lookup_keys()
    try:
        value = signing.Signer(key=current, fallback_keys=old, salt=_STATUS_SALT).unsign(token or "")
    except signing.BadSignature:
        return None
    code, _sep, fingerprint = value.rpartition("|")
    return (code, fingerprint) if code and fingerprint else None


def status_url(code: str, secret_hash: str) -> str:
    return f"{reverse('portal:index')}?{urlencode({'s': status_token(code, secret_hash)})}"


def _see_other(url):
    """303: the browser GETs the status page (reload and bookmark safe)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _proven(snapshot: dict, fingerprint: str) -> bool:
    return not snapshot["absent"] and bool(snapshot["secret_hash"]) and \
        _fingerprint(snapshot["secret_hash"]) == fingerprint


def _throttled(request):
    return _page(request, "portal/throttled.html", {}, status=429)


def _not_found(request):
    # One answer for a wrong secret, an unknown code, another's code or a bad token; the typed
    # code is not echoed, so the page is byte-for-byte the same (apart from the CSRF token).
    return _page(request, "portal/index.html", {"form": LookupForm(), "not_found": True}, status=404)


def _submitted_online(snapshot: dict) -> bool:
    return any(action == "submit_online" for _at, action, _agency in snapshot["timeline"])


def _sent_since_request(snapshot: dict):
    """The files the applicant sent online since the last supplement request (one query)."""
    asked = [at for at, action, _agency in snapshot["timeline"] if action == "request_supplement"]
    if not asked:
        return []
    return list(DossierFile.objects.filter(dossier__code=snapshot["code"], uploaded_at__gte=asked[-1])
                .order_by("uploaded_at", "pk").values("original_name", "uploaded_at"))


def _status(request, snapshot, *, token=None, supplement_form=None, status=200):
    """The status page; `token` (the status token) when the secret was proven: the supplement form."""
    return _page(request, pages.TEMPLATE, _status_context(snapshot, token=token, supplement_form=supplement_form),
                 status=status)


def _kept_status(request, snapshot, key, entry, *, token=None):
    """The status page from the cache when it was kept from this snapshot; else rendered (and kept
    when it may be: onestop.portal.pages)."""
    fresh = pages.wants_fresh(request)
    body = None if fresh else pages.cached(snapshot, entry)
    if body is not None:
        return pages.serve(request, body)
    context = _status_context(snapshot, token=token)
    if fresh or not pages.keepable(context):
        return _page(request, pages.TEMPLATE, context)
    body = pages.render(context)
    pages.keep(key, snapshot, body)
    return pages.serve(request, body)


def _status_context(snapshot, *, token=None, supplement_form=None) -> dict:
    context = lookup.public_view(snapshot)
    if snapshot["status"] == Status.RETURNED and context["rating"] is None:
        context["rating_form"] = RatingForm(initial={"token": make_lookup_token(snapshot["code"])})
    awaiting = snapshot["status"] == Status.AWAITING_SUPPLEMENT
    context["awaiting_supplement"] = awaiting
    if awaiting and token and _submitted_online(snapshot):
        context["supplement_form"] = supplement_form or SupplementForm(initial={"token": token})
        context["sent_files"] = _sent_since_request(snapshot)
    if token:
        context["bookmark"] = f"{reverse('portal:index')}?{urlencode({'s': token})}"
        # Only a decided dossier can have a result: no query before then (the cached page sends none).
        decided = snapshot["status"] in (Status.RESULT_READY, Status.RETURNED)
        result = _result_file(snapshot["code"]) if decided else None
        if result is not None:
            context["result"] = {"code": result.result_code,
                                 "url": f"{reverse('portal:result')}?{urlencode({'s': token})}"}
    return context


def _result_file(code: str) -> DossierFile | None:
    """The electronic result of the dossier `code`, if its decision issued one (one query)."""
    return (DossierFile.objects.filter(dossier__code=code, kind=FileKind.RESULT)
            .only("dossier_id", "stored_name", "original_name", "content_type", "sha256", "result_code")
            .order_by("-pk").first())


_NEVER = "max-age=0, no-cache, no-store, must-revalidate, private"  # what never_cache writes on a bare response


def _never_cache(view):
    """Django's `never_cache` for the lookup's door: on a response without caching headers yet (the kept
    status page) it writes the same two headers at once instead of parsing and rebuilding Cache-Control."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.has_header("Cache-Control") or response.has_header("Expires"):
            add_never_cache_headers(response)
        else:
            response.headers["Expires"] = http_date()
            response.headers["Cache-Control"] = _NEVER
        return response
    return wrapped


@_never_cache
def index(request):
    """Tra cứu hồ sơ: code + secret (POST, answered by a redirect to `?s=`), `?s=` or a QR link's `?t=`."""
    bookmark = request.GET.get("s")
    if bookmark and request.method != "POST":
        return _by_status_token(request, bookmark)
    token = request.GET.get("t")
    if token and request.method != "POST":
        return _by_qr_token(request, token)
    if request.method != "POST":
        return _page(request, "portal/index.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _page(request, "portal/index.html", {"form": form}, status=400)
    try:  # the throttle and the snapshot come in one cache round trip
        snapshot = lookup.status_by_secret(request, form.cleaned_data["code"], form.cleaned_data["secret"])
    except lookup.Throttled:
        return _throttled(request)
    if snapshot is None:
        lookup.record_failure(request)
        return _not_found(request)
    # POST, redirect, GET: the page can be reloaded and bookmarked
    return _see_other(status_url(snapshot["code"], snapshot["secret_hash"]))


def _by_qr_token(request, token):
    """The receipt's QR link: the throttle, the snapshot and the kept page in one cache round trip."""
    code = read_lookup_token(token)
    if not code:
        if lookup.is_throttled(request):
            return _throttled(request)
        lookup.record_failure(request)
        return _not_found(request)
    key = pages.page_key(code, "t")
    try:
        snapshot, entry = lookup.snapshot_with(request, code, key)
    except lookup.Throttled:
        return _throttled(request)
    if snapshot["absent"]:
        lookup.record_failure(request)
        return _not_found(request)
    return _kept_status(request, snapshot, key, entry)


def _by_status_token(request, token):
    read = read_status_token(token)
    if read is None:
        if lookup.is_throttled(request):
            return _throttled(request)
        lookup.record_failure(request)
        return _not_found(request)
    code, fingerprint = read
    key = pages.page_key(code, "s")
    snapshot, entry = lookup.snapshot_with(None, code, key)  # unforgeable: no throttle round trip
    if not _proven(snapshot, fingerprint):  # the secret was reissued since: not even a kept page
        return _not_found(request)
    return _kept_status(request, snapshot, key, entry, token=token)


def _supplement_dossier(token) -> Dossier | None:
    read = read_status_token(token)
    if read is None:
        return None
    code, fingerprint = read
    dossier = Dossier.objects.select_related("procedure", "receiving_agency").filter(code=code).first()
    if dossier is None or _fingerprint(dossier.lookup_secret_hash) != fingerprint:
        return None
    return dossier


@never_cache
def result(request):
    """Tải kết quả điện tử: the signed result PDF, for the holder of the status token (`?s=`, the proof
    that the lookup secret was known); any other token gets the lookup's one "not found" answer."""
    token = request.GET.get("s", "")
    if lookup.is_throttled(request):
        return _throttled(request)
    dossier = _supplement_dossier(token)
    stored = _result_file(dossier.code) if dossier is not None else None
    if stored is None:
        lookup.record_failure(request)
        return _not_found(request)
    handle, refused = open_or_refuse(stored)  # a result that no longer matches its hash: 410
    if refused is not None:
        return refused
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


@never_cache
@require_POST
def supplement(request):
    """Nộp bổ sung trực tuyến: the applicant of an online dossier sends the files asked for; every file is
    checked before any is stored, and all are attached in one transaction. The counter then checks them
    and records the supplement received (services.supplement_received), which restarts the clock."""
    if lookup.is_throttled(request):
        return _throttled(request)
    token = request.POST.get("token", "")
    dossier = _supplement_dossier(token)
    if dossier is None:
        lookup.record_failure(request)
        return _not_found(request)
    form = SupplementForm(request.POST, request.FILES)
    checked = []
    if form.is_valid():
        for upload in form.cleaned_data["files"]:
            try:
                checked.append(uploads.check(upload))
            except InvalidInput as exc:
                form.add_error("files", str(exc.message))
    status = 400
    if form.is_valid() and not (dossier.status == Status.AWAITING_SUPPLEMENT and dossier.channel == Channel.ONLINE):
        form.add_error(None, _("Hồ sơ không ở trạng thái chờ bổ sung trực tuyến."))
        status = 409
    if form.is_valid():
        attached = []
        try:
            with transaction.atomic():
                for file in checked:
                    attached.append(services.attach_file(dossier, checked_file=file))
        except DomainError as exc:
            uploads.remove(f.stored_name for f in attached)
            form.add_error(None, str(exc.message))
            status = exc.http_status
        except BaseException:
            uploads.remove(f.stored_name for f in attached)
            raise
        else:
            messages.success(request, _("Đã gửi %(n)s tệp bổ sung. Bộ phận Một cửa sẽ kiểm tra và thông báo cho "
                                        "ông/bà.") % {"n": len(attached)})
            return _see_other(status_url(dossier.code, dossier.lookup_secret_hash))
    snapshot = lookup.snapshot_of(dossier)
    return _status(request, snapshot, token=token, supplement_form=form, status=status)


@never_cache
@require_POST
def rate(request):
    """Đánh giá mức độ hài lòng: once per dossier, after the result was returned."""
    if lookup.is_throttled(request):
        return _throttled(request)
    form = RatingForm(request.POST)
    dossier = lookup.by_token(request.POST.get("token", ""))
    if dossier is None:
        lookup.record_failure(request)
        return _not_found(request)
    status = 400
    if form.is_valid():
        try:
            services.rate(dossier, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
        except DomainError as exc:  # not returned yet, already rated, or a concurrent rating
            form.add_error("rating", str(exc.message))  # the page shows the rating field's errors
            status = exc.http_status
        else:
            messages.success(request, _("Cảm ơn ông/bà đã đánh giá."))
            return redirect(f"{reverse('portal:index')}?t={make_lookup_token(dossier.code)}")
    context = lookup.public_view(lookup.snapshot_of(dossier))
    context.update(rating=None, rating_form=form)
    return _page(request, "portal/status.html", context, status=status)
