"""The citizens' portal (Cổng tra cứu): status lookup and satisfaction rating. Public, no login.

Pages that show a dossier are never cached (`never_cache`): they are reached with a secret.
The lookup reads the dossier's public snapshot (onestop.screens.lookup: no query when it is
cached) and never touches the session: the page is the same for everyone, so it shows no
login state (`user` is anonymous in its context) and a lookup sets no session cookie.
"""
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from onestop.screens import lookup
from workflows import services
from workflows.codes import make_lookup_token
from workflows.errors import DomainError
from workflows.statuses import Status

from .forms import LookupForm, RatingForm

# The public pages' context: no request.user (a session read) behind the navigation.
_PUBLIC = {"user": AnonymousUser(), "user_roles": frozenset()}


def _page(request, template, context, status=200):
    return render(request, template, {**_PUBLIC, **context}, status=status)


def _throttled(request):
    return _page(request, "portal/throttled.html", {}, status=429)


def _not_found(request):
    # One answer for a wrong secret, an unknown code, another's code or a bad token; the typed
    # code is not echoed, so the page is byte-for-byte the same (apart from the CSRF token).
    return _page(request, "portal/index.html", {"form": LookupForm(), "not_found": True}, status=404)


def _status(request, snapshot):
    context = lookup.public_view(snapshot)
    if snapshot["status"] == Status.RETURNED and context["rating"] is None:
        context["rating_form"] = RatingForm(initial={"token": make_lookup_token(snapshot["code"])})
    return _page(request, "portal/status.html", context)


@never_cache
def index(request):
    """Tra cứu hồ sơ: code + secret (POST, so the secret stays out of URLs and logs) or ?t=token."""
    token = request.GET.get("t")
    if not token and request.method != "POST":
        return _page(request, "portal/index.html", {"form": LookupForm()})
    form = None if token else LookupForm(request.POST)
    if form is not None and not form.is_valid():
        return _page(request, "portal/index.html", {"form": form}, status=400)
    try:  # the throttle and the snapshot come in one cache round trip
        if token:
            snapshot = lookup.status_by_token(request, token)
        else:
            snapshot = lookup.status_by_secret(request, form.cleaned_data["code"], form.cleaned_data["secret"])
    except lookup.Throttled:
        return _throttled(request)
    if snapshot is None:
        lookup.record_failure(request)
        return _not_found(request)
    return _status(request, snapshot)


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
