"""The periodic report of procedure-handling results (báo cáo kết quả giải quyết TTHC), per unit
and field for a month, quarter or year — the rows of form II.06a — and its PDF/XLSX/CSV renderings.

One GROUP BY query gives every row; totals are sums of rows. Every row reconciles:
carried over + received = resolved + pending + withdrawn/refused.
"""
import csv
import io
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.layout import FONT, register_fonts
from procedures.models import AdministrativeUnit, Field
from workflows.models import Dossier

from . import metrics
from .periods import Period

COUNT_COLUMNS = (
    "total", "carried_over", "received_online", "direct", "resolved", "early", "on_time", "late",
    "pending", "pending_within", "pending_overdue", "withdrawn", "stopped",
)


@dataclass
class Report:
    unit: AdministrativeUnit
    period: Period
    rows: list[dict]  # unit_name, field_name, the counts
    totals: dict
    generated_at: object


def successor_map(unit_ids, on=None) -> dict[int, int]:
    """Each unit that ended, mapped to the unit that took it over and is in force on `on` (today):
    the successor links are data (fixtures/lai_chau_successors_2025.json), followed through more than
    one rearrangement. Units without a successor in force map to nothing."""
    links = AdministrativeUnit.successors.through.objects
    in_force = set(AdministrativeUnit.objects.in_force(on).values_list("pk", flat=True))
    mapping, frontier = {}, {uid: uid for uid in unit_ids if uid not in in_force}
    for _depth in range(4):  # a unit rearranged more than four times is not a real case
        if not frontier:
            break
        nxt = {}
        pairs = links.filter(from_administrativeunit_id__in=set(frontier.values())).order_by(
            "to_administrativeunit_id").values_list("from_administrativeunit_id", "to_administrativeunit_id")
        first_successor = {}
        for old, new in pairs:
            first_successor.setdefault(old, new)
        for origin, current in frontier.items():
            successor = first_successor.get(current)
            if successor is None:
                continue
            if successor in in_force:
                mapping[origin] = successor
            else:
                nxt[origin] = successor
        frontier = nxt
    return mapping


def build(unit: AdministrativeUnit, period: Period, qs=None, now=None, *, by_successor: bool = False) -> Report:
    """The report for a unit's subtree: rows per (competent unit, field), plus the grand total.

    `by_successor`: a period before a rearrangement (the 2025 reform) read by the units in force today,
    each ended unit's rows counted for its successor; the totals are the same either way."""
    unit_ids = metrics.subtree_ids(unit)
    grouped = metrics.counts(unit_ids, period, ["competent_unit_id", "procedure__field_id"],
                             qs=Dossier.objects.all() if qs is None else qs, now=now)
    if by_successor:
        grouped = _rolled_into(grouped, successor_map({r["competent_unit_id"] for r in grouped}))
    shown = set(unit_ids) | {r["competent_unit_id"] for r in grouped}
    units = dict(AdministrativeUnit.objects.filter(pk__in=shown).values_list("pk", "name"))
    paths = dict(AdministrativeUnit.objects.filter(pk__in=shown).values_list("pk", "path"))
    fields = dict(Field.objects.filter(pk__in={r["procedure__field_id"] for r in grouped}).values_list("pk", "name"))
    rows = []
    for r in grouped:
        rows.append({"unit_id": r["competent_unit_id"], "unit_name": units.get(r["competent_unit_id"], ""),
                     "field_name": fields.get(r["procedure__field_id"], ""),
                     **{c: r[c] for c in COUNT_COLUMNS}})
    rows.sort(key=lambda r: (paths.get(r["unit_id"], ""), r["field_name"]))
    totals = {c: sum(r[c] for r in rows) for c in COUNT_COLUMNS}
    return Report(unit, period, rows, totals, now or timezone.now())


