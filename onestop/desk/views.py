"""The desk (xử lý hồ sơ): specialists' and leaders' inbox, queue and dossier actions.

Work items come from viewflow (`WorkItem.objects.queue_for`); every action calls a service.
"""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onestop.screens import files as dossier_files
from onestop.screens import find as finding
from onestop.screens.dossier_page import dossier_context, open_work_item
from onestop.screens.views import perform_action, render_pdf_form
from onestop.screens.working_time import Calendars, remaining_hours
from workflows import services
from workflows.access import agency_ids, can_claim, dossiers_for, is_member
from workflows.errors import PermissionDenied as DomainPermissionDenied
from workflows.flows import DossierFlow, eligible_users, eligible_users_in
from workflows.gates import dossier_or_404, role_required
from workflows.models import WorkItem
from workflows.roles import Role
from workflows.statuses import Status

from .forms import AssignForm, ClaimForm, CompleteForm, DecideForm, ExtendForm, PaymentForm, SupplementForm

staff_only = role_required(Role.SPECIALIST, Role.LEADER)


def colleagues_by_slot(user) -> dict[tuple[int, str], list]:
    """Who may take work at the user's agencies, by (agency, role): one query for the whole page."""
    rows = (
        eligible_users_in((a, role) for a in agency_ids(user) for role in (Role.SPECIALIST, Role.LEADER))
        .values_list("pk", "username", "first_name", "last_name", "memberships__agency_id", "groups__name")
        .order_by("username")
    )
    slots: dict[tuple[int, str], list] = {}
    for pk, username, first, last, agency_id, role in rows:
        slots.setdefault((agency_id, role), []).append({"pk": pk, "name": _display_name(username, first, last)})
    return slots


def _display_name(username, first, last) -> str:
    return f"{last} {first}".strip() or username


def step_holders(step: dict) -> list[dict]:
    """Who may hold a planned step, all of them, in one query.

    The engine's rule (`flows.eligible_users`, checked again by complete_step) applied to the
    step's agency and role as pinned in the dossier's plan.
    """
    rows = (
        eligible_users(step["agency"], step["role"])
        .values_list("pk", "username", "first_name", "last_name").order_by("username")
    )
    return [{"pk": pk, "name": _display_name(username, first, last)} for pk, username, first, last in rows]


def _complete_form_kwargs(dossier) -> dict:
    # the last step ends in the leader's decision: nobody to hand over to
    next_step = dossier.plan[dossier.current_step + 1] if dossier.has_next_step else None
    return {"holders": step_holders(next_step) if next_step else [], "next_step": next_step,
            "current_version": dossier.event_count}


INBOX_LIMIT = 50  # rows per list of the desk; `?more=<list>` shows up to INBOX_MORE
INBOX_MORE = 500


@staff_only
@require_GET
def index(request):
    """My inbox (assigned to me), my agencies' queue (unclaimed), and for leaders, the rest.

    Each list is its own bounded query in due order over the open work items (a partial index
    of open work per agency): the page stays the same size however much work is waiting.
    """
    user, now = request.user, timezone.now()
    leads = {a for a in agency_ids(user) if is_member(user, a, Role.LEADER)}
    visible = WorkItem.objects.queue_for(user)
    if leads:  # a leader oversees all of the agency's work, whatever its role
        visible = visible | WorkItem.objects.open().filter(agency_id__in=leads, flow_task_type="HUMAN")
    query = finding.read(request.GET.get("q"))
    if query:  # the same box as the counter's: code, name without diacritics, phone, ID number, receipt
        visible = visible.filter(finding.matching_q(query, prefix="process__dossier__"))
    visible = visible.select_related("process__dossier__procedure", "owner", "agency").order_by("due_at", "pk")
    more = request.GET.get("more")
    lists = {"inbox": visible.filter(owner_id=user.pk), "queue": visible.filter(owner__isnull=True),
             "others": visible.exclude(owner__isnull=True).exclude(owner_id=user.pk)}
    context = {"is_leader": bool(leads), "now": now, "more": more, "query": query}
    calendars = Calendars()
    slots = colleagues_by_slot(user) if leads else {}
    for name, qs in lists.items():
        rows = list(qs[: (INBOX_MORE if more == name else INBOX_LIMIT) + 1])
        context[f"{name}_more"] = len(rows) > (INBOX_MORE if more == name else INBOX_LIMIT)
        rows = rows[: INBOX_MORE if more == name else INBOX_LIMIT]
        for item in rows:
            item.can_claim = can_claim(user, item)
            item.dossier = item.process.dossier
            item.remaining = remaining_hours(calendars(item.dossier.receiving_unit_id), now, item.due_at)
            item.late = bool(item.due_at and now > item.due_at)
            item.at_risk = not item.late and bool(item.at_risk_at and now >= item.at_risk_at)
            item.colleagues = slots.get((item.agency_id, item.role), []) if item.agency_id in leads else []
        context[name] = rows
    context["focus_queue"] = not context["inbox"]
    if query and not any(context[name] for name in lists):
        # Not in the work at hand: a dossier the user may see elsewhere (done, or at another step).
        context["elsewhere"] = list(dossiers_for(user).filter(finding.matching_q(query))
                                    .select_related("procedure").order_by("-created_at", "-id")[:INBOX_LIMIT])
    return render(request, "desk/index.html", context)


