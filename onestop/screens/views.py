"""View helpers shared by the staff screens (counter, desk); both call the services, never the models.

- the stale-form guard: each action form carries the `version` (event_count) it was drawn from;
- serving the official forms (PDF) produced by `documents`.
"""
import time

from django.contrib import messages
from django.db import OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import render as forms_pdf
from signing.forms import signed_form
from workflows.errors import DomainError
from workflows.gates import dossier_or_404
from workflows.models import DossierEvent

# The official forms a dossier page offers, by kind (documents.FORM_KINDS), named as in the newest set
# (TT 03/2025), which has every kind; documents.render marks the titles for the catalog.
FORM_LABELS = {kind: gettext_lazy(title) for kind, title in forms_pdf.form_titles().items()}


def render_pdf_form(dossier, kind: str, *, secret: str | None = None) -> HttpResponse:
    """Serve one official form of a dossier as PDF (permission already checked by the caller)."""
    if kind not in FORM_LABELS:
        raise Http404(_("Không có biểu mẫu này."))
    try:
        pdf = signed_form(kind, dossier, secret=secret)  # signed where keys are configured (signing/)
    except DomainError as error:
        return HttpResponse(str(error.message), status=error.http_status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{forms_pdf.filename(kind, dossier)}"'
    return response


def _repeat_of(request, dossier, version, event):
    """This user's own `event` (an action name, or several) recorded on the dossier since `version`:
    the form was submitted twice."""
    if not event or version is None or dossier.event_count <= version:
        return None
    actions = [event] if isinstance(event, str) else list(event)
    return (DossierEvent.objects.filter(dossier=dossier, seq__gt=version, action__in=actions,
                                        actor_id=request.user.pk).only("at").order_by("-seq").first())


def _is_locked(error: OperationalError) -> bool:
    return "locked" in str(error).lower() or "busy" in str(error).lower()


# Pauses between attempts when the database is busy with another write (SQLite's single writer,
# past its busy timeout, or a shared-cache table lock, which no timeout covers).
BUSY_RETRIES = (0.05, 0.1, 0.2, 0.4, 0.8)


def _call_serialised(call, dossier, form):
    """`call`, again after a pause while the database is locked by another write. Each attempt is
    one whole service transaction, so a retry after a concurrent commit meets the new version
    and is refused as stale (answered below), never applied twice."""
    for pause in (*BUSY_RETRIES, None):
        try:
            return call(dossier, form)
        except OperationalError as error:
            if pause is None or not _is_locked(error):
                raise
            time.sleep(pause)


def perform_action(request, pk, form_class, form_name, call, *, page, done, form_kwargs=None, event=None,
                   offered=None, dossier_url=None):
    """Validate the posted form, call the service with the version the form was drawn from.

    Success is POST, redirect, GET: `done(dossier)` adds the message and redirects. Otherwise
    `page(request, dossier, bound=..., error=..., status=...)` draws the dossier page again:
    with the form's errors (400), or with the domain error's message and status, the dossier
    as it is now and the user's input kept (a stale form is a 409 Conflict), when the action is
    still `offered(dossier)`. When it is not any more (another user got there first, the status
    moved on), the answer is POST, redirect, GET: the message, on the fresh page at
    `dossier_url`, which offers only the actions valid now.

    A repeated submit (a double click, a resent POST) is answered once: when the service
    refuses it because this same user's `event` (the action's audit name) has been recorded
    since the form was drawn, the answer is the first one's (`done`), with a note that nothing
    was recorded twice. A database busy with another write ("database is locked" on SQLite) is
    waited for (`_call_serialised`); still busy, nothing changes and the page says so.

    `form_kwargs(dossier) -> dict`, if given, adds constructor arguments that depend on the
    dossier (e.g. choices), recomputed for the fresh dossier after an error.
    """
    extra = form_kwargs or (lambda dossier: {})
    dossier = dossier_or_404(request.user, pk, "receiving_unit")
    form = form_class(request.POST, **extra(dossier))
    if not form.is_valid():
        return page(request, dossier, bound={form_name: form}, status=400)
    try:
        _call_serialised(call, dossier, form)
    except OperationalError as error:
        if not _is_locked(error):
            raise
        # Still busy after the retries: nothing was recorded; say so on the page as it is (PRG).
        messages.error(request, _("Hệ thống đang bận, thao tác chưa được ghi nhận. Vui lòng thực hiện lại."))
        return redirect(dossier_url, pk=dossier.pk) if dossier_url else redirect(request.path)
    except DomainError as error:
        fresh = dossier_or_404(request.user, pk, "receiving_unit")
        repeat = _repeat_of(request, fresh, form.cleaned_data.get("version"), event)
        if repeat is not None:
            messages.info(request, _("Thao tác này đã được ghi nhận lúc %(time)s; lần gửi lại không được ghi thêm.")
                          % {"time": formats.date_format(timezone.localtime(repeat.at), "H:i d/m/Y")})
            return done(fresh)
        message, status = error.message, error.http_status
        if offered is not None and not offered(fresh):
            messages.error(request, message)
            return redirect(dossier_url, pk=fresh.pk)
        data = request.POST.copy()
        data["version"] = str(fresh.event_count)  # resubmitting acts, knowingly, on the dossier as it is now
        kept = form_class(data, **extra(fresh))
        kept.is_valid()
        return page(request, fresh, bound={form_name: kept}, error=message, status=status)
    return done(dossier)
