"""The counter's "Số hóa thành phần hồ sơ": one POST per component, then back to the dossier page.

Every write goes through digitisation.services; the dossier is found in the clerk's scope first
(another agency's dossier is a 404), and the services check the receiving counter (403).
"""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from procedures.models import RequiredDocument
from workflows.errors import DomainError
from workflows.gates import dossier_or_404, role_required
from workflows.roles import Role

from . import reuse, services
from .forms import ComponentForm
from .models import Source

clerk_only = role_required(Role.CLERK)


def _back(dossier):
    return redirect(f"{reverse('counter:dossier', args=[dossier.pk])}#so-hoa")


def _page(request, dossier, document, form, error, status):
    context = {"dossier": dossier, "document": document, "form": form, "error": error}
    return render(request, "digitisation/component.html", context, status=status)


def _call(request, dossier, document, data):
    """The service for the way chosen; `document` None: a component outside the procedure's list."""
    common = {"actor": request.user, "required_document": document, "note": data["note"]}
    named = {"document_name": data.get("document_name", "")}
    if data["source"] == Source.DIGITISED:
        checks = services.Checks(counts=data["checked_counts"], complete=data["checked_complete"],
                                 order=data["checked_order"], legible=data["checked_legible"])
        return services.digitise(dossier, **common, **named, upload=data["scan"], pages=data["pages"],
                                 originals=data["originals"] or 0, copies=data["copies"] or 0, checks=checks)
    if data["source"] == Source.REUSED:
        return services.reuse(dossier, **common, file_id=data["reused_file"])
    if data["source"] == Source.DATA_STORE:
        return services.from_data_store(dossier, **common, **named, reference=data["data_store_ref"])
    return services.exempt(dossier, **common, **named, reason=data["exempt_reason"])


def _record(request, dossier, document, form):
    if not form.is_valid():
        return _page(request, dossier, document, form, None, 400)
    try:
        row = _call(request, dossier, document, form.cleaned_data)
    except DomainError as error:
        return _page(request, dossier, document, form, error.message, error.http_status)
    messages.success(request, _("Đã ghi nhận thành phần “%(name)s”.") % {"name": row.document_name})
    return _back(dossier)


@clerk_only
@require_POST
def record(request, pk, document_id):
    dossier = dossier_or_404(request.user, pk)
    document = RequiredDocument.objects.filter(pk=document_id, procedure_id=dossier.procedure_id).first()
    if document is None:
        raise Http404(_("Thành phần hồ sơ không thuộc thủ tục này."))
    offers = reuse.offers(dossier, [document])[document.pk] if reuse.may_reuse(request.user, dossier) else []
    return _record(request, dossier, document,
                   ComponentForm(request.POST, request.FILES, offers=offers, prefix=f"c{document.pk}"))


@clerk_only
@require_POST
def record_other(request, pk):
    """Giấy tờ khác: a paper the citizen brought that the procedure does not list, named by the clerk."""
    dossier = dossier_or_404(request.user, pk)
    return _record(request, dossier, None, ComponentForm(request.POST, request.FILES, other=True, prefix="other"))


@clerk_only
@require_POST
def record_electronic(request, pk):
    dossier = dossier_or_404(request.user, pk)
    try:
        rows = services.record_electronic(dossier, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(dossier)
    messages.success(request, _("Đã ghi nhận %(count)s thành phần hồ sơ điện tử.") % {"count": len(rows)})
    return _back(dossier)