def _permissions(user, dossier, task) -> dict:
    """What this user may do on the dossier's current work item (the services decide finally)."""
    if task is None or task.agency_id not in agency_ids(user):
        return {}
    processing = task.flow_task == DossierFlow.process_step
    mine = task.owner_id == user.pk
    leader_here = is_member(user, task.agency_id, Role.LEADER)
    return {
        "can_claim": can_claim(user, task),
        "can_complete": mine and processing and dossier.has_next_step,
        "can_decide": mine and processing and not dossier.has_next_step and task.role == Role.LEADER,
        "can_supplement": mine and processing,
        "can_request_payment": mine and processing,
        "can_extend": (mine or leader_here) and processing and dossier.extension_count == 0,
        "can_assign": leader_here,
        "can_unassign": task.owner_id is not None and (mine or leader_here),
    }


def _dossier_page(request, dossier, *, bound=None, error=None, status=200):
    context = dossier_context(dossier)
    task = context["task"]
    version = {"version": dossier.event_count}
    context.update(_permissions(request.user, dossier, task))
    # The next step's holders cost a query: only when the complete form is shown.
    complete_kwargs = _complete_form_kwargs(dossier) if context.get("can_complete") else {}
    context.update({
        "claim_form": ClaimForm(initial=version),
        "assign_form": AssignForm(initial=version),
        "complete_form": CompleteForm(initial=version, **complete_kwargs),
        "supplement_form": SupplementForm(initial=version),
        "payment_form": PaymentForm(initial=version),
        "extend_form": ExtendForm(initial=version),
        "decide_form": DecideForm(initial=version),
        "colleagues": (colleagues_by_slot(request.user).get((task.agency_id, task.role), [])
                       if context.get("can_assign") else []),
        "error": error,
    })
    context.update(bound or {})
    return render(request, "desk/dossier.html", context, status=status)


@staff_only
@require_GET
def dossier_detail(request, pk):
    return _dossier_page(request, dossier_or_404(request.user, pk, "receiving_unit"))


def _desk_action(request, pk, form_class, form_name, call, done_message, *, event, offered, back_to_inbox=False,
                 form_kwargs=None):
    """One action of the dossier page, offered while the user's permission `offered` (a key of
    `_permissions`) holds on the dossier as it is."""
    def done(dossier):
        messages.success(request, done_message % {"code": dossier.code})
        return redirect("desk:index") if back_to_inbox else redirect("desk:dossier", pk=dossier.pk)

    return perform_action(request, pk, form_class, form_name, call, page=_dossier_page, done=done,
                          form_kwargs=form_kwargs, event=event, dossier_url="desk:dossier",
                          offered=lambda dossier: bool(
                              _permissions(request.user, dossier, open_work_item(dossier)).get(offered)))


@staff_only
@require_GET
def dossier_file(request, pk, file_id):
    """A document the citizen sent, inline for the page's preview (scoped like the dossier)."""
    return dossier_files.serve(request, pk, file_id)


@staff_only
@require_POST
def claim(request, pk):
    """Nhận xử lý: a received dossier starts processing; otherwise the work item is claimed."""
    def call(dossier, form):
        version = form.cleaned_data["version"]
        if dossier.status == Status.RECEIVED:
            services.start_processing(dossier, actor=request.user, expected_version=version)
        else:
            services.assign(dossier, actor=request.user, assignee=request.user, expected_version=version)

    return _desk_action(request, pk, ClaimForm, "claim_form", call, _("Đã nhận xử lý hồ sơ %(code)s."),
                        event=("start_processing", "assign"), offered="can_claim")


