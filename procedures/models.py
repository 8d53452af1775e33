"""The catalog: administrative units, agencies, fields, procedures and the working calendar.

A procedure is data: its ordered steps name the handling agency *relative to the receiving
unit* (an agency kind, N levels up the unit tree), so one definition serves every commune.
"""
import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ValidityQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None):
        """Rows valid on a date (today by default): valid_from <= day < valid_to."""
        day = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gt=day),
        )


def periods_overlap(a_from: dt.date | None, a_to: dt.date | None,
                    b_from: dt.date | None, b_to: dt.date | None) -> bool:
    """Whether two validity periods [from, to) share a day; None is unbounded on that side."""
    return (a_to is None or b_from is None or b_from < a_to) and (b_to is None or a_from is None or a_from < b_to)


def _date_text(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


class UnitLevel(models.Model):
    """A level of the administrative tree (cấp hành chính): data, not code.

    Today: province / commune (two tiers since 1/7/2025); before: province / district /
    commune. `rank` orders levels from the top (0 = province).
    """

    code = models.SlugField(_("mã cấp"), max_length=20, unique=True)
    name = models.CharField(_("tên cấp"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("thứ bậc"), help_text=_("0 là cấp cao nhất"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("cấp hành chính")
        verbose_name_plural = _("cấp hành chính")

    def __str__(self):
        return self.name


class AdministrativeUnit(models.Model):
    """An administrative unit (đơn vị hành chính) in a tree, with validity dates.

    `path` is a materialised path of ids ("/1/5/42/") kept on save so a subtree is one
    indexed prefix filter (see PERFORMANCE.md: recursive CTEs mislead the planner).
    """

    code = models.CharField(_("mã đơn vị hành chính"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    level = models.ForeignKey(UnitLevel, on_delete=models.PROTECT, verbose_name=_("cấp"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(
        _("hết hiệu lực từ"), null=True, blank=True,
        help_text=_("Ngày đơn vị không còn tồn tại (ví dụ 01/07/2025 với cấp huyện)."),
    )
    successors = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )
    # One class is enough: the texts that lengthen a limit list mountainous, island, remote and
    # (especially) disadvantaged communes together and give them all the same longer limit.
    is_difficult_area = models.BooleanField(
        _("xã thuộc vùng khó khăn, miền núi, hải đảo"), default=False,
        help_text=_("Xã miền núi, hải đảo, vùng sâu, vùng xa, vùng có điều kiện kinh tế - xã hội khó khăn "
                    "hoặc đặc biệt khó khăn: hồ sơ áp dụng thời hạn dành cho vùng này nếu thủ tục có quy định."),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            # Codes are reused across reorganisations (a 2025 commune may carry a dissolved
            # one's code): unique among units still in existence only.
            models.UniqueConstraint(
                fields=["code", "level"], condition=Q(valid_to__isnull=True), name="unit_code_level_current",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.parent.level.rank >= self.level.rank:
            raise ValidationError({"parent": _("Đơn vị cấp trên phải thuộc cấp cao hơn.")})
        if self.pk and self.parent_id:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("Cây đơn vị không được có vòng lặp.")})
                ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if new_path != old_path:
            type(self).objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                # Re-root the subtree: descendants keep their suffix under the new prefix.
                for child in type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path):]
                    type(self).objects.filter(pk=child.pk).update(path=child.path)

    def ancestor(self, levels_up: int) -> "AdministrativeUnit | None":
        """The unit `levels_up` steps above this one (0 = itself)."""
        unit = self
        for _i in range(levels_up):
            if unit.parent_id is None:
                return None
            unit = unit.parent
        return unit

    def subtree(self):
        return type(self).objects.filter(path__startswith=self.path)

    def subtree_ids(self) -> list[int]:
        return list(self.subtree().values_list("pk", flat=True))


class AgencyKind(models.Model):
    """The kind of an agency (loại cơ quan): one-stop counter, People's Committee, …

    Procedure steps name kinds, not agencies, so one procedure serves every unit.
    """

    ONE_STOP = "one_stop"

    code = models.SlugField(_("mã loại"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=200)
    is_one_stop_counter = models.BooleanField(
        _("là Bộ phận Một cửa"), default=False,
        help_text=_("Bộ phận tiếp nhận và trả kết quả."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("loại cơ quan")
        verbose_name_plural = _("loại cơ quan")

    def __str__(self):
        return self.name


class Agency(models.Model):
    """An agency or office (cơ quan, đơn vị) within an administrative unit.

    A public administration service centre's branches (chi nhánh) and reception points (điểm tiếp
    nhận, NĐ 118/2025 Art. 7) are agencies of a one-stop kind whose `parent` is the centre.
    """

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="agencies",
        verbose_name=_("đơn vị hành chính"),
    )
    kind = models.ForeignKey(AgencyKind, on_delete=models.PROTECT, verbose_name=_("loại"))
    name = models.CharField(_("tên cơ quan"), max_length=255)
    identifier = models.CharField(
        _("mã định danh"), max_length=40, unique=True,
        help_text=_("Mã định danh theo TT 10/2016/TT-BTTTT, ví dụ 000.00.06.H56."),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="branches",
        verbose_name=_("trực thuộc"),
        help_text=_("Trung tâm Phục vụ hành chính công mà chi nhánh, điểm tiếp nhận này trực thuộc."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        indexes = [models.Index(fields=["unit", "kind"])]

    def __str__(self):
        return self.name


class Field(models.Model):
    """A field of administration (lĩnh vực), e.g. Hộ tịch, Đất đai."""

    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self):
        return self.name


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    SAME_DAY = "same_day", _("trong ngày")
    UNSPECIFIED = "unspecified", _("chưa xác định")


class StepDurationUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("không trực tuyến")
    PARTIAL = "partial", _("một phần")
    FULL = "full", _("toàn trình")


class SupplementClockRule(models.TextChoices):
    RESTART = "restart", _("tính lại từ đầu khi nhận đủ hồ sơ")
    PAUSE = "pause", _("tạm dừng trong thời gian chờ bổ sung")


class CompetenceBasis(models.TextChoices):
    """What decides the competent unit of a dossier received regardless of boundary (NĐ 118/2025 Art. 14)."""

    RESIDENCE = "residence", _("nơi cư trú của người yêu cầu")
    LOCATION = "location", _("nơi có đất, tài sản, đối tượng của thủ tục")


class ProcedureQuerySet(ValidityQuerySet):
    def version_of(self, code: str, on: dt.date | None = None) -> "Procedure | None":
        """The version of a procedure code in force on a date (today by default), or None."""
        return self.in_force(on).filter(code=code).first()


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as published in the national catalog.

    A row is one *version* (phiên bản) of a national code: an amended procedure gets a new row
    from the day the amendment applies (`procedures.versions.publish_new_version`), so dossiers
    received earlier keep pointing at the version they were received under. The versions of a
    code have disjoint validity periods [valid_from, valid_to) (docs/decisions/0009).
    """

    code = models.CharField(_("mã thủ tục"), max_length=40, db_index=True)
    name = models.CharField(_("tên thủ tục"), max_length=1500)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, verbose_name=_("lĩnh vực"))
    level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, verbose_name=_("cấp thực hiện"),
        help_text=_("Cấp của đơn vị tiếp nhận hồ sơ."),
    )
    competent_agency_kind = models.ForeignKey(
        AgencyKind, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("loại cơ quan có thẩm quyền"),
    )
    time_limit_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=6, decimal_places=1, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=20, choices=TimeLimitUnit.choices,
        default=TimeLimitUnit.WORKING_DAYS,
    )
    # Published decisions give some procedures a longer limit in difficult areas (e.g. land
    # registration: 8 working days, 18 in mountainous communes); the dossier's unit decides.
    time_limit_difficult_value = models.DecimalField(
        _("thời hạn giải quyết tại vùng khó khăn"), max_digits=6, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Thời hạn tại xã miền núi, hải đảo, vùng sâu, vùng xa, vùng khó khăn, cùng đơn vị "
                    "thời hạn. Để trống nếu thủ tục không có quy định riêng."),
    )
    fee_amount = models.PositiveIntegerField(
        _("phí, lệ phí (đồng)"), null=True, blank=True,
        help_text=_("Để trống nếu không xác định được một mức cố định."),
    )
    fee_note = models.TextField(_("ghi chú phí, lệ phí"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    result_document = models.TextField(_("kết quả thực hiện"), blank=True)
    online_level = models.CharField(
        _("mức dịch vụ công trực tuyến"), max_length=10, choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    is_one_stop = models.BooleanField(
        _("tiếp nhận, trả kết quả qua Bộ phận Một cửa"), default=True,
    )
    is_interlinked = models.BooleanField(_("liên thông"), default=False)
    # TT 03/2025 Art. 13.3 (added by TT 04/2025 Art. 23.2): a procedure run on a centralised national
    # public service gets codes `<identifier>-YYMMDD-AAXXXX`, AA from the host system owner's identifier.
    central_service = models.BooleanField(
        _("dịch vụ công tập trung toàn quốc"), default=False,
        help_text=_("Thủ tục được giải quyết trên hệ thống cung cấp dịch vụ công tập trung trên toàn quốc: "
                    "mã số hồ sơ theo khoản 3 Điều 13 Thông tư số 03/2025/TT-VPCP."),
    )
    central_host_code = models.CharField(
        _("mã cơ quan chủ quản hệ thống tập trung (AA)"), max_length=2, blank=True,
        validators=[RegexValidator(r"^[0-9]{2}$", _("Gồm đúng 02 chữ số."))],
        help_text=_("02 chữ số trong mã định danh điện tử của cơ quan chủ quản hệ thống cung cấp dịch vụ "
                    "công tập trung; bắt buộc với thủ tục dịch vụ công tập trung."),
    )
    # NĐ 118/2025 Art. 14: the province publishes which procedures any centre receives.
    boundless_receipt = models.BooleanField(
        _("tiếp nhận không phụ thuộc địa giới hành chính"), default=False,
        help_text=_("Mọi Trung tâm Phục vụ hành chính công trong tỉnh tiếp nhận; hồ sơ chuyển về đơn vị "
                    "có thẩm quyền giải quyết."),
    )
    competence_basis = models.CharField(
        _("đơn vị có thẩm quyền xác định theo"), max_length=10, choices=CompetenceBasis.choices,
        default=CompetenceBasis.RESIDENCE,
    )
    supplement_days = models.PositiveSmallIntegerField(
        _("thời hạn bổ sung hồ sơ (ngày làm việc)"), null=True, blank=True,
        help_text=_("Quá thời hạn này mà không bổ sung thì dừng giải quyết hồ sơ và thông báo cho người "
                    "nộp. Để trống nếu thủ tục không quy định."),
    )
    supplement_clock_rule = models.CharField(
        _("thời hạn khi bổ sung hồ sơ"), max_length=10, choices=SupplementClockRule.choices,
        default=SupplementClockRule.RESTART,
        help_text=_("Mặc định theo khoản 4 Điều 19 NĐ 61/2018: tính lại từ đầu."),
    )
    publishing_decision = models.CharField(_("quyết định công bố"), max_length=200, blank=True)
    # Public disclosure (công khai TTHC), scored by indicator 6 of TT 01/2018 Art. 13.
    posted_at_counter = models.BooleanField(
        _("niêm yết tại Bộ phận Một cửa"), default=True,
        help_text=_("Thủ tục được niêm yết công khai, chính xác, đầy đủ, kịp thời tại nơi tiếp nhận."),
    )
    published_electronically = models.BooleanField(
        _("công khai điện tử"), default=True,
        help_text=_("Thủ tục được công khai trên Cơ sở dữ liệu quốc gia và Cổng dịch vụ công."),
    )
    source_url = models.URLField(_("nguồn"), max_length=500, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["code", F("valid_from").asc(nulls_first=True)]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        indexes = [models.Index(fields=["level", "field"])]
        # The database's guard for disjoint versions (clean() checks the overlap itself): one
        # version without an end, one without a start, one per start date. Two versions that
        # break any of these always overlap.
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(valid_to__isnull=True),
                                    name="procedure_one_open_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(valid_from__isnull=True),
                                    name="procedure_one_unstarted_version"),
            models.UniqueConstraint(fields=["code", "valid_from"], condition=Q(valid_from__isnull=False),
                                    name="procedure_code_valid_from"),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")})
        if self.time_limit_difficult_value is not None:
            if self.time_limit_unit in (TimeLimitUnit.SAME_DAY, TimeLimitUnit.UNSPECIFIED):
                raise ValidationError({"time_limit_difficult_value": _(
                    "Thời hạn tại vùng khó khăn cần một đơn vị thời hạn có số lượng.")})
            if self.time_limit_value is not None and self.time_limit_difficult_value <= self.time_limit_value:
                raise ValidationError({"time_limit_difficult_value": _(
                    "Thời hạn tại vùng khó khăn phải dài hơn thời hạn giải quyết thông thường.")})
        clash = self.overlapping_versions().first() if self.code else None
        if clash is not None:
            raise ValidationError(
                _("Thời gian hiệu lực trùng với một phiên bản khác của thủ tục %(code)s "
                  "(hiệu lực từ %(start)s, hết hiệu lực từ %(end)s).")
                % {"code": self.code, "start": _date_text(clash.valid_from), "end": _date_text(clash.valid_to)},
                code="overlap",
            )

    def validate_constraints(self, exclude=None):
        # Every constraint of this model is a version constraint, and clean() reports the same
        # conflict as an overlap with the dates: checking both would say it twice.
        super().validate_constraints(exclude={*(exclude or ()), "code"})

    def versions(self):
        """All versions of this procedure's code, oldest first (this one included)."""
        return type(self).objects.filter(code=self.code).order_by(F("valid_from").asc(nulls_first=True))

    def overlapping_versions(self):
        """Other versions of the code whose validity period shares a day with this one's."""
        others = type(self).objects.filter(code=self.code)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.valid_to:
            others = others.filter(Q(valid_from__isnull=True) | Q(valid_from__lt=self.valid_to))
        if self.valid_from:
            others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from))
        return others.order_by(F("valid_from").asc(nulls_first=True))

    @property
    def time_limit_display(self) -> str:
        if self.time_limit_unit in (TimeLimitUnit.SAME_DAY, TimeLimitUnit.UNSPECIFIED):
            return str(self.get_time_limit_unit_display())
        value = Decimal(str(self.time_limit_value)).normalize()
        return f"{value:f} {self.get_time_limit_unit_display()}"


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", _("bản chính")
    CERTIFIED_COPY = "certified_copy", _("bản sao chứng thực")
    COPY = "copy", _("bản sao")
    ORIGINAL_FOR_CHECK = "original_for_check", _("bản chính để đối chiếu")


class RequiredDocument(models.Model):
    """A component of the dossier (thành phần hồ sơ) the counter checks at reception."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="documents",
        verbose_name=_("thủ tục"),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.TextField(_("tên giấy tờ"))
    copies = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    form = models.CharField(
        _("hình thức"), max_length=20, choices=DocumentForm.choices, default=DocumentForm.ORIGINAL,
    )
    is_mandatory = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        ordering = ["procedure", "order", "pk"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self):
        return self.name


class StepRole(models.TextChoices):
    CLERK = "clerk", _("cán bộ một cửa")
    SPECIALIST = "specialist", _("chuyên viên xử lý")
    LEADER = "leader", _("lãnh đạo ký duyệt")


class ProcedureStep(models.Model):
    """One ordered processing step (bước xử lý) of a procedure.

    The handling agency is resolved per dossier: the agency of `agency_kind` in the unit
    `unit_offset` levels above the receiving unit (0 = the receiving unit itself). This
    is how one commune procedure hands over to the district or province (liên thông).
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("thủ tục"),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    unit_offset = models.PositiveSmallIntegerField(
        _("cấp so với nơi tiếp nhận"), default=0,
        help_text=_("0: đơn vị tiếp nhận; 1: đơn vị cấp trên trực tiếp; …"),
    )
    agency_kind = models.ForeignKey(
        AgencyKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("loại cơ quan xử lý"),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=StepRole.choices)
    share_percent = models.DecimalField(
        _("tỷ lệ thời hạn (%)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # The province's approved internal process (quy trình nội bộ) gives each step a time of its own,
    # e.g. "0,5 ngày làm việc" or "4 giờ làm việc"; such a step gets that time, the others share what
    # is left of the limit by their percentages (workflows.deadlines.allot_steps).
    duration_value = models.DecimalField(
        _("thời gian thực hiện bước"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Theo quy trình nội bộ được phê duyệt; để trống thì bước được tính theo tỷ lệ thời hạn."),
    )
    duration_unit = models.CharField(_("đơn vị thời gian của bước"), max_length=16, blank=True,
                                     choices=StepDurationUnit.choices)

    class Meta:
        ordering = ["procedure", "order"]
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "order"], name="step_order_unique"),
            models.CheckConstraint(
                condition=(models.Q(duration_value__isnull=True, duration_unit="")
                           | (models.Q(duration_value__isnull=False) & ~models.Q(duration_unit=""))),
                name="step_duration_with_unit"),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"


class OnestopTarget(models.Model):
    """The target one-stop share (tỷ lệ TTHC qua Bộ phận Một cửa) for a unit and year."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    share_percent = models.DecimalField(
        _("chỉ tiêu (%)"), max_digits=5, decimal_places=2, default=Decimal("68"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("chỉ tiêu tỷ lệ một cửa")
        verbose_name_plural = _("chỉ tiêu tỷ lệ một cửa")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="target_unit_year")]

    def __str__(self):
        return f"{self.unit} {self.year}: {self.share_percent}%"


# --- The working calendar (lịch làm việc) ---------------------------------------------


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("ngày lễ, Tết")
    DAY_OFF = "day_off", _("ngày nghỉ bù / hoán đổi")
    MAKEUP_WORKDAY = "makeup_workday", _("ngày làm bù")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a day off, or a make-up working day."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("tên"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày đặc biệt")
        verbose_name_plural = _("lịch nghỉ, làm bù")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == DayKind.MAKEUP_WORKDAY


class OfficeHours(models.Model):
    """Office hours of a unit (giờ làm việc); the row without a unit is the province default."""

    unit = models.OneToOneField(
        AdministrativeUnit, null=True, blank=True, on_delete=models.CASCADE,
        verbose_name=_("đơn vị"), help_text=_("Để trống: mặc định của tỉnh."),
    )
    morning_start = models.TimeField(_("sáng từ"), default=dt.time(7, 0))
    morning_end = models.TimeField(_("sáng đến"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("chiều từ"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("chiều đến"), default=dt.time(17, 0))
    same_day_cutoff = models.TimeField(
        _("giờ chốt tiếp nhận trong ngày"), default=dt.time(15, 0),
        help_text=_("Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp theo (Điều 18 NĐ 61/2018)."),
    )

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")

    def __str__(self):
        return str(self.unit or _("Mặc định của tỉnh"))

    def clean(self):
        if self.unit_id is None:
            others = OfficeHours.objects.filter(unit__isnull=True).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(_("Chỉ có một giờ làm việc mặc định của tỉnh."))
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(_("Các khung giờ phải tăng dần: sáng từ < sáng đến ≤ chiều từ < chiều đến."))


class CalendarRevision(models.Model):
    """A token replaced by every edit of the calendar, office hours or unit tree.

    Processes cache built calendars keyed by it (`procedures.calendar.load_calendar`): one
    primary-key read per call instead of rebuilding, and still correct on every node. A random
    token rather than a counter: after a rollback, a counter would repeat values for new data.
    """

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("phiên bản lịch làm việc")

    def __str__(self):
        return str(self.number)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0

    @classmethod
    def subquery(cls):
        """The token as a scalar subquery, to read it inside another query for free."""
        return Coalesce(Subquery(cls.objects.filter(pk=1).values("number")[:1]), Value(0))

    @classmethod
    def bump(cls) -> None:
        token = secrets.randbits(62)
        if not cls.objects.filter(pk=1).update(number=token):
            cls.objects.update_or_create(pk=1, defaults={"number": token})
