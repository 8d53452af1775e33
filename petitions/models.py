"""Petitions (phản ánh, kiến nghị, PAKN): one model, grown from `workflows.Complaint` (ADR 0038).

The table keeps its name `workflows_complaint`: the rows recorded before the move (a petition about
a dossier, received and maybe concluded) stay valid, and TT 01/2018 indicator 7 reads the same rows.
Only `petitions.services` writes them; the time limits and the on-time predicates are in
`petitions.rules`.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PetitionChannel(models.TextChoices):
    PUBLIC = "public", _("Trang phản ánh, kiến nghị công khai")
    COUNTER = "counter", _("Tại Trung tâm, Bộ phận Một cửa")


class PetitionClass(models.TextChoices):
    """QĐ 766 indicator 5.1 counts petitions by classification (tracked, no points)."""

    CONDUCT = "conduct", _("Hành vi, thái độ của cán bộ, công chức")
    HANDLING = "handling", _("Việc giải quyết thủ tục hành chính, hồ sơ")
    REGULATION = "regulation", _("Quy định hành chính, thủ tục hành chính")
    OTHER = "other", _("Nội dung khác")


class PetitionState(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, đang xử lý")
    AWAITING_INFO = "awaiting_info", _("Chờ bổ sung thông tin")
    REFUSED = "refused", _("Từ chối xử lý")
    ANSWERED = "answered", _("Đã có kết quả xử lý")
    PUBLISHED = "published", _("Đã công khai kết quả")


class Petition(models.Model):
    """A petition (phản ánh, kiến nghị), about a dossier or not.

    Feeds TT 01/2018 indicator 7 (one found unsubstantiated does not count) and QĐ 766 group 5.
    `agency` is the receiving unit (the centre or counter that handles it, NĐ 118/2025 Art. 8):
    its unit's working calendar counts the time limits.
    """

    # --- the fields of workflows.Complaint, unchanged in meaning -------------------------
    dossier = models.ForeignKey("workflows.Dossier", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="petitions", verbose_name=_("hồ sơ liên quan"))
    text = models.TextField(_("nội dung"))
    received_at = models.DateTimeField(default=timezone.now)
    # Concluded (xử lý xong): the answer was given; for a refused petition this stays empty.
    resolved_at = models.DateTimeField(null=True, blank=True)
    unsubstantiated = models.BooleanField(
        _("kết luận không đúng"), default=False,
        help_text=_("Đã xác minh, kết luận phản ánh không đúng hoặc vu cáo."),
    )

    # --- the lifecycle (ADR 0038) ---------------------------------------------------------
    agency = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("nơi tiếp nhận"))
    petitioner_name = models.CharField(_("họ tên người phản ánh"), max_length=200, blank=True)
    petitioner_contact = models.CharField(_("số điện thoại hoặc thư điện tử"), max_length=200, blank=True)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=PetitionChannel.choices,
                               default=PetitionChannel.COUNTER)
    classification = models.CharField(_("phân loại"), max_length=12, choices=PetitionClass.choices, blank=True)
    state = models.CharField(_("trạng thái"), max_length=16, choices=PetitionState.choices,
                             default=PetitionState.RECEIVED, db_index=True)
    refuse_due_at = models.DateTimeField(_("hạn từ chối"), null=True, blank=True)
    ask_due_at = models.DateTimeField(_("hạn đề nghị bổ sung"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    refused_at = models.DateTimeField(_("thời điểm từ chối"), null=True, blank=True)
    refuse_reason = models.TextField(_("lý do từ chối"), blank=True)
    asked_at = models.DateTimeField(_("thời điểm đề nghị bổ sung"), null=True, blank=True)
    ask_text = models.TextField(_("nội dung cần bổ sung"), blank=True)
    answer = models.TextField(_("kết quả xử lý"), blank=True)
    published_at = models.DateTimeField(_("thời điểm công khai"), null=True, blank=True)
    disliked = models.BooleanField(_("không hài lòng với kết quả"), default=False)
    re_raised_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="re_raised_by", verbose_name=_("phản ánh lại từ"))

    class Meta:
        db_table = "workflows_complaint"
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [models.Index(fields=["agency", "received_at"], name="petition_agency_received"),
                   models.Index(fields=["state", "published_at"], name="petition_published")]

    def __str__(self):
        return f"{self.dossier_id or '-'}: {self.text[:40]}"

    @property
    def reference(self) -> str:
        """The number the petitioner is given (and quotes when asking again)."""
        return f"PAKN-{timezone.localtime(self.received_at):%y%m%d}-{self.pk:05d}"


class PetitionEvent(models.Model):
    """One step of a petition (who, when, what): the petition's own trail, about a dossier or not.
    A petition about a dossier also writes the dossier's audited event (workflows.audit)."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("bước xử lý phản ánh")
        verbose_name_plural = _("bước xử lý phản ánh")

    def __str__(self):
        return f"{self.petition_id}: {self.action}"
