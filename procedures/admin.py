import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import catalog_io, catalog_upload
from .calendar import load_calendar
from .models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    CalendarDay,
    DayKind,
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
    # Few columns, so the name wraps in a wide one and reads whole; field and time limit sit under it.
    list_display = ["code", "name_display", "level", "validity"]
    list_display_links = ["code", "name_display"]
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

    def get_urls(self):
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="procedures_procedure_import"),
            path("import/<str:token>/", self.admin_site.admin_view(self.import_report_view),
                 name="procedures_procedure_import_report"),
        ]
        return own + super().get_urls()

    @admin.display(description=_("tên thủ tục"), ordering="name")
    def name_display(self, obj):
        details = [obj.field.name if obj.field_id else "", obj.time_limit_display]
        if obj.is_one_stop:
            details.append(_("qua Bộ phận Một cửa"))
        return format_html('<span class="procedure-name">{}</span><small class="procedure-meta">{}</small>',
                           obj.name, " · ".join(str(d) for d in details if d))

    @admin.display(description=_("hiệu lực"), ordering="valid_from")
    def validity(self, obj):
        today = timezone.localdate()
        if obj.valid_to is not None and obj.valid_to <= today:
            state = _("đã hết hiệu lực")
        elif obj.valid_from is not None and obj.valid_from > today:
            state = _("chưa có hiệu lực")
        else:
            state = _("đang có hiệu lực")
        span = []
        if obj.valid_from:
            span.append(_("từ %(date)s") % {"date": obj.valid_from.strftime("%d/%m/%Y")})
        if obj.valid_to:
            span.append(_("hết hiệu lực từ %(date)s") % {"date": obj.valid_to.strftime("%d/%m/%Y")})
        return format_html("<b>{}</b><small class=\"procedure-meta\">{}</small>", state, ", ".join(span))

    # --- catalog import from the web: upload, parse report (dry run), confirm ---------------

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = catalog_upload.UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            staged = catalog_upload.stage(form.cleaned_data["file"], form.cleaned_data["format"],
                                          create_kinds=form.cleaned_data["create_kinds"], user=request.user)
            return redirect(reverse("admin:procedures_procedure_import_report", args=[staged.token]))
        return TemplateResponse(request, "admin/procedures/procedure/import_form.html", {
            **self.admin_site.each_context(request), "title": _("Nhập danh mục thủ tục hành chính từ tệp"),
            "opts": self.model._meta, "form": form, "media": self.media + form.media,
            "columns": catalog_io.COLUMNS, "required": catalog_io.REQUIRED_COLUMNS,
        }, status=400 if form.is_bound else 200)

    def import_report_view(self, request, token):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        staged = catalog_upload.load(token, user=request.user)
        if staged is None:
            self.message_user(request, _("Không tìm thấy tệp đã tải lên (đã nhập hoặc đã quá hạn); hãy tải lại."),
                              messages.WARNING)
            return redirect(reverse("admin:procedures_procedure_import"))
        if request.method == "POST":
            if "cancel" in request.POST:
                catalog_upload.discard(staged)
                self.message_user(request, _("Đã hủy, không nhập gì."), messages.INFO)
                return redirect(reverse("admin:procedures_procedure_import"))
            outcome = catalog_upload.confirm(staged)
            if outcome.errors:
                self.message_user(request, _("Không nhập được: danh mục đã thay đổi từ lúc kiểm tra, hãy kiểm tra lại "
                                             "(%(count)d lỗi).") % {"count": len(outcome.errors)}, messages.ERROR)
                return redirect(reverse("admin:procedures_procedure_import_report", args=[token]))
            self.message_user(request, _("Đã nhập danh mục: thêm mới %(created)d, cập nhật %(updated)d, không đổi "
                                         "%(unchanged)d.") % outcome.counts, messages.SUCCESS)
            return redirect(reverse("admin:procedures_procedure_changelist"))
        return TemplateResponse(request, "admin/procedures/procedure/import_report.html", {
            **self.admin_site.each_context(request), "title": _("Kết quả kiểm tra tệp danh mục"),
            "opts": self.model._meta, "staged": staged, "report": staged.report,
        })

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

    def get_urls(self):
        month = path("month/", self.admin_site.admin_view(self.month_view), name="procedures_calendarday_month")
        return [month, *super().get_urls()]

    def month_view(self, request):
        """The working calendar as a month grid: working days, weekends, holidays, days off in lieu and
        make-up working days, as the deadline arithmetic (procedures.calendar) counts them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year", today.year))
            month = int(request.GET.get("month", today.month))
            first = dt.date(year, month, 1)
        except ValueError:
            year, month, first = today.year, today.month, today.replace(day=1)
        context = {
            **self.admin_site.each_context(request), **month_grid(first, today),
            "title": _("Lịch làm việc tháng %(month)d/%(year)d") % {"month": month, "year": year},
            "opts": self.model._meta, "can_change": self.has_change_permission(request),
            "can_add": self.has_add_permission(request),
            "years": range(year - 2, year + 3), "months": range(1, 13), "year": year, "month": month,
        }
        return TemplateResponse(request, "admin/procedures/calendarday/month.html", context)


WEEKDAYS = [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")]
DAY_CLASSES = {  # how each day reads in the grid, and its legend
    "working": _("ngày làm việc"),
    "weekend": _("nghỉ cuối tuần"),
    DayKind.HOLIDAY: _("ngày lễ, Tết"),
    DayKind.DAY_OFF: _("nghỉ bù, hoán đổi"),
    DayKind.MAKEUP_WORKDAY: _("làm bù"),
}


def month_grid(first: dt.date, today: dt.date) -> dict:
    """Weeks (Monday first) of the month starting `first`; each day with its kind, name and whether it is
    a working day by the province's calendar."""
    calendar = load_calendar()
    start = first - dt.timedelta(days=first.weekday())
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    end = next_month + dt.timedelta(days=(7 - next_month.weekday()) % 7)
    special = {d.date: d for d in CalendarDay.objects.filter(date__gte=start, date__lt=end)}
    weeks, day, working = [], start, 0
    while day < end:
        week = []
        for _i in range(7):
            row = special.get(day)
            kind = row.kind if row else ("weekend" if day.weekday() >= 5 else "working")
            is_working = calendar.is_working_day(day)
            if is_working and day.month == first.month:
                working += 1
            week.append({"date": day, "kind": kind, "label": DAY_CLASSES[kind], "name": row.name if row else "",
                         "row": row, "working": is_working, "in_month": day.month == first.month,
                         "today": day == today})
            day += dt.timedelta(days=1)
        weeks.append(week)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    return {"weeks": weeks, "weekdays": WEEKDAYS, "legend": list(DAY_CLASSES.items()), "working_days": working,
            "previous": previous, "next": next_month, "first": first,
            "exceptions": [d for d in special.values() if d.date.month == first.month]}


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