@staff_only
@require_POST
def assign(request, pk):
    """Phân công: a leader hands the current work item to a colleague."""
    def call(dossier, form):
        assignee = get_user_model().objects.filter(pk=form.cleaned_data["assignee"], is_active=True).first()
        if assignee is None:
            raise DomainPermissionDenied(_("Người được giao không thuộc cơ quan hoặc không có vai trò phù hợp."))
        services.assign(dossier, actor=request.user, assignee=assignee, expected_version=form.cleaned_data["version"])

    return _desk_action(request, pk, AssignForm, "assign_form", call, _("Đã phân công xử lý hồ sơ %(code)s."),
                        event="assign", offered="can_assign")


@staff_only
@require_POST
def unassign(request, pk):
    def call(dossier, form):
        services.unassign(dossier, actor=request.user, expected_version=form.cleaned_data["version"])

    return _desk_action(request, pk, ClaimForm, "claim_form", call,
                        _("Hồ sơ %(code)s đã được trả lại hàng chờ."), back_to_inbox=True, event="unassign",
                        offered="can_unassign")


@staff_only
@require_POST
def complete(request, pk):
    def call(dossier, form):
        data = form.cleaned_data
        # empty: the engine picks the only eligible member, else the agency's queue. The engine
        # needs only the pk and checks it (version first: 409, then eligibility: 403).
        chosen = data["next_assignee"]
        next_assignee = None if chosen is None else get_user_model()(pk=chosen)
        services.complete_step(dossier, actor=request.user, note=data["note"], next_assignee=next_assignee,
                               expected_version=data["version"])

    return _desk_action(request, pk, CompleteForm, "complete_form", call,
                        _("Đã hoàn thành bước xử lý hồ sơ %(code)s và chuyển bước tiếp theo."), back_to_inbox=True,
                        form_kwargs=_complete_form_kwargs, event="complete_step", offered="can_complete")


@staff_only
@require_POST
def payment(request, pk):
    def call(dossier, form):
        services.request_payment(dossier, actor=request.user, obligation=form.cleaned_data["obligation"],
                                 expected_version=form.cleaned_data["version"])

    return _desk_action(request, pk, PaymentForm, "payment_form", call,
                        _("Đã thông báo nghĩa vụ tài chính của hồ sơ %(code)s; thời hạn tạm dừng đến khi công dân "
                          "hoàn thành."), back_to_inbox=True, event="request_payment", offered="can_request_payment")


@staff_only
@require_POST
def supplement(request, pk):
    def call(dossier, form):
        services.request_supplement(dossier, actor=request.user, items=form.item_list(),
                                    reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"])

    return _desk_action(request, pk, SupplementForm, "supplement_form", call,
                        _("Đã yêu cầu bổ sung hồ sơ %(code)s; Bộ phận Một cửa sẽ liên hệ công dân."),
                        back_to_inbox=True, event="request_supplement", offered="can_supplement")


@staff_only
@require_POST
def extend(request, pk):
    def call(dossier, form):
        data = form.cleaned_data
        services.extend(dossier, actor=request.user, new_due_at=data["new_due_at"], reason=data["reason"],
                        expected_version=data["version"])

    return _desk_action(request, pk, ExtendForm, "extend_form", call,
                        _("Đã gia hạn hồ sơ %(code)s; phiếu xin lỗi và hẹn lại đã được lập."), event="extend",
                        offered="can_extend")


@staff_only
@require_POST
def decide(request, pk):
    def call(dossier, form):
        data = form.cleaned_data
        services.decide(dossier, actor=request.user, outcome=data["outcome"], reasons=data["reasons"],
                        expected_version=data["version"])

    return _desk_action(request, pk, DecideForm, "decide_form", call,
                        _("Đã quyết định hồ sơ %(code)s; kết quả chuyển về Bộ phận Một cửa."), back_to_inbox=True,
                        event="decide", offered="can_decide")


@staff_only
@require_GET
def form_pdf(request, pk, kind):
    dossier = dossier_or_404(request.user, pk, "receiving_unit")
    if kind == "receipt" and dossier.received_at is None:
        raise Http404(_("Hồ sơ chưa được tiếp nhận."))
    return render_pdf_form(dossier, kind)
