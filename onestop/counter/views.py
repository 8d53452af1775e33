"""The one-stop counter (Bộ phận Một cửa): receive, refuse, accept online, return results, withdraw.

Every change goes through workflows.services; lists start from dossiers_for(user).
"""
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import can_proceed, has_transition_perm

from documents import render as forms_pdf
from onestop.screens import files as dossier_files
from onestop.screens import find as finding
from onestop.screens.dossier_page import dossier_context, open_work_item
from onestop.screens.views import perform_action, render_pdf_form
from procedures.calendar import load_calendar
from procedures.models import Agency, Procedure
from reporting import rules
from workflows import competence, privacy, services
from workflows.access import agency_ids, count_visible, dossiers_for, visible_slice
from workflows.deadlines import legal_deadline
from workflows.errors import DomainError, TransitionNotAllowed
from workflows.errors import PermissionDenied as DomainPermissionDenied
from workflows.gates import dossier_or_404, role_required
from workflows.models import CounterGuidance, Dossier
from workflows.roles import Role
from workflows.statuses import Status

from .forms import (
    AcceptOnlineForm,
    DossierFilterForm,
    PaymentReceivedForm,
    ReceiveForm,
    RefuseForm,
    ReturnForm,
    StopForm,
    SupplementReceivedForm,
    TrackingBookForm,
    WithdrawForm,
)
from .search import search_procedures

# The citizen's lookup secret exists only at receipt time: kept here until the receipt is printed.
SESSION_SECRET = "counter_receipt_secret"

clerk_only = role_required(Role.CLERK)


def counters_of(user) -> list[Agency]:
    """The one-stop counters (Bộ phận Một cửa) the clerk works at."""
    return list(
        Agency.objects.in_force().filter(pk__in=agency_ids(user), kind__is_one_stop_counter=True)
        .select_related("unit").order_by("name")
    )


def _flag_late(dossiers, now):
    """Mark each dossier with the named rules: overdue (legal limit), past the appointment, timeliness."""
    for dossier in dossiers:
        dossier.overdue = rules.is_overdue(dossier, now)
        dossier.past_appointment = rules.is_past_appointment(dossier, now)
        dossier.timeliness = rules.timeliness(dossier)
    return dossiers


# --- the counter's day -----------------------------------------------------------------------


DAY_LIMIT = 50  # rows per list of the counter's day; `?more=<list>` shows up to DAY_MORE
DAY_MORE = 500


def _bounded(qs, limit):
    """The first `limit` rows and whether there are more (one query: limit + 1 rows)."""
    rows = list(qs[: limit + 1])
    return rows[:limit], len(rows) > limit


@clerk_only
@require_GET
def index(request):
    """The counter's day: today's receipts, results to return, online submissions, supplements.

    Each list is read in its order from an index of (counter, status | date) and stops at its
    bound, so the page costs the same at 10,000 or 10 million dossiers (docs/performance.md,
    "Staff lists"). No `dossiers_for` here: a clerk sees every dossier received at their counters
    and every result to be returned there.
    """
    now = timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counters = counters_of(request.user)
    counter_ids = [a.pk for a in counters]
    base = Dossier.objects.filter(receiving_agency__in=counter_ids).select_related("procedure")
    # Results wait at the return point the citizen chose, which may be another counter (NĐ 118 Art. 7).
    returning = Dossier.objects.filter(return_agency__in=counter_ids).select_related("procedure")
    more = request.GET.get("more")
    lists = {
        "today": base.filter(
            Q(received_at__gte=start_of_day) | Q(status=Status.REFUSED, created_at__gte=start_of_day)
        ).order_by("-created_at", "-id"),
        "results": returning.filter(status=Status.RESULT_READY).order_by("due_at", "id"),
        "online": base.filter(status=Status.SUBMITTED).order_by("submitted_at", "id"),
        "supplements": base.filter(status=Status.AWAITING_SUPPLEMENT).order_by("due_at", "id"),
        # past the appointment implies overdue (an extension only moves the appointment later)
        "overdue": base.filter(rules.overdue_q(now)).order_by("original_due_at", "id"),
    }
    context = {"counters": counters, "now": now, "more": more}
    for name, qs in lists.items():
        rows, context[f"{name}_more"] = _bounded(qs, DAY_MORE if more == name else DAY_LIMIT)
        context[name] = rows if name == "online" else _flag_late(rows, now)
    _unmask_own(request.user, context, now)
    return render(request, "counter/index.html", context)


