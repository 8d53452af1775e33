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
    SENT = "sent", _("đã gửi")
    FAILED = "failed", _("gửi lỗi")


class Notification(models.Model):
    """A message to the citizen or staff about a dossier, recorded whether it was sent or not.

    `idempotency_key` (event + channel + recipient) makes a retried task a no-op once sent.
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

    class Meta:
        db_table = "workflows_notification"
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]

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
