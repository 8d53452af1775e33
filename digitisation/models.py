"""One row per dossier component (thành phần hồ sơ) as the counter made it electronic at receipt.

Written only by `digitisation.services`. The row says where the electronic copy came from (the
source flag the national portal syncs: DuocSoHoa, DuocTaiSuDung, DuocLayTuKhoDMQG), the clerk's
TT 01/2023/TT-VPCP Art. 8.2 checks for a copy made here, and who recorded it when.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    DIGITISED = "digitised", _("Số hóa tại Bộ phận Một cửa")
    REUSED = "reused", _("Tái sử dụng kết quả số hóa đã có")
    DATA_STORE = "data_store", _("Lấy từ Kho quản lý dữ liệu điện tử")
    EXEMPT = "exempt", _("Miễn số hóa")
    ELECTRONIC = "electronic", _("Nộp trực tuyến (bản điện tử)")


class ExemptReason(models.TextChoices):
    """TT 03/2025/TT-VPCP Art. 5.2: the paper cases that need not be digitised (an online dossier,
    the article's first case, is `Source.ELECTRONIC`, not an exemption)."""

    SHOWN_ONLY = "shown_only", _("Giấy tờ chỉ yêu cầu xuất trình để đối chiếu")
    INTER_AGENCY = "inter_agency", _("Kết quả xác minh, ý kiến trao đổi giữa các cơ quan có thẩm quyền")
    CLASSIFIED = "classified", _("Tài liệu thuộc danh mục bí mật nhà nước")


class Component(models.Model):
    dossier = models.ForeignKey("workflows.Dossier", on_delete=models.PROTECT, related_name="components",
                                verbose_name=_("hồ sơ"))
    # Null for a component outside the procedure's list ("giấy tờ khác"); kept by name then.
    required_document = models.ForeignKey(
        "procedures.RequiredDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("thành phần hồ sơ"),
    )
    document_name = models.TextField(_("tên thành phần hồ sơ"))
    source = models.CharField(_("nguồn bản điện tử"), max_length=12, choices=Source.choices)
    # The scan or upload stored for this dossier (digitised, electronic)…
    file = models.ForeignKey("workflows.DossierFile", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("tệp"))
    # …or the earlier dossier's file used again (reused): no bytes are copied.
    reused_file = models.ForeignKey("workflows.DossierFile", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("tệp được tái sử dụng"))
    data_store_ref = models.CharField(_("mã tài liệu trong Kho dữ liệu"), max_length=200, blank=True)
    exempt_reason = models.CharField(_("lý do miễn số hóa"), max_length=20, choices=ExemptReason.choices,
                                     blank=True)
    pages = models.PositiveSmallIntegerField(_("số trang"), null=True, blank=True)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    # TT 01/2023 Art. 8.2: what the clerk confirmed about a copy made at the counter.
    checked_counts = models.BooleanField(_("đã đối chiếu số bản chính, bản sao"), default=False)
    checked_complete = models.BooleanField(_("đầy đủ, chính xác"), default=False)
    checked_order = models.BooleanField(_("đủ số trang, đúng thứ tự"), default=False)
    checked_legible = models.BooleanField(_("rõ nét, đọc được"), default=False)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("người thực hiện"))
    recorded_at = models.DateTimeField(_("thực hiện lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("thành phần hồ sơ đã số hóa")
        verbose_name_plural = _("thành phần hồ sơ đã số hóa")
        ordering = ["dossier", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "required_document"], name="component_once_per_document",
                                    condition=models.Q(required_document__isnull=False)),
            models.CheckConstraint(
                name="component_source_fields",
                condition=(models.Q(source="digitised", file__isnull=False)
                           | models.Q(source="electronic", file__isnull=False)
                           | models.Q(source="reused", reused_file__isnull=False)
                           | (models.Q(source="data_store") & ~models.Q(data_store_ref=""))
                           | (models.Q(source="exempt") & ~models.Q(exempt_reason=""))),
            ),
        ]
        indexes = [models.Index(fields=["dossier", "source"], name="component_dossier_source")]

    def __str__(self):
        return f"{self.dossier_id}: {self.document_name}"