# The numbers each list of the counter's day shows: the phone to call the citizen when the result is
# ready, the ID number of what was received today (to check it against the collector's papers).
DAY_NUMBERS = {"results": ("applicant_phone",), "today": ("applicant_id_number",)}


def _unmask_own(user, context, now):
    """Mark the rows shown in full (the counter's own dossiers, `privacy.may_see_in_full`) and log
    each of them once for this page view (ADR 0034)."""
    shown = [(d, fields) for name, fields in DAY_NUMBERS.items() for d in context[name]]
    full = privacy.unmasked_in_list(user, shown, "counter:index", now=now)
    for d, _fields in shown:
        d.full_contact = d.pk in full


@clerk_only
@require_GET
def find(request):
    """The counter's search box: a whole code (typed or scanned from the receipt) opens the
    dossier; anything else lists what it finds (`dossiers`)."""
    raw = request.GET.get("q", request.GET.get("code", ""))
    query = finding.read(raw)
    if not query:
        return redirect("counter:dossiers")
    dossier = dossiers_for(request.user).filter(finding.exact_q(query)).only("pk").first()
    if dossier is not None:
        return redirect("counter:dossier", pk=dossier.pk)
    return redirect(f"{reverse('counter:dossiers')}?{urlencode({'q': query.text})}")


LIST_PAGE = 50  # rows per page of the counter's dossier list
LIST_PAGES = 20  # pages reachable by paging (1,000 rows): past that, narrow the filters
ORDER = ("-created_at", "-id")


@clerk_only
@require_GET
def dossiers(request):
    """Hồ sơ của quầy: every dossier the clerk may see, newest first, with the search box, filters
    and pages of LIST_PAGE rows. Each page is read by `visible_slice` (each branch of the scope in
    its index's order, stopping at the page) and counted up to the last reachable page."""
    form = DossierFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query = finding.read(data.get("q"))
    qs = Dossier.objects.all()
    if query:
        qs = qs.filter(finding.matching_q(query))
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
    if data.get("date_from"):
        qs = qs.filter(created_at__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(created_at__date__lte=data["date_to"])
    page = min(data.get("page") or 1, LIST_PAGES)
    start = (page - 1) * LIST_PAGE
    rows = list(visible_slice(request.user, qs, ORDER, start, start + LIST_PAGE + 1).select_related(
        "procedure", "receiving_agency"))
    has_next = len(rows) > LIST_PAGE and page < LIST_PAGES
    rows = _flag_late(rows[:LIST_PAGE], timezone.now())
    if query and page == 1 and len(rows) == 1 and query.scanned_code:
        return redirect("counter:dossier", pk=rows[0].pk)
    cap = LIST_PAGE * LIST_PAGES
    total = count_visible(request.user, qs, cap)
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "rows": rows, "query": query, "page": page, "has_next": has_next,
               "total": min(total, cap), "total_more": total > cap, "params": params.urlencode(),
               "first_row": start + 1, "last_row": start + len(rows)}
    return render(request, "counter/dossiers.html", context)


# --- receiving a dossier (tiếp nhận) -----------------------------------------------------------


@clerk_only
@require_GET
def receive_search(request):
    """Step 1: find the procedure (accent-insensitive; code, name or field)."""
    counters = counters_of(request.user)
    query = (request.GET.get("q") or "").strip()
    results = search_procedures({a.unit.level_id for a in counters}, query) if query else []
    return render(request, "counter/receive_search.html", {"query": query, "results": results, "counters": counters})


def _receive_page(request, procedure, form, *, status=200, **extra):
    context = {"procedure": procedure, "form": form, "documents": form.required_documents, **extra}
    return render(request, "counter/receive.html", context, status=status)