def _rolled_into(grouped: list[dict], mapping: dict[int, int]) -> list[dict]:
    """Rows re-keyed by successor and summed (every count of a row adds up across units)."""
    merged: dict[tuple, dict] = {}
    for r in grouped:
        key = (mapping.get(r["competent_unit_id"], r["competent_unit_id"]), r["procedure__field_id"])
        slot = merged.setdefault(key, {"competent_unit_id": key[0], "procedure__field_id": key[1],
                                       **{c: 0 for c in COUNT_COLUMNS}})
        for c in COUNT_COLUMNS:
            slot[c] += r[c]
    return list(merged.values())


def headers() -> list[str]:
    return [
        _("Đơn vị"), _("Lĩnh vực"),
        _("Tổng số tiếp nhận"), _("Kỳ trước chuyển qua"), _("Trực tuyến"), _("Trực tiếp, bưu chính"),
        _("Tổng số đã giải quyết"), _("Trước hạn"), _("Đúng hạn"), _("Quá hạn"),
        _("Tổng số đang giải quyết"), _("Trong hạn"), _("Quá hạn"),
        _("Rút, dừng, từ chối"), _("Trong đó: dừng giải quyết theo đề nghị"),
    ]


def table(report: Report) -> list[list]:
    body = [[r["unit_name"], r["field_name"], *[r[c] for c in COUNT_COLUMNS]] for r in report.rows]
    body.append([_("Tổng cộng"), "", *[report.totals[c] for c in COUNT_COLUMNS]])
    return body


# --- generic list exports ------------------------------------------------------------------


def to_csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Vietnamese correctly


def to_xlsx(header: list[str], rows: list[list], title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\\/*?:\[\]]", "-", title or "Sheet1")[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_excel_value(v) for v in row])
    for i, _h in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 18
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _excel_value(value):
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    if not isinstance(value, int | float | str) and not hasattr(value, "year"):
        return str(value)
    return value


def report_xlsx(report: Report) -> bytes:
    return to_xlsx(headers(), table(report), title=str(report.period.label))


# --- PDF (A4 landscape, the national heading) ------------------------------------------------

_FONT = FONT  # the official face, bundled with the forms (documents/fonts)


def report_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    normal = ParagraphStyle("n", fontName=_FONT, fontSize=9, leading=11)
    center = ParagraphStyle("c", parent=normal, alignment=1)
    bold_center = ParagraphStyle("bc", parent=center, fontName=_FONT + "-Bold", fontSize=11, leading=14)
    title = ParagraphStyle("t", parent=bold_center, fontSize=13, leading=17)

    heading = Table([
        [Paragraph(report.unit.name.upper(), bold_center),
         Paragraph(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold_center)],
        ["", Paragraph(_("Độc lập - Tự do - Hạnh phúc"), bold_center)],
    ], colWidths=[100 * mm, 170 * mm])
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [
        heading, Spacer(1, 6 * mm),
        Paragraph(_("BÁO CÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"), title),
        Paragraph(str(report.period.label), center),
        Spacer(1, 4 * mm),
    ]
    header = [Paragraph(h, center) for h in headers()]
    data = [header] + [[Paragraph(str(v), normal) if i < 2 else str(v) for i, v in enumerate(row)]
                       for row in table(report)]
    widths = [36 * mm, 33 * mm] + [15 * mm] * len(COUNT_COLUMNS)  # fits A4 landscape inside 12 mm margins
    grid = Table(data, colWidths=widths, repeatRows=1)
    grid.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), _FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"), ("FONTNAME", (0, -1), (-1, -1), _FONT + "-Bold"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ]))
    story.append(grid)
    stamp = timezone.localtime(report.generated_at).strftime("%d/%m/%Y %H:%M")
    story += [Spacer(1, 4 * mm), Paragraph(_("Lập lúc %(at)s") % {"at": stamp}, normal)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=_("Báo cáo kết quả giải quyết TTHC"))
    doc.build(story)
    return out.getvalue()
