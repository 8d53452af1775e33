"""What both the counter and the desk show about one dossier: facts, plan, work, timeline."""
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from documents import render as documents
from petitions.models import Petition
from portal_sync.status import sync_status
from reporting import rules
from workflows.labels import ACTION_LABELS
from workflows.models import DossierEvent, FileKind, WorkItem
from workflows.statuses import Status

from .files import files_of
from .working_time import Calendars, remaining_hours


def timeline(dossier) -> list[DossierEvent]:
    events = list(DossierEvent.objects.filter(dossier=dossier).select_related("actor", "agency").order_by("seq"))
    for event in events:
        event.dossier = dossier  # no query per event
        event.label = ACTION_LABELS.get(event.action, event.action)
    return events


def open_work_item(dossier) -> WorkItem | None:
    return WorkItem.objects.open_for(dossier).select_related("owner", "agency").first()


def apology(events) -> dict | None:
    """The extension (apology and new appointment) issued for this dossier, if any."""
    for event in reversed(events):
        if event.action == "extend":
            new_due = parse_datetime(event.data.get("new_due_at", "") or "")
            return {"reason": event.note, "new_due_at": new_due, "at": event.at, "actor": event.actor}
    return None


def dossier_context(dossier, *, now=None) -> dict:
    """Facts for the dossier page: plan with due times, remaining time, timeline, apology."""
    now = now or timezone.now()
    events = timeline(dossier)
    task = open_work_item(dossier)
    cal = Calendars()(dossier.competent_unit_id)
    running = dossier.status in (Status.RECEIVED, Status.PROCESSING)
    late = rules.is_overdue(dossier, now)
    resolved_late = rules.timeliness(dossier) == "late"
    steps = []
    for index, step in enumerate(dossier.plan):
        steps.append({
            **step, "index": index, "allotted_hours": round(step.get("allotted", 0) / 3600, 1),
            "current": index == dossier.current_step and dossier.status in (Status.RECEIVED, Status.PROCESSING),
            "done": index < dossier.current_step or dossier.status in (Status.RESULT_READY, Status.RETURNED),
        })
    kinds = documents.applicable_kinds(dossier)
    return {
        "dossier": dossier, "events": events, "task": task, "steps": steps, "now": now, "files": files_of(dossier),
        "result_files": files_of(dossier, FileKind.RESULT),
        "late": late, "past_appointment": rules.is_past_appointment(dossier, now), "resolved_late": resolved_late,
        "collected_late": rules.is_collected_after_appointment(dossier),
        "remaining_hours": remaining_hours(cal, now, dossier.due_at) if running else None,
        "task_remaining_hours": remaining_hours(cal, now, task.due_at) if task and task.due_at else None,
        "apology": apology(events) if dossier.extension_count else None,
        # each form under the title of the dossier's own set (TT 01/2018 or TT 03/2025)
        "form_kinds": [(kind, gettext(documents.form_of(kind, dossier).title)) for kind in kinds],
        "portal_sync": sync_status(dossier),
        # petitions about this dossier (phản ánh, kiến nghị): they count against TT 01 indicator 7 and QĐ 766 5.x
        "petitions": list(Petition.objects.filter(dossier=dossier).order_by("received_at", "pk")),
    }
