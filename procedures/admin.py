from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    CalendarDay,
    Field,
    OfficeHours,
    OnestopTarget,
    Procedure,
    ProcedureStep,
    RequiredDocument,
    UnitLevel,
)
from .versions import publish_new_version


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank"]


class AgencyInline(admin.TabularInline):
    model = Agency
    extra = 0
    fields = ["name", "kind", "identifier", "parent", "valid_from", "valid_to"]
    autocomplete_fields = ["parent"]
    show_change_link = True


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "valid_from", "valid_to", "is_difficult_area"]
    list_editable = ["is_difficult_area"]  # a province ticks its difficult communes from its published list
    list_filter = ["level", "valid_to", "is_difficult_area"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "successors"]
    list_select_related = ["level", "parent"]
    inlines = [AgencyInline]


@admin.register(AgencyKind)
class AgencyKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_one_stop_counter"]
    search_fields = ["name", "code"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "identifier", "kind", "unit", "parent", "valid_to"]
    list_filter = ["kind", "unit__level", ("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name", "identifier", "unit__name"]
    # A centre's branches and reception points (NĐ 118/2025 Art. 7) name the centre as their parent.
    autocomplete_fields = ["unit", "parent"]
    list_select_related = ["kind", "unit", "parent"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class ProcedureStepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0


class InForceFilter(admin.SimpleListFilter):
    """Versions by their validity today (a version = a row; see procedures/versions.py)."""

    title = _("hiệu lực")
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", _("đang có hiệu lực")), ("upcoming", _("chưa có hiệu lực")),
                ("ended", _("đã hết hiệu lực"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.in_force(today)
        if self.value() == "upcoming":
            return queryset.filter(valid_from__gt=today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lte=today)
        return queryset


class NewVersionForm(forms.Form):
    valid_from = forms.DateField(
        label=_("Ngày áp dụng phiên bản mới"), widget=AdminDateWidget,
        help_text=_("Phiên bản hiện tại hết hiệu lực từ ngày này."),
    )


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code", "name", "field", "level", "time_limit_display", "online_level",
        "is_one_stop", "is_interlinked", "boundless_receipt", "valid_from", "valid_to",
    ]
    list_filter = [
        InForceFilter, "level", "online_level", "is_one_stop", "is_interlinked", "boundless_receipt",
        "competence_basis", "time_limit_unit", "supplement_clock_rule", "field",
    ]
    actions = ["new_version"]
    search_fields = ["code", "name", "field__name"]
    list_select_related = ["field", "level"]
    autocomplete_fields = ["field"]
    inlines = [RequiredDocumentInline, ProcedureStepInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "level", "competent_agency_kind"]}),
        (_("Thời hạn"), {"fields": ["time_limit_value", "time_limit_unit", "time_limit_difficult_value",
                                    "supplement_clock_rule", "supplement_days"]}),
        (_("Phí, lệ phí"), {"fields": ["fee_amount", "fee_note"]}),
        (_("Cơ chế"), {"fields": ["online_level", "is_one_stop", "is_interlinked"]}),
        # NĐ 118/2025 Art. 14: the province's list, and what names the competent unit of a dossier on it.
        (_("Tiếp nhận không phụ thuộc địa giới hành chính"), {"fields": ["boundless_receipt", "competence_basis"]}),
        (_("Nguồn và hiệu lực"), {
            "fields": ["legal_basis", "result_document", "publishing_decision", "source_url",
                       "valid_from", "valid_to"],
        }),
    ]

    @admin.display(description=_("thời hạn"))
    def time_limit_display(self, obj):
        return obj.time_limit_display

    @admin.action(description=_("Tạo phiên bản mới…"), permissions=["add", "change"])
    def new_version(self, request, queryset):
        """Ask the date, then publish a new version of each selected procedure (edited afterwards)."""
        form = NewVersionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            created = []
            for procedure in queryset:
                try:
                    created.append(publish_new_version(procedure, form.cleaned_data["valid_from"]))
                except ValidationError as exc:
                    self.message_user(request, f"{procedure.code}: {' '.join(exc.messages)}", messages.ERROR)
            if created:
                self.message_user(request, _("Đã tạo %(count)d phiên bản mới.") % {"count": len(created)},
                                  messages.SUCCESS)
            if len(created) == 1:  # the usual case: go on to amend the new version
                return redirect(reverse("admin:procedures_procedure_change", args=[created[0].pk]))
            return None
        title = _("Tạo phiên bản mới")
        return TemplateResponse(request, "admin/procedures/procedure/new_version.html", {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": _("Mỗi thủ tục được chọn có thêm một phiên bản, sao chép cả thành phần hồ sơ và các bước xử "
                       "lý, có hiệu lực từ ngày dưới đây; phiên bản hiện tại hết hiệu lực từ ngày đó. Hồ sơ đã "
                       "tiếp nhận vẫn theo phiên bản cũ."),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ["__str__", "morning_start", "morning_end", "afternoon_start", "afternoon_end",
                    "same_day_cutoff"]
    autocomplete_fields = ["unit"]


@admin.register(OnestopTarget)
class OnestopTargetAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "share_percent"]
    list_filter = ["year"]
    autocomplete_fields = ["unit"]
