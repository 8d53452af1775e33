"""What both the counter and the desk show about one dossier: facts, plan, work, timeline."""
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from documents import render as documents
from portal_sync.status import sync_status
from reporting import rules
from workflows.models import DossierEvent, FileKind, WorkItem
from workflows.statuses import Status

from .files import files_of
from .working_time import Calendars, remaining_hours

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
    "request_payment": _("Thông báo thực hiện nghĩa vụ tài chính"),
    "payment_received": _("Đã hoàn thành nghĩa vụ tài chính"),
    "stop": _("Dừng giải quyết theo đề nghị"),
    "rate": _("Công dân đánh giá mức độ hài lòng"),
    "record_complaint": _("Ghi nhận phản ánh, kiến nghị"),
    "resolve_complaint": _("Kết luận phản ánh, kiến nghị"),
    "classify_petition": _("Phân loại phản ánh, kiến nghị"),
    "refuse_petition": _("Từ chối xử lý phản ánh, kiến nghị"),
    "ask_petition_info": _("Đề nghị bổ sung thông tin phản ánh, kiến nghị"),
    "petition_info_received": _("Đã nhận thông tin bổ sung phản ánh, kiến nghị"),
    "answer_petition": _("Trả lời phản ánh, kiến nghị"),
    "publish_petition": _("Công khai kết quả xử lý phản ánh, kiến nghị"),
    "dislike_petition": _("Người phản ánh không hài lòng với kết quả"),
    "attach_file": _("Đính kèm tệp"),
    "digitise_component": _("Số hóa thành phần hồ sơ"),
    "reissue_secret": _("Cấp lại mã bí mật tra cứu"),
}


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
    }
