"""Sending a recorded message: the Celery task, its retries, and the e-mail or SMS backend call.

`dispatch` queues the task after the rows are visible to a worker. `deliver` marks the row
`sending` and commits before handing the message to the backend, then records the outcome:
a worker killed in between leaves a visible `sending` row instead of a message sent twice
unseen. A task finding the row `sent`, `failed` or `sending` does nothing, so a retried,
duplicated or redelivered task never sends twice; only the sweep (`resend_lost`) re-sends a
hand-off left `sending` past `SENDING_LEASE`, with the same idempotency key, and counts it
as a possible duplicate (docs/decisions/0016-delivery-after-a-kill.md). The task keeps the
name it had in the engine (`workflows.tasks.…`) so that messages already queued, and the
beat entries stored in the database, still find it.
"""
import hashlib
import logging
from datetime import timedelta
from email.utils import parseaddr

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Notification, NotificationChannel, NotificationStatus
from .sms import send_sms

logger = logging.getLogger("onestop.notifications")

SEND_MAX_RETRIES = 5
#: Seconds one hand-off may take: the soft limit raises in the backend call (recorded, retried),
#: the hard one kills the pool's child (the row stays `sending` for the sweep).
SEND_SOFT_TIME_LIMIT, SEND_TIME_LIMIT = 90, 120
#: A hand-off left `sending` this long has no live worker (far above SEND_TIME_LIMIT).
SENDING_LEASE = timedelta(minutes=15)
#: A message still `pending` this long after it was recorded lost its task (or waits for a retry).
STALE_PENDING = timedelta(minutes=15)

#: Stands for the lookup secret in a recorded body; `_send` puts the secret back.
SECRET_MASK = "••••••"


class SendFailed(Exception):
    """A backend error, re-raised so Celery retries the task with backoff."""


def message_id(n: Notification) -> str:
    """The e-mail's Message-ID, derived from the idempotency key: the same on every hand-off
    (and every worker), so a mail server or the recipient's client can drop a resend."""
    digest = hashlib.sha256(n.idempotency_key.encode()).hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return f"<{digest}.notification@{domain if domain.isascii() and domain else 'localhost'}>"


def _send(n: Notification):
    body = n.body.replace(SECRET_MASK, n.pending_secret) if n.pending_secret else n.body
    if n.channel == NotificationChannel.EMAIL:
        EmailMessage(
            subject=n.subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[n.recipient],
            headers={"Message-ID": message_id(n), "X-Onestop-Idempotency-Key": n.idempotency_key},
        ).send(fail_silently=False)
    else:
        send_sms(n.recipient, body, idempotency_key=n.idempotency_key)


def deliver(notification_id: int, *, final: bool, stuck_attempt: int | None = None) -> str:
    """Hand one recorded message to its backend unless it is done or in hand; record the outcome.

    1. Under the row lock: go on only if `pending`, or `sending` at exactly `stuck_attempt`
       (the hand-off the sweep found stuck: its outcome is unknown, so the re-send counts as
       a possible duplicate). Mark `sending` and commit: the hand-off is visible from here on.
    2. Call the backend outside any transaction: no row lock is held across the network.
    3. Record `sent`, or the error: `pending` again for the retry, `failed` on the last attempt.

    Raises the send error (for the task to retry) unless this is the final attempt.
    """
    with transaction.atomic():
        n = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if n is None:
            return "missing"
        if n.status == NotificationStatus.SENDING and stuck_attempt is not None and n.attempts == stuck_attempt:
            n.possible_duplicates += 1
            logger.warning("notification %s: re-sending hand-off %s, whose outcome is unknown", n.pk, n.attempts)
        elif n.status != NotificationStatus.PENDING:
            return n.status  # sent, given up, or in a (live or dead) worker's hands: the sweep decides
        n.status, n.sending_at, n.attempts = NotificationStatus.SENDING, timezone.now(), n.attempts + 1
        n.save(update_fields=["status", "sending_at", "attempts", "possible_duplicates"])
    attempt, error = n.attempts, None
    try:
        _send(n)
    except Exception as exc:  # any backend error (or the soft time limit) is recorded, then retried
        error = exc
    with transaction.atomic():
        n = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if n is None:
            return "missing"
        if error is None:
            if n.status != NotificationStatus.SENT:  # else a concurrent re-send recorded it first
                n.status, n.sent_at, n.last_error = NotificationStatus.SENT, timezone.now(), ""
        elif n.status == NotificationStatus.SENDING and n.attempts == attempt:
            # Still the latest hand-off (a later re-send owns the row otherwise): record the error.
            n.last_error = f"{type(error).__name__}: {error}"[:2000]
            n.status = NotificationStatus.FAILED if final else NotificationStatus.PENDING
        if n.status in (NotificationStatus.SENT, NotificationStatus.FAILED):
            n.pending_secret = ""  # sent or given up: the secret is not kept
        n.save(update_fields=["last_error", "status", "sent_at", "pending_secret"])
    if error is not None and not final:
        raise error
    return n.status


@shared_task(
    bind=True, name="workflows.tasks.send_notification", autoretry_for=(SendFailed,),
    max_retries=SEND_MAX_RETRIES, retry_backoff=30, retry_backoff_max=3600, retry_jitter=True, acks_late=True,
    soft_time_limit=SEND_SOFT_TIME_LIMIT, time_limit=SEND_TIME_LIMIT,
)
def send_notification(self, notification_id: int, stuck_attempt: int | None = None) -> str:
    """Send one recorded notification; a retry of a sent one does nothing (idempotent).

    `stuck_attempt` is given by the sweep only: the attempt it found stuck in `sending`.
    """
    final = self.request.retries >= SEND_MAX_RETRIES
    try:
        return deliver(notification_id, final=final, stuck_attempt=stuck_attempt)
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


def stale_pending(older_than: timedelta = STALE_PENDING):
    """Pending messages whose task was lost (broker down at dispatch, worker killed)."""
    return Notification.objects.filter(
        status=NotificationStatus.PENDING, created_at__lt=timezone.now() - older_than,
    ).values_list("pk", flat=True)


def stuck_sending(older_than: timedelta = SENDING_LEASE):
    """(pk, attempt) of hand-offs left `sending` longer than a live one lasts: their worker died."""
    return Notification.objects.filter(
        status=NotificationStatus.SENDING, sending_at__lt=timezone.now() - older_than,
    ).values_list("pk", "attempts")


def resend_lost() -> int:
    """Queue the messages whose task was lost (the periodic sweep); returns how many.

    A stuck hand-off is not resent blindly: its task names the attempt found stuck, so two
    sweeps re-send it once, with the same idempotency key, counted as a possible duplicate.
    """
    queued = 0
    for pk in stale_pending():
        send_notification.delay(pk)
        queued += 1
    for pk, attempt in stuck_sending():
        send_notification.delay(pk, stuck_attempt=attempt)
        queued += 1
    return queued