@clerk_only
def receive(request, pk):
    """Step 2: applicant and checklist; preview the appointment, then confirm (or refuse / guide)."""
    procedure = get_object_or_404(Procedure.objects.in_force().select_related("field", "level"), pk=pk)
    day = timezone.localdate()
    agencies = [a for a in counters_of(request.user) if competence.receivable_at(procedure, a, day)]
    if not agencies:
        raise Http404(_("Thủ tục không thuộc cấp tiếp nhận của quầy."))
    choices = {"procedure": procedure, "agencies": agencies,
               "units": list(competence.competent_units(procedure, agencies, day)),
               "return_points": list(competence.return_points(agencies[0], day))}
    if request.method != "POST":
        return _receive_page(request, procedure, ReceiveForm(**choices))

    action = request.POST.get("action", "preview")
    if action not in ("preview", "confirm", "guidance", "refuse"):
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    form = ReceiveForm(request.POST, **choices,
                       enforce_documents=action in ("preview", "confirm"), require_reasons=action == "refuse")
    if not form.is_valid():
        return _receive_page(request, procedure, form, status=400)
    agency = next(a for a in agencies if a.pk == form.cleaned_data["agency"])
    unit, returning = form.competent(), form.return_point(agency)
    try:
        if action == "preview":
            unit = competence.competent_unit_for(procedure, agency, unit, day)
            due_at = legal_deadline(procedure, load_calendar(unit.pk), timezone.now(), unit).due_at
            return _receive_page(request, procedure, form, preview_due_at=due_at, preview_unit=unit)
        if action == "guidance":
            reasons = form.cleaned_data["reasons"]
            items = form.missing_documents() or reasons.splitlines()
            guidance = services.issue_guidance(actor=request.user, procedure=procedure, agency=agency,
                                               applicant=form.applicant(), items=items, note=reasons)
            return redirect("counter:guidance", pk=guidance.pk)
        if action == "refuse":
            dossier = services.refuse_at_counter(
                actor=request.user, procedure=procedure, agency=agency, applicant=form.applicant(),
                reasons=form.cleaned_data["reasons"], competent_unit=unit,
            )
            messages.success(request, _("Đã ghi nhận từ chối tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("counter:dossier", pk=dossier.pk)
        receipt = services.receive(
            actor=request.user, procedure=procedure, agency=agency, applicant=form.applicant(),
            document_ids=form.cleaned_data["documents"], note=form.cleaned_data["note"],
            competent_unit=unit, return_agency=returning, paper_result=form.cleaned_data.get("paper_result", False),
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _receive_page(request, procedure, form, status=error.http_status)
    request.session[SESSION_SECRET] = {"dossier": receipt.dossier.pk, "secret": receipt.secret}
    return redirect("counter:receipt", pk=receipt.dossier.pk)


def _session_secret(request, dossier, *, pop=False) -> str | None:
    kept = request.session.get(SESSION_SECRET)
    if not kept or kept.get("dossier") != dossier.pk:
        return None
    if pop:
        del request.session[SESSION_SECRET]
    return kept["secret"]


@clerk_only
@require_GET
def receipt(request, pk):
    """The receipt, ready to print; the secret is shown while it is still in the session."""
    dossier = dossier_or_404(request.user, pk)
    if dossier.received_at is None:
        raise Http404(_("Hồ sơ chưa được tiếp nhận."))
    context = {"dossier": dossier, "secret": _session_secret(request, dossier)}
    return render(request, "counter/receipt.html", context)


# --- one dossier at the counter ------------------------------------------------------------------


def can_withdraw(dossier, user) -> bool:
    """Ask the FSM, as the service will: an open status, the 2018 rules (or not yet received), a clerk
    of the receiving agency."""
    return can_proceed(dossier.withdraw) and has_transition_perm(dossier.withdraw, user)


def can_stop(dossier, user) -> bool:
    """The same for a stop at the applicant's request: before a decision, under the 2025 rules."""
    return can_proceed(dossier.stop) and has_transition_perm(dossier.stop, user)


def _dossier_page(request, dossier, *, bound=None, error=None, status=200):
    """The dossier page with its action forms; `bound` keeps the user's input after an error.

    The clerks of the receiving or the return counter see the phone and ID numbers in full
    (logged, `privacy.unmasked_contact`); everyone else masked."""
    context = dossier_context(dossier)
    context["can_withdraw"] = can_withdraw(dossier, request.user)
    context["can_stop"] = can_stop(dossier, request.user)
    context["full_contact"] = privacy.unmasked_contact(request.user, dossier, "counter:dossier")
    version = {"version": dossier.event_count}
    forms_by_name = {
        "accept_form": AcceptOnlineForm(initial=version, files=context["files"]),
        "refuse_form": RefuseForm(initial=version),
        "supplement_form": SupplementReceivedForm(initial=version),
        "payment_form": PaymentReceivedForm(initial=version),
        "return_form": ReturnForm(initial={**version, "collected_by": dossier.applicant_name}),
    }
    if bound:
        forms_by_name.update(bound)
    context.update(forms_by_name, error=error)
    return render(request, "counter/dossier.html", context, status=status)


@clerk_only
@require_GET
def dossier_detail(request, pk):
    return _dossier_page(request, dossier_or_404(request.user, pk, "receiving_unit"))


def _counter_action(request, pk, form_class, form_name, call, done_message, event, form_kwargs=None):
    """One action of the dossier page, offered while the dossier is in the status it needs (OFFERED_IN)."""
    def done(dossier):
        messages.success(request, done_message % {"code": dossier.code})
        return redirect("counter:dossier", pk=dossier.pk)

    return perform_action(request, pk, form_class, form_name, call, page=_dossier_page, done=done, event=event,
                          form_kwargs=form_kwargs, offered=lambda dossier: dossier.status == OFFERED_IN[form_name],
                          dossier_url="counter:dossier")


# The status in which the dossier page offers each action (the template's sections agree).
OFFERED_IN = {
    "accept_form": Status.SUBMITTED, "refuse_form": Status.SUBMITTED,
    "supplement_form": Status.AWAITING_SUPPLEMENT, "payment_form": Status.AWAITING_PAYMENT,
    "return_form": Status.RESULT_READY,
}


@clerk_only
@require_GET
def dossier_file(request, pk, file_id):
    """A document the citizen sent, inline for the page's preview (scoped like the dossier)."""
    return dossier_files.serve(request, pk, file_id)


@clerk_only
@require_POST
def accept(request, pk):
    def call(dossier, form):
        data = form.cleaned_data
        services.accept_online(dossier, actor=request.user, note=data["note"], expected_version=data["version"],
                               checks=form.checks())

    return _counter_action(request, pk, AcceptOnlineForm, "accept_form", call,
                           _("Đã tiếp nhận hồ sơ trực tuyến %(code)s."), "accept_online",
                           form_kwargs=lambda dossier: {"files": dossier_files.files_of(dossier)})


@clerk_only
@require_POST
def refuse(request, pk):
    def call(dossier, form):
        data = form.cleaned_data
        services.refuse(dossier, actor=request.user, reasons=data["reasons"], expected_version=data["version"])

    return _counter_action(request, pk, RefuseForm, "refuse_form", call, _("Đã từ chối tiếp nhận hồ sơ %(code)s."),
                           "refuse")


@clerk_only
@require_POST
def payment_received(request, pk):
    def call(dossier, form):
        data = form.cleaned_data
        services.payment_received(dossier, actor=request.user, note=data["note"], expected_version=data["version"])

    return _counter_action(request, pk, PaymentReceivedForm, "payment_form", call,
                           _("Đã ghi nhận hoàn thành nghĩa vụ tài chính của hồ sơ %(code)s; hồ sơ được giải quyết "
                             "tiếp."), "payment_received")


@clerk_only
@require_POST
def supplement_received(request, pk):
    def call(dossier, form):
        data = form.cleaned_data
        services.supplement_received(dossier, actor=request.user, note=data["note"],
                                     expected_version=data["version"])

    return _counter_action(request, pk, SupplementReceivedForm, "supplement_form", call,
                           _("Đã nhận hồ sơ bổ sung %(code)s; hồ sơ được chuyển xử lý tiếp."), "supplement_received")


@clerk_only
@require_POST
def return_result(request, pk):
    def call(dossier, form):
        data = form.cleaned_data
        services.return_result(dossier, actor=request.user, collected_by=data["collected_by"], note=data["note"],
                               expected_version=data["version"])

    return _counter_action(request, pk, ReturnForm, "return_form", call, _("Đã trả kết quả hồ sơ %(code)s."),
                           "return_result")


def _withdraw_page(request, dossier, *, bound=None, error=None, status=200):
    """The withdrawal screen: what stops (status, open work) and the reason; submitting confirms."""
    form = (bound or {}).get("withdraw_form") or WithdrawForm(initial={"version": dossier.event_count})
    context = {"dossier": dossier, "form": form, "error": error, "task": open_work_item(dossier),
               "can_withdraw": can_withdraw(dossier, request.user)}
    return render(request, "counter/withdraw.html", context, status=status)


@clerk_only
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    """Rút hồ sơ theo yêu cầu của công dân: GET shows the confirmation screen, POST records it."""
    if request.method == "POST":
        def call(dossier, form):
            data = form.cleaned_data
            services.withdraw(dossier, actor=request.user, reason=data["reason"], expected_version=data["version"])

        def done(dossier):
            messages.success(request, _("Đã ghi nhận công dân rút hồ sơ %(code)s; hồ sơ dừng xử lý.")
                             % {"code": dossier.code})
            return redirect("counter:dossier", pk=dossier.pk)

        return perform_action(request, pk, WithdrawForm, "withdraw_form", call, page=_withdraw_page, done=done,
                              event="withdraw")

    dossier = dossier_or_404(request.user, pk, "receiving_unit")
    # Say why up front rather than let the clerk fill in a form the service will refuse.
    if not can_proceed(dossier.withdraw):
        return _withdraw_page(request, dossier, error=TransitionNotAllowed.default_message, status=409)
    if not has_transition_perm(dossier.withdraw, request.user):
        return _withdraw_page(request, dossier, error=DomainPermissionDenied.default_message, status=403)
    return _withdraw_page(request, dossier)


def _stop_page(request, dossier, *, bound=None, error=None, status=200):
    """The stop screen: what ends (status, open work), how the request came and why; submitting confirms."""
    form = (bound or {}).get("stop_form") or StopForm(initial={"version": dossier.event_count})
    context = {"dossier": dossier, "form": form, "error": error, "task": dossier_context(dossier)["task"],
               "can_stop": can_stop(dossier, request.user)}
    return render(request, "counter/stop.html", context, status=status)


@clerk_only
def stop(request, pk):
    """Dừng giải quyết hồ sơ theo đề nghị (NĐ 118/2025 Art. 21): GET confirms, POST records it."""
    if request.method == "POST":
        def call(dossier, form):
            data = form.cleaned_data
            services.stop(dossier, actor=request.user, reason=data["reason"], channel=data["channel"],
                          expected_version=data["version"])

        def done(dossier):
            messages.success(request, _("Đã dừng giải quyết hồ sơ %(code)s theo đề nghị; in Thông báo dừng giải "
                                        "quyết hồ sơ để giao cho công dân.") % {"code": dossier.code})
            return redirect("counter:dossier", pk=dossier.pk)

        return perform_action(request, pk, StopForm, "stop_form", call, page=_stop_page, done=done, event="stop")

    dossier = dossier_or_404(request.user, pk, "receiving_unit")
    if not can_proceed(dossier.stop):
        return _stop_page(request, dossier, error=TransitionNotAllowed.default_message, status=409)
    if not has_transition_perm(dossier.stop, request.user):
        return _stop_page(request, dossier, error=DomainPermissionDenied.default_message, status=403)
    return _stop_page(request, dossier)


# --- printed forms (biểu mẫu) ------------------------------------------------------------------


@clerk_only
@require_GET
def form_pdf(request, pk, kind):
    dossier = dossier_or_404(request.user, pk, "receiving_unit")
    secret = _session_secret(request, dossier) if kind == "receipt" else None
    response = render_pdf_form(dossier, kind, secret=secret)
    if secret and response.status_code == 200:
        _session_secret(request, dossier, pop=True)  # printed once; reprints carry no secret
    return response


def _guidance_or_404(request, pk):
    """A guidance issued at one of the clerk's counters."""
    return get_object_or_404(CounterGuidance.objects.select_related("procedure", "agency__unit", "actor"),
                             pk=pk, agency__in=agency_ids(request.user))


@clerk_only
@require_GET
def guidance(request, pk):
    """The guidance just recorded (Mẫu 02 at the counter), with its PDF to print and hand over."""
    return render(request, "counter/guidance.html", {"guidance": _guidance_or_404(request, pk)})


@clerk_only
@require_GET
def guidance_pdf(request, pk):
    record = _guidance_or_404(request, pk)
    response = HttpResponse(forms_pdf.render_counter_guidance(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-02-huong-dan-{record.pk}.pdf"'
    return response


@clerk_only
@require_GET
def tracking_book(request):
    """Sổ theo dõi hồ sơ of the clerk's counter for a date range (PDF)."""
    counters = counters_of(request.user)
    if not counters:
        raise Http404(_("Bạn không thuộc Bộ phận Một cửa nào."))
    today = timezone.localdate().isoformat()
    form = TrackingBookForm({"date_from": request.GET.get("from") or today, "date_to": request.GET.get("to") or today})
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    pdf = forms_pdf.render_tracking_book(counters[0], date_from, date_to)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="so-theo-doi-{date_from}-{date_to}.pdf"'
    return response
