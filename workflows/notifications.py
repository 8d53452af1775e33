"""Notifications (thông báo) to citizens and staff: recorded on the dossier, sent by Celery.

Flow: a service commits an event → `audit.event_committed` → `on_event_committed` writes one
`Notification` row per channel and recipient (the idempotency key `event:channel:recipient`
is unique, so a repeated signal writes nothing new) → `tasks.send_notification` sends it,
retried with backoff; `deliver` locks the row and does nothing once it is sent, so a retried
or duplicated task never sends twice. A send failure never touches the dossier: its
transaction committed before the signal fired.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from .audit import event_committed
from .models import DossierEvent, Notification, NotificationChannel, NotificationStatus
from .sms import send_sms

logger = logging.getLogger("onestop.notifications")

#: Events the citizen is told about (submit_online is sent by the portal, with the secret).
CITIZEN_ACTIONS = frozenset({
    "receive", "accept_online", "refuse", "request_supplement", "decide", "extend", "return_result",
})

# --- the status link (QR code on the receipt, link in messages) -------------------------

_TOKEN_SALT = "onestop.portal.lookup"


def make_lookup_token(code: str) -> str:
    """A signed token for the dossier's status page: the same for a dossier every time, so a
    reprinted receipt carries the same QR code. It shows no personal data and is revoked by
    rotating SECRET_KEY (which also invalidates the printed secrets)."""
    return signing.Signer(salt=_TOKEN_SALT).sign(code)


def read_lookup_token(token: str) -> str | None:
    """The dossier code a token was signed for, or None when forged or altered."""
    try:
        return signing.Signer(salt=_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None


def lookup_url(dossier) -> str:
    """Absolute link to the dossier's public status page (printed as the receipt's QR code)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('portal:index')}?t={make_lookup_token(dossier.code)}"


# --- message texts (plain Vietnamese; no staff names) -------------------------------------


#: Stands for the lookup secret in a recorded body; `_send` puts the secret back.
SECRET_MASK = "••••••"


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
        "decide": _("Hồ sơ %(code)s đã có kết quả. Mời ông/bà đến %(counter)s để nhận kết quả."),
        "extend": _(
            "Hồ sơ %(code)s chưa giải quyết xong đúng hẹn; cơ quan xin lỗi ông/bà. "
            "Ngày hẹn trả kết quả mới: %(due)s."
        ),
        "return_result": _("Hồ sơ %(code)s đã trả kết quả. Mời ông/bà đánh giá mức độ hài lòng."),
    }
    if event.action not in texts:
        return None
    body = texts[event.action] % {
        "code": d.code, "counter": counter, "secret": SECRET_MASK if secret else "", "due": _when(d.due_at),
        "reasons": d.outcome_reasons, "items": "; ".join(event.data.get("items", [])),
    }
    subject = _("Hồ sơ %(code)s: %(status)s") % {"code": d.code, "status": d.get_status_display()}
    return subject, f"{body}\n{_('Tra cứu')}: {lookup_url(d)}"


# --- recording and dispatch ---------------------------------------------------------------


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


def _dispatch(notification_ids):
    """Queue the sends after the rows are visible to a worker (after any open transaction)."""
    from .tasks import send_notification

    def send_all():
        for pk in notification_ids:
            try:
                send_notification.delay(pk)
            except Exception:  # broker down (or an eager run failed): the periodic sweep resends it
                logger.exception("could not queue notification %s", pk)

    transaction.on_commit(send_all)


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
    _dispatch([n.pk for n in created])
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
    _dispatch([n.pk for n in created])
    return created


def on_event_committed(sender, event, **kwargs):
    """Receiver of `audit.event_committed`: never raises, the dossier's change stands."""
    if event.action not in CITIZEN_ACTIONS:
        return
    try:
        notify_citizen(event)
    except Exception:
        logger.exception("notifications for event %s failed", event.pk)


event_committed.connect(on_event_committed, sender=DossierEvent, dispatch_uid="onestop.notifications")


# --- delivery (called by the Celery task) ---------------------------------------------------


def _send(n: Notification):
    body = n.body.replace(SECRET_MASK, n.pending_secret) if n.pending_secret else n.body
    if n.channel == NotificationChannel.EMAIL:
        EmailMessage(
            subject=n.subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[n.recipient],
            headers={"X-Onestop-Idempotency-Key": n.idempotency_key},
        ).send(fail_silently=False)
    else:
        send_sms(n.recipient, body, idempotency_key=n.idempotency_key)


def deliver(notification_id: int, *, final: bool) -> str:
    """Send one recorded message unless already done; record the attempt either way.

    Raises the send error (for the task to retry) unless this is the final attempt, when
    the message is marked failed instead. The row lock makes a concurrent duplicate wait
    and then find it sent.
    """
    error = None
    with transaction.atomic():
        n = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if n is None:
            return "missing"
        if n.status != NotificationStatus.PENDING:
            return n.status
        n.attempts += 1
        try:
            _send(n)
        except Exception as exc:  # any backend error is recorded, then retried
            error = exc
            n.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if final:
                n.status = NotificationStatus.FAILED
        else:
            n.status, n.sent_at, n.last_error = NotificationStatus.SENT, timezone.now(), ""
        if n.status != NotificationStatus.PENDING:
            n.pending_secret = ""  # sent or given up: the secret is not kept
        n.save(update_fields=["attempts", "last_error", "status", "sent_at", "pending_secret"])
    if error is not None and not final:
        raise error
    return n.status


def stale_pending(older_than: timedelta = timedelta(minutes=15)):
    """Pending messages whose task was lost (broker down at dispatch, worker killed)."""
    return Notification.objects.filter(
        status=NotificationStatus.PENDING, created_at__lt=timezone.now() - older_than,
    ).values_list("pk", flat=True)
