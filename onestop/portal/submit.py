"""Nộp hồ sơ trực tuyến (online service level "một phần"): pick a procedure, fill, upload.

Every file is checked before anything is written; the submission, its files and its
messages are then one transaction, and files written for a failed one are removed.
"""
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.cache import never_cache

from notifications.messages import notify_citizen
from procedures.models import Agency, OnlineLevel, Procedure, RequiredDocument
from workflows import services, uploads
from workflows.codes import lookup_url
from workflows.errors import DomainError, InvalidInput

from .forms import ApplicantForm

ONLINE = (OnlineLevel.PARTIAL, OnlineLevel.FULL)
LIST_LIMIT = 50


def choose(request):
    """The procedures offered online, searchable by name or code."""
    q = (request.GET.get("q") or "").strip()[:100]
    procedures = Procedure.objects.in_force().filter(online_level__in=ONLINE).select_related("level")
    if q:
        procedures = procedures.filter(Q(name__icontains=q) | Q(code__icontains=q))
    procedures = list(procedures.order_by("name")[: LIST_LIMIT + 1])
    return render(request, "portal/submit_choose.html", {
        "q": q, "procedures": procedures[:LIST_LIMIT], "more": len(procedures) > LIST_LIMIT,
    })


def _counters(procedure):
    """One-stop counters of the procedure's level (xã, huyện or tỉnh)."""
    return (
        Agency.objects.in_force()
        .filter(kind__is_one_stop_counter=True, unit__level_id=procedure.level_id)
        .select_related("unit").order_by("unit__name", "name")
    )


def _checked_files(form) -> list[tuple[RequiredDocument, uploads.CheckedFile]]:
    checked = []
    for doc in form.documents:
        upload = form.cleaned_data.get(f"doc_{doc.pk}")
        if not upload:
            continue
        try:
            checked.append((doc, uploads.check(upload)))
        except InvalidInput as exc:
            form.add_error(f"doc_{doc.pk}", str(exc.message))
    return checked


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
                document_ids=[doc.pk for doc, _f in checked],
            )
            for doc, file in checked:
                attached.append(services.attach_file(receipt.dossier, checked_file=file, required_document=doc))
            event = receipt.dossier.events.get(action="submit_online")
            notify_citizen(event, secret=receipt.secret)
    except BaseException:
        uploads.remove(f.stored_name for f in attached)  # their rows went with the rollback
        raise
    return receipt


def _form_context(procedure, form):
    return {"procedure": procedure, "form": form, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}


@never_cache
def submit(request, procedure_id):
    procedure = get_object_or_404(Procedure.objects.in_force().filter(online_level__in=ONLINE), pk=procedure_id)
    counters = _counters(procedure)
    if request.method != "POST":
        form = ApplicantForm(procedure=procedure, agencies=counters)
        return render(request, "portal/submit_form.html", _form_context(procedure, form))
    form = ApplicantForm(request.POST, request.FILES, procedure=procedure, agencies=counters)
    if form.is_valid():
        checked = _checked_files(form)
        if form.is_valid():  # file errors were added to the form
            try:
                receipt = _submit(procedure, form, checked)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                return render(request, "portal/receipt.html", {
                    "dossier": receipt.dossier, "secret": receipt.secret, "link": lookup_url(receipt.dossier),
                })
    return render(request, "portal/submit_form.html", _form_context(procedure, form), status=400)
