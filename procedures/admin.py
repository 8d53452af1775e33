from django.contrib import admin
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


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank"]


class AgencyInline(admin.TabularInline):
    model = Agency
    extra = 0
    fields = ["name", "kind", "identifier", "valid_from", "valid_to"]
    show_change_link = True


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "valid_to"]
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
    list_display = ["name", "identifier", "kind", "unit", "valid_to"]
    list_filter = ["kind", "unit__level"]
    search_fields = ["name", "identifier", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["kind", "unit"]


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


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code", "name", "field", "level", "time_limit_display", "online_level",
        "is_one_stop", "is_interlinked",
    ]
    list_filter = [
        "level", "online_level", "is_one_stop", "is_interlinked", "time_limit_unit",
        "supplement_clock_rule", "field",
    ]
    search_fields = ["code", "name", "field__name"]
    list_select_related = ["field", "level"]
    autocomplete_fields = ["field"]
    inlines = [RequiredDocumentInline, ProcedureStepInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "level", "competent_agency_kind"]}),
        (_("Thời hạn"), {"fields": ["time_limit_value", "time_limit_unit", "supplement_clock_rule"]}),
        (_("Phí, lệ phí"), {"fields": ["fee_amount", "fee_note"]}),
        (_("Cơ chế"), {"fields": ["online_level", "is_one_stop", "is_interlinked"]}),
        (_("Nguồn và hiệu lực"), {
            "fields": ["legal_basis", "result_document", "publishing_decision", "source_url",
                       "valid_from", "valid_to"],
        }),
    ]

    @admin.display(description=_("thời hạn"))
    def time_limit_display(self, obj):
        return obj.time_limit_display


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
