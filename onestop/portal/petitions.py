"""Phản ánh, kiến nghị on the public portal: send one (petitions.services.receive) and read the
published answers. Public, no login, no session read (`public_page`).

Naming a dossier needs its code and secret, checked like the lookup and under the lookup's
throttle (a wrong pair counts as a failed lookup). Sending is limited per address too
(PETITIONS_PER_WINDOW in WINDOW_SECONDS), so the form cannot flood a centre's inbox.
"""
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from onestop.screens import lookup
from petitions import services
from petitions.models import Petition, PetitionChannel, PetitionState
from procedures.models import AdministrativeUnit, Agency
from workflows.errors import DomainError

from .forms import PetitionForm
from .public import public_page

WINDOW_SECONDS = 60 * 60
PETITIONS_PER_WINDOW = getattr(settings, "PORTAL_PETITIONS_PER_HOUR", 5)
PAGE_SIZE = 20


def _sent_key(request) -> str:
    return f"portal:petitions-sent:{lookup.client_address(request)}"


def _too_many(request) -> bool:
    return cache.get(_sent_key(request), 0) >= PETITIONS_PER_WINDOW


def _count_sent(request):
    key = _sent_key(request)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_SECONDS)


def _offices() -> list[Agency]:
    """The one-stop counters in force (the centres, their branches and reception points)."""
    return list(Agency.objects.in_force().filter(kind__is_one_stop_counter=True,
                                                 unit__in=AdministrativeUnit.objects.in_force())
                .select_related("unit__level").order_by("unit__name", "name"))


def _form_page(request, form, status=200):
    return public_page(request, "portal/petition_form.html", {"form": form}, status=status)


def _throttled(request):
    return public_page(request, "portal/petition_throttled.html", {}, status=429)


@never_cache
def send(request):
    """Gửi phản ánh, kiến nghị: POST, redirect, GET (the message names the petition's number)."""
    if request.method != "POST":
        return _form_page(request, PetitionForm(agencies=_offices()))
    if _too_many(request) or lookup.is_throttled(request):
        return _throttled(request)
    form = PetitionForm(request.POST, agencies=_offices())
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    dossier = None
    if data["dossier_code"]:
        dossier = lookup.by_secret(data["dossier_code"], data["secret"])
        if dossier is None:
            lookup.record_failure(request)
            form.add_error("dossier_code", _("Không tìm thấy hồ sơ với mã hồ sơ và mã bí mật đã nhập."))
            return _form_page(request, form, status=400)
    try:
        petition = services.receive(
            text=data["text"], agency=data["agency"], dossier=dossier, channel=PetitionChannel.PUBLIC,
            petitioner_name=data["name"], petitioner_contact=data["contact"],
            classification=data["classification"],
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _form_page(request, form, status=exc.http_status)
    _count_sent(request)
    messages.success(request, _("Đã gửi phản ánh, kiến nghị số %(ref)s tới %(office)s. Kết quả xử lý sẽ được "
                                "gửi tới ông/bà và công khai tại trang kết quả.")
                     % {"ref": petition.reference, "office": petition.agency.name})
    response = HttpResponseRedirect(reverse("portal:petition_send"))
    response.status_code = 303
    return response


def published(request):
    """Kết quả xử lý phản ánh, kiến nghị: the published answers, newest first (never the sender)."""
    qs = (Petition.objects.filter(state=PetitionState.PUBLISHED).select_related("agency")
          .only("pk", "received_at", "published_at", "classification", "text", "answer", "agency__name")
          .order_by("-published_at", "-pk"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return public_page(request, "portal/petition_list.html", {"page": page})
