from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models import Dossier, DossierEvent


class SyncState(models.TextChoices):
    PENDING = "pending", _("Chờ đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    FAILING = "failing", _("Đồng bộ lỗi, đang thử lại")
    DEAD = "dead", _("Đồng bộ thất bại, chờ xử lý")


class DossierSync(models.Model):
    """Where one dossier stands with the national portal: the last record the portal acknowledged,
    and the delivery lease that keeps two workers from sending one dossier's records at once.
    QĐ 766 indicator 1.4 counts a dossier as synced once the portal has acknowledged its first
    record (`first_acked_at` set)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, primary_key=True, related_name="portal_sync")
    state = models.CharField(_("trạng thái đồng bộ"), max_length=10, choices=SyncState.choices,
                             default=SyncState.PENDING)
    last_seq_written = models.PositiveIntegerField(default=0)
    last_seq_acked = models.PositiveIntegerField(_("bản ghi đã được Cổng xác nhận"), default=0)
    first_acked_at = models.DateTimeField(_("đồng bộ lần đầu"), null=True, blank=True)
    last_acked_at = models.DateTimeField(_("đồng bộ gần nhất"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("trạng thái đồng bộ hồ sơ")
        verbose_name_plural = _("trạng thái đồng bộ hồ sơ")

    def __str__(self):
        return f"{self.dossier_id}: {self.state}"


class RecordState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi, Cổng đã nhận")
    DEAD = "dead", _("Gửi không được, chờ quản trị xử lý")


class SyncRecord(models.Model):
    """One outbox record (portal_sync.outbox): a dossier event to send to the national portal.

    Written in the transaction of the event it carries, so no committed event is without its
    record and no record survives a rolled-back event. `seq` is the event's own sequence: the
    portal accepts a dossier's records only in that order, and `MaHoSo:seq` is the idempotency key.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="sync_records")
    event = models.OneToOneField(DossierEvent, on_delete=models.CASCADE, related_name="sync_record")
    seq = models.PositiveIntegerField()
    action = models.CharField(_("sự kiện"), max_length=40)
    state = models.CharField(_("trạng thái"), max_length=10, choices=RecordState.choices,
                             default=RecordState.PENDING)
    created_at = models.DateTimeField(_("ghi lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi (lại) lúc"))
    sent_at = models.DateTimeField(_("Cổng nhận lúc"), null=True, blank=True)
    duplicate = models.BooleanField(_("Cổng báo đã có"), default=False)
    sent_hash = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("bản ghi đồng bộ")
        verbose_name_plural = _("bản ghi đồng bộ")
        ordering = ["dossier_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="sync_record_once_per_seq")]
        indexes = [
            # The sweep: what is waiting to go, oldest due first; sent records are the bulk and stay out.
            models.Index(fields=["next_attempt_at", "dossier"], name="sync_record_due",
                         condition=models.Q(state="pending")),
            models.Index(fields=["dossier", "seq"], name="sync_record_dead", condition=models.Q(state="dead")),
        ]

    def __str__(self):
        return f"{self.dossier_id}:{self.seq} {self.action} ({self.state})"

    @property
    def idempotency_key(self) -> str:
        return f"{self.dossier.code}:{self.seq}"
