from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models import Dossier


class PortalDossier(models.Model):
    """The portal's code of a dossier submitted there (MaHoSoDVCQG) ↔ our dossier. The unique code
    makes intake idempotent: a page served twice or an item re-delivered creates nothing new."""

    portal_code = models.CharField(_("mã hồ sơ DVCQG"), max_length=64, unique=True)
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="portal_intake")
    received_at = models.DateTimeField(_("thời điểm nhận"))
    acked_at = models.DateTimeField(_("thời điểm báo tiếp nhận"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ từ Cổng DVCQG")
        verbose_name_plural = _("hồ sơ từ Cổng DVCQG")

    def __str__(self):
        return self.portal_code


class InboundOutcome(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    DUPLICATE = "duplicate", _("Trùng, đã có")
    REJECTED = "rejected", _("Không tiếp nhận được")


class InboundLog(models.Model):
    """One item of the portal's inbound list as handled: what an administrator reads when a portal
    dossier did not arrive (unknown procedure, bad file hash...)."""

    portal_code = models.CharField(_("mã hồ sơ DVCQG"), max_length=64, db_index=True)
    at = models.DateTimeField(_("thời điểm"))
    outcome = models.CharField(_("kết quả"), max_length=10, choices=InboundOutcome.choices)
    reason = models.TextField(_("lý do"), blank=True)
    payload = models.JSONField(_("dữ liệu nhận"), default=dict)

    class Meta:
        verbose_name = _("nhật ký tiếp nhận từ Cổng DVCQG")
        verbose_name_plural = _("nhật ký tiếp nhận từ Cổng DVCQG")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.portal_code}: {self.get_outcome_display()}"


class InboundCursor(models.Model):
    """Where the pull of `GET /api/hoso/moi` stands (one row)."""

    name = models.CharField(max_length=20, unique=True, default="hoso_moi")
    cursor = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name}@{self.cursor}"
