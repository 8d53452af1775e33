"""Notifications (thông báo) to citizens and staff: what they say, and recording them once.

Flow: a service commits an event → `workflows.audit.event_committed` → `on_event_committed`
(connected in `NotificationsConfig.ready`) writes one `Notification` row per channel and
recipient (the idempotency key `event:channel:recipient` is unique, so a repeated signal
writes nothing new) → `sending.send_notification` sends it, retried with backoff. A send
failure never touches the dossier: its transaction committed before the signal fired.
"""
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from workflows.codes import lookup_url
from workflows.models import DossierEvent

from .models import Notification, NotificationChannel
from .sending import SECRET_MASK, dispatch

logger = logging.getLogger("onestop.notifications")

#: Events the citizen is told about (submit_online is sent by the portal, with the secret).
CITIZEN_ACTIONS = frozenset({
    "receive", "accept_online", "refuse", "request_supplement", "request_payment", "decide", "extend",
    "return_result", "stop", "expire_supplement",
})

# --- message texts (plain Vietnamese; no staff names) -------------------------------------


def _when(value) -> str:
    return date_format(timezone.localtime(value), "d/m/Y H:i") if value else ""


def _citizen_text(event: DossierEvent, secret: str = "") -> tuple[str, str] | None:
    """(subject, body) for an event, or None when the citizen is not told about it."""
    d = event.dossier
    counter = d.receiving_agency.name
    texts = {
        "submit_online": _(
            "Hồ sơ %(code)s đã được nộp trực tuyến, đang chờ %(counter)s tiếp nhận. "
            "Mã hồ sơ: %(code)s; mã bí mật tra cứu: %(secret)s."
        ),
        "receive": _("Hồ sơ %(code)s đã được tiếp nhận. Ngày hẹn trả kết quả: %(due)s."),
        "accept_online": _("Hồ sơ trực tuyến %(code)s đã được tiếp nhận. Ngày hẹn trả kết quả: %(due)s."),
        "refuse": _("Hồ sơ %(code)s không được tiếp nhận. Lý do: %(reasons)s"),
        "request_supplement": _("Hồ sơ %(code)s cần bổ sung: %(items)s. Vui lòng nộp bổ sung tại %(counter)s."),
        "request_payment": _("Hồ sơ %(code)s: đề nghị ông/bà thực hiện nghĩa vụ tài chính (%(obligation)s) "
                             "tại %(counter)s hoặc trực tuyến."),
        "stop": _("Hồ sơ %(code)s đã dừng giải quyết theo đề nghị của ông/bà. Mời nhận Thông báo dừng "
                  "giải quyết hồ sơ tại %(counter)s."),
        "expire_supplement": _("Hồ sơ %(code)s đã dừng giải quyết do quá thời hạn bổ sung hồ sơ "
                               "(hạn %(supplement_due)s)."),
        "decide": _("Hồ sơ %(code)s đã có kết quả. Mời ông/bà đến %(returning)s để nhận kết quả."),
        "extend": _(
            "Hồ sơ %(code)s chưa giải quyết xong đúng hẹn; cơ quan xin lỗi ông/bà. "
            "Ngày hẹn trả kết quả mới: %(due)s."
        ),
        "return_result": _("Hồ sơ %(code)s đã trả kết quả. Mời ông/bà đánh giá mức độ hài lòng."),
    }
    if event.action == "decide" and event.data.get("result"):
        # A granted decision with its electronic result (workflows.results): downloadable now.
        texts["decide"] = _("Hồ sơ %(code)s đã có kết quả điện tử (số %(result_code)s). Ông/bà có thể tải kết quả "
                            "về trên trang tra cứu hồ sơ, nhập mã hồ sơ và mã bí mật tra cứu ghi trên giấy tiếp nhận.")
        if d.paper_result:
            texts["decide"] += " " + _("Bản giấy: mời ông/bà đến %(returning)s để nhận.")
    if event.action not in texts:
        return None
    body = texts[event.action] % {
        "code": d.code, "counter": counter, "returning": d.return_agency.name,
        "secret": SECRET_MASK if secret else "", "due": _when(d.due_at),
        "reasons": d.outcome_reasons, "items": "; ".join(event.data.get("items", [])),
        "obligation": event.note, "supplement_due": _when(d.supplement_due_at),
        "result_code": (event.data.get("result") or {}).get("code", ""),
    }
    subject = _("Hồ sơ %(code)s: %(status)s") % {"code": d.code, "status": d.get_status_display()}
    return subject, f"{body}\n{_('Tra cứu')}: {lookup_url(d)}"


# --- recording and queueing ---------------------------------------------------------------


def _record(*, dossier, event, channel, recipient, subject, body, key, secret="") -> Notification | None:
    """Write the message once; None when a row with this key exists (already recorded)."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                dossier=dossier, event=event, channel=channel, recipient=recipient,
                subject=subject[:255], body=body, idempotency_key=key, pending_secret=secret,
            )
    except IntegrityError:
        return None


def notify_citizen(event: DossierEvent, *, secret: str = "") -> list[Notification]:
    """Record and queue the citizen's e-mail and SMS about an event (none without contacts)."""
    d = event.dossier
    with override(settings.LANGUAGE_CODE):
        text = _citizen_text(event, secret)
    if text is None:
        return []
    subject, body = text
    created = []
    for channel, recipient in ((NotificationChannel.EMAIL, d.applicant_email),
                               (NotificationChannel.SMS, d.applicant_phone)):
        if recipient:
            n = _record(dossier=d, event=event, channel=channel, recipient=recipient, subject=subject,
                        body=body, key=f"{event.pk}:{channel}:{recipient}", secret=secret)
            if n is not None:
                created.append(n)
    dispatch([n.pk for n in created])
    return created


def notify_staff(alert, users, *, subject: str, body: str) -> list[Notification]:
    """E-mail staff about a deadline alert, once per alert and person (no e-mail, no message)."""
    created = []
    for user in users:
        if not user.email:
            logger.info("deadline alert %s: %s has no e-mail address", alert.pk, user.username)
            continue
        n = _record(dossier=alert.dossier, event=None, channel=NotificationChannel.EMAIL, recipient=user.email,
                    subject=subject, body=body, key=f"alert:{alert.pk}:email:{user.email}")
        if n is not None:
            created.append(n)
    dispatch([n.pk for n in created])
    return created


def on_event_committed(sender, event, **kwargs):
    """Receiver of `audit.event_committed`: never raises, the dossier's change stands."""
    if event.action not in CITIZEN_ACTIONS:
        return
    try:
        notify_citizen(event)
    except Exception:
        logger.exception("notifications for event %s failed", event.pk)

