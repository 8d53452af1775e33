from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models import Dossier


class SyncState(models.TextChoices):
    PENDING = "pending", _("Chờ đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    FAILING = "failing", _("Đồng bộ lỗi, đang thử lại")
    DEAD = "dead", _("Đồng bộ thất bại, chờ xử lý")


class DossierSync(models.Model):
    """Where one dossier stands with the national portal: the last event written to the outbox and
    the last the portal acknowledged. QĐ 766 indicator 1.4 counts a dossier as synced once the
    portal has acknowledged its first record (`first_acked_at` set)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, primary_key=True, related_name="portal_sync")
    state = models.CharField(_("trạng thái đồng bộ"), max_length=10, choices=SyncState.choices,
                             default=SyncState.PENDING)
    last_seq_written = models.PositiveIntegerField(default=0)
    last_seq_acked = models.PositiveIntegerField(default=0)
    first_acked_at = models.DateTimeField(_("đồng bộ lần đầu"), null=True, blank=True)
    last_acked_at = models.DateTimeField(_("đồng bộ gần nhất"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("trạng thái đồng bộ hồ sơ")
        verbose_name_plural = _("trạng thái đồng bộ hồ sơ")

    def __str__(self):
        return f"{self.dossier_id}: {self.state}"
