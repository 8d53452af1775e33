"""What both the counter and the desk show about one dossier: facts, plan, work, timeline."""
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from workflows.models import DossierEvent, WorkItem
from workflows.statuses import Status

from .shared import FORM_LABELS, Calendars, remaining_hours

ACTION_LABELS = {
    "receive": _("Tiếp nhận hồ sơ"),
    "submit_online": _("Nộp hồ sơ trực tuyến"),
    "accept_online": _("Tiếp nhận hồ sơ trực tuyến"),
    "refuse": _("Từ chối tiếp nhận"),
    "refuse_at_counter": _("Từ chối tiếp nhận tại quầy"),
    "start_processing": _("Nhận xử lý"),
    "complete_step": _("Hoàn thành bước"),
    "request_supplement": _("Yêu cầu bổ sung hồ sơ"),
    "supplement_received": _("Đã nhận hồ sơ bổ sung"),
    "extend": _("Gia hạn, xin lỗi và hẹn lại"),
    "decide": _("Quyết định"),
    "return_result": _("Trả kết quả"),
    "withdraw": _("Công dân rút hồ sơ"),
    "assign": _("Phân công"),
    "unassign": _("Trả lại hàng chờ"),
}


def timeline(dossier) -> list[DossierEvent]:
    events = list(DossierEvent.objects.filter(dossier=dossier).select_related("actor", "agency").order_by("seq"))
    for event in events:
        event.dossier = dossier  # no query per event
        event.label = ACTION_LABELS.get(event.action, event.action)
    return events


def open_work_item(dossier) -> WorkItem | None:
    if dossier.process_id is None:
        return None
    return (
        WorkItem.objects.filter(process_id=dossier.process_id, status__in=("NEW", "ASSIGNED"),
                                flow_task_type="HUMAN")
        .select_related("owner", "agency").first()
    )


def apology(dossier, events) -> dict | None:
    """The extension (apology and new appointment) issued for this dossier, if any."""
    for event in reversed(events):
        if event.action == "extend":
            new_due = parse_datetime(event.data.get("new_due_at", "") or "")
            return {"reason": event.note, "new_due_at": new_due, "at": event.at, "actor": event.actor}
    return None


def printable_kinds(dossier) -> list[str]:
    """The official forms that apply to the dossier now (the forms module decides when present)."""
    try:
        from workflows.documents import applicable_kinds
    except ImportError:
        applicable_kinds = None
    if applicable_kinds is not None:
        return list(applicable_kinds(dossier))
    kinds = ["receipt"] if dossier.received_at else []
    if dossier.status == Status.REFUSED:
        kinds.append("refusal")
    if dossier.supplement_count:
        kinds.append("supplement_request")
    if dossier.extension_count:
        kinds.append("apology")
    if dossier.received_at and dossier.process_id:
        kinds.append("control_slip")
    return kinds


def dossier_context(dossier, *, now=None) -> dict:
    """Facts for the dossier page: plan with due times, remaining time, timeline, apology."""
    now = now or timezone.now()
    events = timeline(dossier)
    task = open_work_item(dossier)
    cal = Calendars()(dossier.receiving_unit_id)
    running = dossier.status in (Status.RECEIVED, Status.PROCESSING)
    late = dossier.is_overdue(now)
    returned_late = bool(
        dossier.returned_at and dossier.original_due_at and dossier.returned_at > dossier.original_due_at
    )
    steps = []
    for index, step in enumerate(dossier.plan):
        steps.append({
            **step, "index": index, "allotted_hours": round(step.get("allotted", 0) / 3600, 1),
            "current": index == dossier.current_step and dossier.status in (Status.RECEIVED, Status.PROCESSING),
            "done": index < dossier.current_step or dossier.status in (Status.RESULT_READY, Status.RETURNED),
        })
    kinds = printable_kinds(dossier)
    return {
        "dossier": dossier, "events": events, "task": task, "steps": steps, "now": now,
        "late": late, "returned_late": returned_late,
        "remaining_hours": remaining_hours(cal, now, dossier.due_at) if running else None,
        "task_remaining_hours": remaining_hours(cal, now, task.due_at) if task and task.due_at else None,
        "apology": apology(dossier, events) if dossier.extension_count else None,
        "form_kinds": [(kind, FORM_LABELS[kind]) for kind in kinds],
    }
