"""The centre's petition handlers' screens: the inbox, one petition with its due dates, trail and
the steps it allows, and a petition received at the counter. Every write goes through
petitions.services; a petition outside the user's scope (services.visible_to) is a 404, a step the
user may not take a 403 and a step from the wrong state a 409, each on the page, never a 500.
"""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procedures.models import Agency
from workflows.access import agency_ids, dossiers_for
from workflows.errors import DomainError
from workflows.gates import role_required
from workflows.labels import ACTION_LABELS
from workflows.roles import Role

from . import rules, services
from .forms import STEP_FORMS, CounterPetitionForm
from .models import Petition, PetitionState

handlers_only = role_required(Role.CLERK, Role.LEADER, Role.SUPERVISOR)
LIST_LIMIT = 200
OPEN = (PetitionState.RECEIVED, PetitionState.AWAITING_INFO, PetitionState.ANSWERED)
STATE_FILTERS = {"open": OPEN, **{s.value: (s.value,) for s in PetitionState}}


def _scoped(user):
    return services.visible_to(user).select_related("agency", "dossier")


@handlers_only
def inbox(request):
    """Phản ánh, kiến nghị to handle: open ones first by their next due instant."""
    wanted = request.GET.get("state") or "open"
    states = STATE_FILTERS.get(wanted, OPEN)
    rows = list(_scoped(request.user).filter(state__in=states).order_by("received_at", "pk")[:LIST_LIMIT + 1])
    now = timezone.now()
    for p in rows:
        p.next_due = rules.current_due(p)
        p.late = rules.is_late(p, now)
    return render(request, "petitions/inbox.html", {
        "rows": rows[:LIST_LIMIT], "more": len(rows) > LIST_LIMIT, "state": wanted,
        "states": [("open", _("Đang xử lý")), *PetitionState.choices],
    })


def _offered(user, p: Petition) -> dict:
    """The steps the page offers: allowed from the state (services.ALLOWED_FROM), minus the ones done."""
    allowed = {step for step, states in services.ALLOWED_FROM.items() if p.state in states}
    return {
        "classify": "classify" in allowed,
        "refuse": "refuse" in allowed,
        "ask": "ask_for_more" in allowed and p.asked_at is None,
        "info": "info_received" in allowed,
        "answer": "answer" in allowed,
        "publish": "publish" in allowed and bool(p.answer),
        "dislike": "record_dislike" in allowed and not p.disliked,
        "concludes": services.concludes(user, p),
    }


def _trail(p: Petition) -> list:
    events = list(p.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = (_("Tiếp nhận phản ánh, kiến nghị") if event.action == "receive"
                       else ACTION_LABELS.get(event.action, event.action))
    return events


def _page(request, p: Petition, *, bound=None, error=None, status=200):
    forms = {step: cls() for step, cls in STEP_FORMS.items()}
    forms.update(bound or {})
    now = timezone.now()
    return render(request, "petitions/detail.html", {
        "p": p, "forms": forms, "offered": _offered(request.user, p), "error": error,
        "trail": _trail(p),
        "on_time": rules.handled_on_time(p, now), "late": rules.is_late(p, now),
        "limits": {"refuse": rules.REFUSE_DAYS, "ask": rules.ASK_DAYS, "handle": rules.HANDLE_DAYS,
                   "publish": rules.PUBLISH_DAYS},
    }, status=status)


@handlers_only
def detail(request, pk):
    return _page(request, get_object_or_404(_scoped(request.user), pk=pk))


CALLS = {
    "classify": lambda p, actor, d: services.classify(p, actor=actor, classification=d["classification"]),
    "refuse": lambda p, actor, d: services.refuse(p, actor=actor, reason=d["reason"]),
    "ask": lambda p, actor, d: services.ask_for_more(p, actor=actor, text=d["text"]),
    "info": lambda p, actor, d: services.info_received(p, actor=actor, note=d["note"]),
    "answer": lambda p, actor, d: services.answer(p, actor=actor, answer=d["answer"],
                                                  unsubstantiated=d["unsubstantiated"]),
    "publish": lambda p, actor, d: services.publish(p, actor=actor),
    "dislike": lambda p, actor, d: services.record_dislike(p, actor=actor, note=d["note"]),
}
DONE = {
    "classify": _("Đã phân loại phản ánh, kiến nghị."),
    "refuse": _("Đã từ chối xử lý phản ánh, kiến nghị."),
    "ask": _("Đã đề nghị bổ sung thông tin."),
    "info": _("Đã ghi nhận thông tin bổ sung; thời hạn xử lý được tính lại."),
    "answer": _("Đã ghi kết quả xử lý, trả lời."),
    "publish": _("Đã công khai kết quả xử lý."),
    "dislike": _("Đã ghi nhận người phản ánh không hài lòng."),
}


@handlers_only
@require_POST
def act(request, pk, step):
    if step not in STEP_FORMS:
        raise Http404
    p = get_object_or_404(_scoped(request.user), pk=pk)
    form = STEP_FORMS[step](request.POST)
    if not form.is_valid():
        return _page(request, p, bound={step: form}, status=400)
    try:
        CALLS[step](p, request.user, form.cleaned_data)
    except DomainError as exc:
        fresh = get_object_or_404(_scoped(request.user), pk=pk)
        return _page(request, fresh, bound={step: form}, error=exc.message, status=exc.http_status)
    messages.success(request, DONE[step])
    return redirect("petitions:detail", pk=p.pk)


def _receiving_agencies(user) -> list[Agency]:
    return list(Agency.objects.in_force().filter(pk__in=agency_ids(user), kind__is_one_stop_counter=True)
                .order_by("name"))


@role_required(Role.CLERK, Role.LEADER)
def new(request):
    """Tiếp nhận phản ánh, kiến nghị tại quầy: a letter, a visit or a call, entered by a handler."""
    agencies = _receiving_agencies(request.user)
    form = CounterPetitionForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            dossier = None
            if data["dossier_code"]:
                dossier = dossiers_for(request.user).filter(code=data["dossier_code"].strip().upper()).first()
                if dossier is None:
                    form.add_error("dossier_code", _("Không tìm thấy hồ sơ."))
            if form.is_valid():
                try:
                    p = services.receive(
                        text=data["text"], agency=data["agency"], dossier=dossier, actor=request.user,
                        petitioner_name=data["petitioner_name"], petitioner_contact=data["petitioner_contact"],
                        classification=data["classification"])
                except DomainError as exc:
                    form.add_error(None, str(exc.message))
                    status = exc.http_status
                else:
                    messages.success(request, _("Đã tiếp nhận phản ánh, kiến nghị số %(ref)s.") % {"ref": p.reference})
                    return redirect("petitions:detail", pk=p.pk)
    return render(request, "petitions/new.html", {"form": form}, status=status)
