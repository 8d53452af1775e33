"""Oversight screens (giám sát): dashboard, delay audit, attribution, a dossier's delays, the report,
the audit trail's verification runs."""
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting import evaluation, metrics, reports
from scoreboard import losses
from scoreboard.rules import INDICATORS as NATIONAL_INDICATORS
from workflows import access, people
from workflows.models import AuditAnchor, AuditRun

from . import dashboard
from . import national_score as national_score_screen
from .forms import DelayForm, ReportForm, ScopeForm
from .scope import reachable_units, root_unit, supervisor_required

LIST_LIMIT = 200  # rows shown on screen; exports carry the whole list
EXPORT_CHUNK = 2000  # rows read per round trip while an export streams (a server-side cursor on PostgreSQL)


def _scope(request, form_class=ScopeForm):
    units = reachable_units(request.user)
    root = root_unit(request.user)
    if root is None:
        raise Http404(_("Tài khoản chưa được giao đơn vị giám sát."))
    form = form_class(request.GET or None, units=units)
    return form, form.chosen_unit(root), form.period()


def person_name(user) -> str:
    """Family name first, as Vietnamese names are written ('Lò Văn Thành'); the username when unnamed."""
    if user is None:
        return ""
    return people.full_name(user)


def _status(form):
    return 400 if form.is_bound and not form.is_valid() else 200


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _export(request, header, rows, filename):
    fmt = request.GET.get("export")
    header = [str(h) for h in header]
    if fmt == "csv":  # streamed: a list of any length in bounded memory
        response = StreamingHttpResponse(reports.csv_lines(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if fmt == "xlsx":
        return _download(reports.to_xlsx(header, rows, title=filename), filename, "xlsx")
    return None


@supervisor_required
def index(request):
    form, unit, period = _scope(request)
    context = dashboard.build(request.user, unit, period)
    context.update(form=form, definitions=metrics.DEFINITIONS, indicators=evaluation.INDICATORS)
    return render(request, "oversight/index.html", context, status=_status(form))


@supervisor_required
def national_score(request):
    """The QĐ 766 score of the month, as the national portal computes it (scoreboard)."""
    form, unit, period = _scope(request)
    expand = request.GET.get("list")  # the one list of dossiers losing points to read (a drill-down)
    context = national_score_screen.build(request.user, unit, period,
                                          expand=expand if expand in losses.KEYS else None)
    context.update(form=form, unit=unit)
    return render(request, "oversight/national_score.html", context, status=_status(form))


# --- delay audit -------------------------------------------------------------------------


def _filtered(request, form, unit, period):
    data = form.cleaned_data if form.is_valid() else {}
    unit_ids = metrics.subtree_ids(unit)
    qs = metrics.in_units(access.dossiers_for(request.user), unit_ids)
    tasks = metrics.task_scope(unit_ids).filter(process__dossier__in=qs.values("pk"))
    if data.get("agency"):
        qs = qs.filter(Q(receiving_agency=data["agency"]) | Q(process__workitem__agency=data["agency"])).distinct()
        tasks = tasks.filter(agency=data["agency"])
    for key, lookup in (("field", "procedure__field"), ("procedure", "procedure")):
        if data.get(key):
            qs = qs.filter(**{lookup: data[key]})
            tasks = tasks.filter(**{f"process__dossier__{lookup}": data[key]})
    if data.get("step"):
        qs = qs.filter(current_step=data["step"] - 1)
        tasks = tasks.filter(step_index=data["step"] - 1)
    if data.get("official"):
        qs = qs.filter(process__workitem__owner=data["official"]).distinct()
        tasks = tasks.filter(owner=data["official"])
    if data.get("only_period"):
        qs = qs.filter(received_at__gte=period.start, received_at__lt=period.end)
        tasks = tasks.filter(created__gte=period.start, created__lt=period.end)
    return qs, tasks, data.get("sort") or "-lateness"


def _dossier_row(d, now):
    return [d.code, d.procedure.code, d.procedure.name, d.receiving_agency.name, d.get_status_display(),
            timezone.localtime(d.original_due_at), timezone.localtime(d.due_at),
            round((now - d.original_due_at).total_seconds() / 3600, 1)]


DOSSIER_HEADER = [
    gettext_lazy("Mã hồ sơ"), gettext_lazy("Mã thủ tục"), gettext_lazy("Thủ tục"), gettext_lazy("Nơi tiếp nhận"),
    gettext_lazy("Trạng thái"), gettext_lazy("Hạn theo quy định"), gettext_lazy("Hẹn trả"),
    gettext_lazy("Quá hạn (giờ)"),
]
TASK_HEADER = [
    gettext_lazy("Mã hồ sơ"), gettext_lazy("Bước"), gettext_lazy("Cơ quan xử lý"), gettext_lazy("Cán bộ"),
    gettext_lazy("Hạn bước"), gettext_lazy("Kết thúc"), gettext_lazy("Phân bổ (giờ)"), gettext_lazy("Thực tế (giờ)"),
    gettext_lazy("Chậm (giờ)"),
]


def _task_row(t):
    def hours(s):
        return None if s is None else round(s / 3600, 1)

    return [t.process.dossier.code, (t.step_index or 0) + 1, t.agency.name if t.agency else "",
            person_name(t.owner), timezone.localtime(t.due_at) if t.due_at else None,
            timezone.localtime(t.finished) if t.finished else None, hours(t.allotted_seconds),
            hours(t.working_seconds), round(t.lateness.total_seconds() / 3600, 1) if t.lateness else None]


@supervisor_required
def delays(request):
    form, unit, period = _scope(request, DelayForm)
    now = timezone.now()
    qs, tasks, sort = _filtered(request, form, unit, period)
    related = ("procedure", "receiving_agency")
    overdue = metrics.overdue_dossiers(qs, now).select_related(*related).order_by(sort, "pk")
    at_risk = metrics.at_risk_dossiers(qs, now).select_related(*related).order_by(
        "original_due_at" if sort == "-lateness" else "-original_due_at", "pk")
    late = metrics.late_tasks(tasks, now).order_by(sort, "pk")
    which = request.GET.get("list")
    if request.GET.get("export"):
        if which == "tasks":
            response = _export(request, TASK_HEADER, map(_task_row, late.iterator(chunk_size=EXPORT_CHUNK)),
                               "cong-viec-cham")
        else:
            source = at_risk if which == "at_risk" else overdue
            response = _export(request, DOSSIER_HEADER,
                               (_dossier_row(d, now) for d in source.iterator(chunk_size=EXPORT_CHUNK)),
                               "ho-so-sap-den-han" if which == "at_risk" else "ho-so-qua-han")
        if response is None:
            return HttpResponse(_("Định dạng xuất không hợp lệ (csv hoặc xlsx)."), status=400)
        return response
    return render(request, "oversight/delays.html", {
        "form": form, "unit": unit, "period": period, "now": now,
        "overdue": overdue[:LIST_LIMIT], "overdue_count": overdue.count(),
        "at_risk": at_risk[:LIST_LIMIT], "at_risk_count": at_risk.count(),
        "late": late[:LIST_LIMIT], "late_count": late.count(), "query": request.GET.urlencode(),
        "definitions": metrics.DEFINITIONS, "active_filters": _active_filters(form),
    }, status=_status(form))


def _active_filters(form) -> list[tuple[str, str]]:
    """(label, the whole chosen value) of each narrowing field in use: a picker shows a long name cut short."""
    if not form.is_valid():
        return []
    shown = []
    for name in ("agency", "field", "procedure", "official", "step"):
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        text = field.label_from_instance(value) if hasattr(field, "label_from_instance") else str(value)
        shown.append((field.label, text))
    return shown


# A report's file name by its period, as the report's title says it (tháng 3 năm 2026 …).
REPORT_FILE_NAMES = {"month": "bao-cao-thang-{number}-{year}", "quarter": "bao-cao-quy-{number}-{year}",
                     "year": "bao-cao-nam-{year}"}
# The export's file name per grouping, in the words of the screen (no internal keys in a download).
ATTRIBUTION_FILE_NAMES = {"agency": "quy-trach-nhiem-theo-co-quan", "step": "quy-trach-nhiem-theo-buoc",
                          "official": "quy-trach-nhiem-theo-can-bo"}
ATTRIBUTION_HEADERS = {
    "agency": [gettext_lazy("Cơ quan")],
    "step": [gettext_lazy("Thủ tục"), gettext_lazy("Bước")],
    "official": [gettext_lazy("Cán bộ")],
}


def _attribution_label(by, r):
    if by == "agency":
        return [r["agency__name"] or "—"]
    if by == "step":
        return [f'{r["process__dossier__procedure__code"]} {r["process__dossier__procedure__name"]}',
                f'{r["step_index"] + 1}. {r["step_name"]}']
    return [people.full_name_of(r["owner__last_name"], r["owner__first_name"], r["owner__username"]) or "—"]


@supervisor_required
def attribution(request):
    form, unit, period = _scope(request)
    by = request.GET.get("by", "agency")
    if by not in ATTRIBUTION_HEADERS:
        return HttpResponse(_("Cách nhóm không hợp lệ."), status=400)
    rows = metrics.attribution(metrics.subtree_ids(unit), period, by)
    header = [*ATTRIBUTION_HEADERS[by], _("Số bước"), _("Số bước chậm"), _("Tỷ lệ chậm (%)"),
              _("Giờ vượt phân bổ")]
    table = [[*_attribution_label(by, r), r["steps"], r["late_steps"], r["late_rate"], r["over_hours"]] for r in rows]
    if request.GET.get("export"):
        return _export(request, header, table, ATTRIBUTION_FILE_NAMES[by]) or HttpResponse(
            _("Định dạng xuất không hợp lệ (csv hoặc xlsx)."), status=400)
    return render(request, "oversight/attribution.html", {
        "form": form, "unit": unit, "period": period, "by": by, "header": header, "table": table,
        "query": request.GET.urlencode(), "definitions": metrics.DEFINITIONS,
    }, status=_status(form))


@supervisor_required
def dossier(request, pk):
    d = get_object_or_404(
        access.dossiers_for(request.user).select_related("procedure", "receiving_agency", "receiving_unit"), pk=pk,
    )
    if not reachable_units(request.user).filter(pk=d.receiving_unit_id).exists():
        raise Http404
    return render(request, "oversight/dossier.html", {
        "dossier": d, "breakdown": metrics.delay_breakdown(d), "scores": evaluation.dossier_scores(d),
        "indicators": evaluation.INDICATORS, "now": timezone.now(),
    })


@supervisor_required
def report(request):
    form, unit, period = _scope(request, ReportForm)
    by_successor = form.is_valid() and form.cleaned_data.get("by_successor", False)
    data = reports.build(unit, period, qs=access.dossiers_for(request.user), by_successor=by_successor)
    fmt = request.GET.get("export")
    name = REPORT_FILE_NAMES[period.kind].format(year=period.year, number=period.number)
    if fmt == "pdf":
        return _download(reports.report_pdf(data, prepared_by=person_name(request.user)), name, "pdf")
    if fmt == "xlsx":
        return _download(reports.report_xlsx(data), name, "xlsx")
    if fmt == "csv":  # one heading row, each column named with its group
        return _download(reports.to_csv(reports.headers(), reports.table(data)), name, "csv")
    if fmt:
        return HttpResponse(_("Định dạng xuất không hợp lệ (pdf, xlsx hoặc csv)."), status=400)
    top, leaves = reports.heading_rows()
    return render(request, "oversight/report.html", {
        "form": form, "report": data, "heading_top": top, "heading_leaves": leaves,
        "period_text": reports.period_text(data.period), "table": reports.table(data),
        "query": request.GET.urlencode(), "definitions": metrics.DEFINITIONS,
    }, status=_status(form))


def _term_and_meaning(text) -> tuple[str, str]:
    """"Đã giải quyết: có quyết định …" → the term and what it means (each definition names its term
    first), so the page shows the official's word and never the figure's internal key."""
    term, _colon, meaning = str(text).partition(": ")
    return (term, meaning) if meaning else ("", term)


@supervisor_required
def definitions(request):
    terms = [(key, *_term_and_meaning(text)) for key, text in metrics.DEFINITIONS.items()]
    return render(request, "oversight/definitions.html", {
        "definitions": terms, "indicators": evaluation.INDICATORS, "national_indicators": NATIONAL_INDICATORS,
    })


AUDIT_RUNS_SHOWN = 10
AUDIT_ANCHORS_SHOWN = 5


def _finding_scope(user, prefix=""):
    """The findings a supervisor may read: of dossiers in their subtrees (None: all, for a superuser).
    Findings without a unit (an anchor's own) are for superusers only."""
    if user.is_superuser:
        return None
    paths = access.supervised_paths(user)
    if not paths:
        raise Http404(_("Tài khoản chưa được giao đơn vị giám sát."))
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{prefix}unit_path__startswith": path})
    return condition


@supervisor_required
def audit(request, pk=None):
    in_runs = _finding_scope(request.user, "findings__")
    counted = Count("findings") if in_runs is None else Count("findings", filter=in_runs)
    runs = list(AuditRun.objects.annotate(in_scope=counted)
                .order_by("-started_at", "-pk")[:AUDIT_RUNS_SHOWN])
    run = get_object_or_404(AuditRun, pk=pk) if pk is not None else (runs[0] if runs else None)
    findings, findings_count = [], 0
    if run is not None:
        scope = _finding_scope(request.user)
        qs = run.findings.all() if scope is None else run.findings.filter(scope)
        findings_count = qs.count()
        findings = list(qs.order_by("id")[:LIST_LIMIT])
    return render(request, "oversight/audit.html", {
        "runs": runs, "run": run, "findings": findings, "findings_count": findings_count,
        "anchors": AuditAnchor.objects.order_by("-taken_at", "-pk")[:AUDIT_ANCHORS_SHOWN],
    })
