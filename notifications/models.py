"""The messages recorded about dossiers, and the deadline crossings the scan alerted.

The tables keep their names from when these models lived in the engine (`workflows_…`):
moving them between apps changed no row (migrations 0001 here and workflows 0006).
"""
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.models import Dossier, DossierEvent, WorkItem


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("thư điện tử")
    SMS = "sms", _("tin nhắn SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("chờ gửi")
    # Marked and committed before the hand-off to the backend: a row left here means a worker
    # died between the hand-off and recording its outcome (sending.resend_lost re-sends it).
    SENDING = "sending", _("đang gửi")
    SENT = "sent", _("đã gửi")
    FAILED = "failed", _("gửi lỗi")


class Notification(models.Model):
    """A message to the citizen or staff about a dossier, recorded whether it was sent or not.

    `idempotency_key` (event + channel + recipient) makes a retried task a no-op once sent, and
    goes with every hand-off of the message (the SMS gateway's idempotency key, the e-mail's
    Message-ID), so a resend after an unknown outcome can be de-duplicated downstream.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="notifications")
    event = models.ForeignKey(DossierEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # The lookup secret of an online submission, held only until the message is sent or given
    # up: `body` keeps it masked, so the record never shows what the dossier stores only hashed.
    pending_secret = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the latest hand-off began (status `sending`, committed before calling the backend).
    sending_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    # Re-sends of a hand-off whose outcome was unknown (its worker died): the recipient may have
    # the message twice, under the same idempotency key. Shown to staff in the admin.
    possible_duplicates = models.PositiveSmallIntegerField(_("số lần gửi lại có thể trùng"), default=0)

    class Meta:
        db_table = "workflows_notification"
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        # The sweep (sending.resend_lost) looks for unsettled messages every 10 minutes: a few
        # rows among millions, found without reading the sent ones.
        indexes = [models.Index(fields=["status"], name="notification_unsettled",
                                condition=Q(status__in=["pending", "sending"]))]

    def __str__(self):
        return f"{self.channel} → {self.recipient}"


class AlertKind(models.TextChoices):
    AT_RISK = "at_risk", _("sắp đến hạn")
    OVERDUE = "overdue", _("quá hạn")


class DeadlineAlert(models.Model):
    """One threshold crossing of a dossier or work item, notified once (the deadline scan)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="alerts")
    work_item = models.ForeignKey(WorkItem, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "workflows_deadlinealert"
        verbose_name = _("cảnh báo thời hạn")
        verbose_name_plural = _("cảnh báo thời hạn")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "work_item", "kind"], name="alert_once"),
            models.UniqueConstraint(fields=["dossier", "kind"], condition=Q(work_item__isnull=True),
                                    name="dossier_alert_once"),
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.kind}"
