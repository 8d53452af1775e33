"""The official forms in the admin: download links on a dossier's page and the tracking book.

The engine's read-only dossier admin (workflows.admin) is extended here rather than there, so the
engine never imports the forms that are built on it.
"""
import datetime as dt

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency
from workflows.admin import DossierAdmin
from workflows.errors import DomainError
from workflows.models import Dossier

from .render import (
    FORM_KINDS,
    applicable_kinds,
    filename,
    form_of,
    render_form,
    render_tracking_book,
    tracking_book_form,
)


class DossierFormsAdmin(DossierAdmin):
    readonly_fields = ["official_forms"]

    # --- official forms (biểu mẫu of the dossier's set, TT 01/2018 or TT 03/2025): read-only links -----

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
        links = []
        for kind in applicable_kinds(obj):
            form = form_of(kind, obj)
            links.append((reverse("admin:workflows_dossier_form", args=[obj.pk, kind]),
                          f"Mẫu {form.number} – {form.title}"))
        if obj.received_at:
            day = timezone.localtime(obj.received_at).date().replace(day=1)
            month_end = (day + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            query = f"?agency={obj.receiving_agency_id}&from={day.isoformat()}&to={month_end.isoformat()}"
            book = tracking_book_form(day)
            links.append((reverse("admin:workflows_dossier_tracking_book") + query,
                          f"Mẫu {book.number} – {book.title} tháng {day:%m/%Y}"))
        if not links:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links))

    def form_pdf(self, request, pk, kind):
        dossier = self.get_object(request, str(pk))
        if dossier is None or kind not in FORM_KINDS:
            raise Http404
        if not self.has_view_permission(request, dossier):
            raise Http404
        try:
            pdf = render_form(kind, dossier)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("admin:workflows_dossier_change", pk)
        return _pdf_response(pdf, filename(kind, dossier))

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
            pdf = render_tracking_book(agency, date_from, date_to)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("admin:workflows_dossier_changelist")
        return _pdf_response(pdf, f"so-theo-doi-{agency.identifier}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.pdf")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


admin.site.unregister(Dossier)
admin.site.register(Dossier, DossierFormsAdmin)
