"""Nộp hồ sơ trực tuyến (online service level "một phần"): pick a procedure, fill, upload.

Every file is checked before anything is written; the submission, its files and its
messages are then one transaction, and files written for a failed one are removed.
"""
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from notifications.messages import notify_citizen
from procedures.models import AdministrativeUnit, Agency, OnlineLevel, Procedure, RequiredDocument
from workflows import services, uploads
from workflows.codes import lookup_url
from workflows.errors import DomainError, InvalidInput

from . import staging
from .forms import ApplicantForm
from .public import public_page

ONLINE = (OnlineLevel.PARTIAL, OnlineLevel.FULL)
LIST_LIMIT = 50
NATIONAL_PORTAL_URL = "https://dichvucong.gov.vn"


def _national_portal_page(request):
    """Online submission switched off (ONLINE_SUBMISSION_ENABLED, ADR 0037): point to the portal."""
    return public_page(request, "portal/submit_national.html", {"portal_url": NATIONAL_PORTAL_URL})


def choose(request):
    """The procedures offered online, searchable by name or code."""
    if not settings.ONLINE_SUBMISSION_ENABLED:
        return _national_portal_page(request)
    q = (request.GET.get("q") or "").strip()[:100]
    procedures = Procedure.objects.in_force().filter(online_level__in=ONLINE).select_related("level")
    if q:
        procedures = procedures.filter(Q(name__icontains=q) | Q(code__icontains=q))
    procedures = list(procedures.order_by("name")[: LIST_LIMIT + 1])
    return public_page(request, "portal/submit_choose.html", {
        "q": q, "procedures": procedures[:LIST_LIMIT], "more": len(procedures) > LIST_LIMIT,
    })


def _counters(procedure) -> list[Agency]:
    """The one-stop counters of the procedure's level (the province's centre, or the communes'), their
    branches and reception points: agencies and units in force today."""
    return list(
        Agency.objects.in_force()
        .filter(kind__is_one_stop_counter=True, unit__level_id=procedure.level_id,
                unit__in=AdministrativeUnit.objects.in_force())
        .select_related("unit__level").order_by("unit__name", "name")
    )


def _checked_files(form, batch) -> tuple[list[tuple[RequiredDocument, uploads.CheckedFile]], list]:
    """Each document's new upload (checked), or else the one staged earlier (checked again), and the
    staged files opened (for the caller to close)."""
    checked, opened = [], []
    for doc in form.documents:
        upload = form.files.get(f"doc_{doc.pk}")
        if upload:
            try:
                checked.append((doc, uploads.check(upload)))
            except InvalidInput as exc:
                form.add_error(f"doc_{doc.pk}", str(exc.message))
            continue
        kept = batch.files.get(doc.pk)
        if kept is not None:
            file = staging.checked_or_none(kept)
            if file is None:
                form.add_error(f"doc_{doc.pk}", _("Tệp đã tải lên trước đó không còn: hãy chọn lại tệp."))
            else:
                checked.append((doc, file))
                opened.append(file.upload)
    return checked, opened


def _submit(procedure, form, checked):
    data = form.cleaned_data
    applicant = services.Applicant(
        name=data["name"], id_number=data["id_number"], phone=data["phone"], email=data["email"],
        address=data["address"],
    )
    attached = []
    try:
        with transaction.atomic():
            receipt = services.submit_online(
                procedure=procedure, agency=data["agency"], applicant=applicant,
                document_ids=[doc.pk for doc, _f in checked], paper_result=form.wants_paper(),
            )
            for doc, file in checked:
                attached.append(services.attach_file(receipt.dossier, checked_file=file, required_document=doc))
            event = receipt.dossier.events.get(action="submit_online")
            notify_citizen(event, secret=receipt.secret)
    except BaseException:
        uploads.remove(f.stored_name for f in attached)  # their rows went with the rollback
        raise
    return receipt, attached


def _form_page(request, procedure, form, batch, status=200):
    return public_page(request, "portal/submit_form.html", {
        "procedure": procedure, "form": form, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
        "staged_token": batch.token,
    }, status=status)


@never_cache
def submit(request, procedure_id):
    if not settings.ONLINE_SUBMISSION_ENABLED:
        return _national_portal_page(request)
    procedure = get_object_or_404(Procedure.objects.in_force().filter(online_level__in=ONLINE), pk=procedure_id)
    counters = _counters(procedure)
    if request.method != "POST":
        form = ApplicantForm(procedure=procedure, agencies=counters)
        return _form_page(request, procedure, form, staging.new_batch(procedure.pk))
    batch = staging.load(request.POST.get("staged", ""), procedure.pk)
    form = ApplicantForm(request.POST, request.FILES, procedure=procedure, agencies=counters, staged=batch.files)
    form.is_valid()
    checked, opened = _checked_files(form, batch)
    try:
        if form.is_valid():  # file errors were added to the form
            try:
                receipt, attached = _submit(procedure, form, checked)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                batch.discard()
                return _confirmation(request, receipt, attached)
        # Keep the new uploads that passed their check: the citizen corrects the form without
        # choosing those files again.
        staged = {id(handle) for handle in opened}
        for doc, file in checked:
            if id(file.upload) not in staged:
                batch.keep(doc.pk, file)
    finally:
        for handle in opened:
            handle.close()
    form.show_staged(batch.files)
    return _form_page(request, procedure, form, batch, status=400)


def _confirmation(request, receipt, attached):
    """Đã nộp hồ sơ: the code, the secret (shown this once), the office and what happens next."""
    dossier = receipt.dossier
    office = dossier.receiving_agency
    return public_page(request, "portal/receipt.html", {
        "dossier": dossier, "secret": receipt.secret, "office": office, "unit": office.unit,
        "files": attached, "link": lookup_url(dossier),
    })
