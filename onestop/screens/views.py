"""View helpers shared by the staff screens (counter, desk); both call the services, never the models.

- role gates and dossier lookup scoped by `dossiers_for` (another agency's dossier is a 404);
- the stale-form guard: each action form carries the `version` (event_count) it was drawn from;
- serving the official forms (PDF) produced by `documents`.
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import render as forms_pdf
from signing.forms import signed_form
from workflows.access import dossiers_for, has_role
from workflows.errors import DomainError

# The official forms a dossier page offers, by kind (documents.FORM_KINDS), named as in the newest set
# (TT 03/2025), which has every kind; documents.render marks the titles for the catalog.
FORM_LABELS = {kind: gettext_lazy(title) for kind, title in forms_pdf.form_titles().items()}


def role_required(*roles):
    """Login, then any of `roles`; otherwise 403 (the screen is not for this user)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied(_("Chức năng này không dành cho vai trò của bạn."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def dossier_or_404(user, pk, *related):
    """The dossier if the user may see it; another agency's dossier does not exist for them."""
    qs = dossiers_for(user).select_related("procedure", "receiving_agency", "competent_unit", "return_agency", *related)
    return get_object_or_404(qs, pk=pk)


def render_pdf_form(dossier, kind: str, *, secret: str | None = None) -> HttpResponse:
    """Serve one official form of a dossier as PDF (permission already checked by the caller)."""
    if kind not in FORM_LABELS:
        raise Http404(_("Không có biểu mẫu này."))
    try:
        pdf = signed_form(kind, dossier, secret=secret)  # signed where keys are configured (signing/)
    except DomainError as error:
        return HttpResponse(str(error.message), status=error.http_status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{kind}.pdf"'
    return response


def perform_action(request, pk, form_class, form_name, call, *, page, done, form_kwargs=None):
    """Validate the posted form, call the service with the version the form was drawn from.

    `page(request, dossier, bound=..., error=..., status=...)` draws the dossier page again:
    with the form's errors (400), or with the domain error's message and status, the
    dossier as it is now and the user's input kept (a stale form is a 409 Conflict).
    `form_kwargs(dossier) -> dict`, if given, adds constructor arguments that depend on the
    dossier (e.g. choices), recomputed for the fresh dossier after an error.
    """
    extra = form_kwargs or (lambda dossier: {})
    dossier = dossier_or_404(request.user, pk, "receiving_unit")
    form = form_class(request.POST, **extra(dossier))
    if not form.is_valid():
        return page(request, dossier, bound={form_name: form}, status=400)
    try:
        call(dossier, form)
    except DomainError as error:
        fresh = dossier_or_404(request.user, pk, "receiving_unit")
        data = request.POST.copy()
        data["version"] = str(fresh.event_count)  # resubmitting acts, knowingly, on the dossier as it is now
        kept = form_class(data, **extra(fresh))
        kept.is_valid()
        return page(request, fresh, bound={form_name: kept}, error=error.message, status=error.http_status)
    return done(dossier)
