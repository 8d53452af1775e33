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


class ReconciliationRun(models.Model):
    """One reconciliation with the portal (`GET /api/dongbo/hoso`) over a range of receipt days: our
    dossiers received then against the portal's records, in three lists of codes."""

    day_from = models.DateField(_("từ ngày"))
    day_to = models.DateField(_("đến ngày"))
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    ours_count = models.PositiveIntegerField(_("số hồ sơ của hệ thống"), default=0)
    portal_count = models.PositiveIntegerField(_("số hồ sơ trên Cổng"), default=0)
    not_synced = models.JSONField(_("chưa đồng bộ"), default=list)
    different = models.JSONField(_("đồng bộ có sai khác"), default=list)
    unknown_to_us = models.JSONField(_("Cổng có, hệ thống không có"), default=list)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lượt đối soát với Cổng DVCQG")
        verbose_name_plural = _("lượt đối soát với Cổng DVCQG")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.day_from}–{self.day_to}"

    def as_dict(self) -> dict:
        return {"day_from": self.day_from.isoformat(), "day_to": self.day_to.isoformat(),
                "ours": self.ours_count, "portal": self.portal_count, "not_synced": len(self.not_synced),
                "different": len(self.different), "unknown_to_us": len(self.unknown_to_us), "error": self.error}
