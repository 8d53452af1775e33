"""Sending a recorded message: the Celery task, its retries, and the e-mail or SMS backend call.

`dispatch` queues the task after the rows are visible to a worker; `deliver` locks the row
and does nothing once it is sent, so a retried or duplicated task never sends twice. The
task keeps the name it had in the engine (`workflows.tasks.…`) so that messages already
queued, and the beat entries stored in the database, still find it.
"""
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Notification, NotificationChannel, NotificationStatus
from .sms import send_sms

logger = logging.getLogger("onestop.notifications")

SEND_MAX_RETRIES = 5

#: Stands for the lookup secret in a recorded body; `_send` puts the secret back.
SECRET_MASK = "••••••"


class SendFailed(Exception):
    """A backend error, re-raised so Celery retries the task with backoff."""


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


@shared_task(
    bind=True, name="workflows.tasks.send_notification", autoretry_for=(SendFailed,),
    max_retries=SEND_MAX_RETRIES, retry_backoff=30, retry_backoff_max=3600, retry_jitter=True, acks_late=True,
)
def send_notification(self, notification_id: int) -> str:
    """Send one recorded notification; a retry of a sent one does nothing (idempotent)."""
    final = self.request.retries >= SEND_MAX_RETRIES
    try:
        return deliver(notification_id, final=final)
    except Exception as exc:
        raise SendFailed(str(exc)) from exc


def dispatch(notification_ids):
    """Queue the sends after the rows are visible to a worker (after any open transaction)."""

    def send_all():
        for pk in notification_ids:
            try:
                send_notification.delay(pk)
            except Exception:  # broker down (or an eager run failed): the periodic sweep resends it
                logger.exception("could not queue notification %s", pk)

    transaction.on_commit(send_all)


def stale_pending(older_than: timedelta = timedelta(minutes=15)):
    """Pending messages whose task was lost (broker down at dispatch, worker killed)."""
    return Notification.objects.filter(
        status=NotificationStatus.PENDING, created_at__lt=timezone.now() - older_than,
    ).values_list("pk", flat=True)
