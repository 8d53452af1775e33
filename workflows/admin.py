"""Admin for the engine's records: read-only. Dossiers change only through the services."""
import datetime as dt

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency

from . import documents
from .errors import DomainError
from .models import (
    Complaint,
    Dossier,
    DossierEvent,
    Notification,
    SatisfactionRating,
    StaffMembership,
    WorkItem,
)
from .privacy import mask_id_number, mask_phone


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "supervised_unit"]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["agency", "supervised_unit"]
    list_select_related = ["user", "agency", "supervised_unit"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    fields = ["seq", "at", "actor", "action", "from_status", "to_status", "step_index", "agency", "note", "hash"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["seq"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "procedure", "receiving_agency", "channel", "status", "received_at", "due_at",
                    "masked_id_number"]
    list_filter = ["status", "channel", "procedure__level", "procedure__field"]
    search_fields = ["code", "applicant_name"]
    date_hierarchy = "received_at"
    list_select_related = ["procedure", "receiving_agency"]
    inlines = [DossierEventInline]
    exclude = ["lookup_secret_hash", "last_event_hash"]
    readonly_fields = ["official_forms"]

    @admin.display(description=_("số định danh"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.applicant_id_number)

    # --- official forms (biểu mẫu TT 01/2018): read-only download links ---------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/forms/<str:kind>/", view(self.form_pdf), name="workflows_dossier_form"),
            path("tracking-book/", view(self.tracking_book_pdf), name="workflows_dossier_tracking_book"),
            *super().get_urls(),
        ]

    @admin.display(description=_("biểu mẫu (PDF)"))
    def official_forms(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        links = [
            (reverse("admin:workflows_dossier_form", args=[obj.pk, kind]),
             f"Mẫu {documents.FORMS[kind][0]} – {documents.FORMS[kind][1]}")
            for kind in documents.applicable_kinds(obj)
        ]
        if obj.received_at:
            day = timezone.localtime(obj.received_at).date().replace(day=1)
            month_end = (day + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            query = f"?agency={obj.receiving_agency_id}&from={day.isoformat()}&to={month_end.isoformat()}"
            links.append((reverse("admin:workflows_dossier_tracking_book") + query,
                          f"Mẫu 06 – Sổ theo dõi hồ sơ tháng {day:%m/%Y}"))
        if not links:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links))

    def form_pdf(self, request, pk, kind):
        dossier = self.get_object(request, str(pk))
        if dossier is None or kind not in documents.FORM_KINDS:
            raise Http404
        if not self.has_view_permission(request, dossier):
            raise Http404
        try:
            pdf = documents.render_form(kind, dossier)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("admin:workflows_dossier_change", pk)
        return _pdf_response(pdf, documents.filename(kind, dossier))

    def tracking_book_pdf(self, request):
        if not self.has_view_permission(request):
            raise Http404
        try:
            agency = get_object_or_404(Agency, pk=int(request.GET.get("agency", "")))
            date_from = dt.date.fromisoformat(request.GET.get("from", ""))
            date_to = dt.date.fromisoformat(request.GET.get("to", ""))
        except ValueError:
            messages.error(request, _("Cần chọn cơ quan và khoảng thời gian hợp lệ (YYYY-MM-DD)."))
            return redirect("admin:workflows_dossier_changelist")
        try:
            pdf = documents.render_tracking_book(agency, date_from, date_to)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("admin:workflows_dossier_changelist")
        return _pdf_response(pdf, f"so-theo-doi-{agency.identifier}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.pdf")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "seq", "at", "actor", "action", "from_status", "to_status", "agency"]
    list_filter = ["action"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "actor", "agency"]


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ["pk", "flow_task", "status", "agency", "role", "owner", "created", "due_at", "finished",
                    "working_seconds"]
    list_filter = ["status", "role"]
    search_fields = ["process__dossier__code"]
    list_select_related = ["agency", "owner"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "channel", "masked_recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "status"]

    @admin.display(description=_("người nhận"))
    def masked_recipient(self, obj):
        return obj.recipient if "@" in obj.recipient else mask_phone(obj.recipient)


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "rating", "created_at"]
    list_filter = ["rating"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["dossier", "received_at", "resolved_at", "unsubstantiated"]
    list_filter = ["unsubstantiated"]
    raw_id_fields = ["dossier"]
