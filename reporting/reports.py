"""The periodic report of procedure-handling results (báo cáo kết quả giải quyết TTHC), per unit
and field for a month, quarter or year — the rows of form II.06a — and its PDF/XLSX/CSV renderings.

One GROUP BY query gives every row; totals are sums of rows. Every row reconciles:
carried over + received = resolved + pending + withdrawn/refused.
"""
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from documents.layout import (
    FONT_BOLD,
    PAPER_BOOK,
    Styles,
    build_pdf,
    esc,
    frame_width,
    grid,
    national_heading,
    signatures,
    upper,
)
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


# --- the report's two-level heading (form II.06a) --------------------------------------------

FORM_NUMBER = "Biểu số II.06a/VPCP/KSTT"  # the periodic report form of the administrative-procedure control office


def header_groups() -> list[tuple[str | None, list[str]]]:
    """The heading as (group, its leaf columns); a group of None is a column that spans both heading rows.

    Leaves repeat across groups ("Tổng số", "Quá hạn"): read them with their group (`headers()`)."""
    total = _("Tổng số")
    return [
        (None, [_("Đơn vị")]),
        (None, [_("Lĩnh vực")]),
        (_("Số hồ sơ nhận giải quyết"), [total, _("Kỳ trước chuyển qua"), _("Trực tuyến"),
                                          _("Trực tiếp, bưu chính")]),
        (_("Số hồ sơ đã giải quyết"), [total, _("Trước hạn"), _("Đúng hạn"), _("Quá hạn")]),
        (_("Số hồ sơ đang giải quyết"), [total, _("Trong hạn"), _("Quá hạn")]),
        (_("Rút, dừng, từ chối"), [total, _("Trong đó: dừng theo đề nghị")]),
    ]


def headers() -> list[str]:
    """One heading row, each leaf qualified by its group (a CSV's header): no two columns read the same."""
    return [leaf if group is None else _("%(group)s: %(column)s") % {"group": group, "column": leaf}
            for group, leaves in header_groups() for leaf in leaves]


def heading_rows() -> tuple[list[dict], list[str]]:
    """The two heading rows for a rendering with merged cells: the top row's cells (text, column,
    colspan, rowspan) and the leaves under the groups, in column order."""
    top, leaves, column = [], [], 0
    for group, names in header_groups():
        if group is None:
            top.append({"text": names[0], "column": column, "colspan": 1, "rowspan": 2})
        else:
            top.append({"text": group, "column": column, "colspan": len(names), "rowspan": 1})
            leaves += names
        column += len(names)
    return top, leaves


def table(report: Report) -> list[list]:
    body = [[r["unit_name"], r["field_name"], *[r[c] for c in COUNT_COLUMNS]] for r in report.rows]
    body.append([_("Tổng cộng"), "", *[report.totals[c] for c in COUNT_COLUMNS]])
    return body


def period_text(period: Period) -> str:
    """'Tháng 3/2026 (từ ngày 01/03/2026 đến ngày 31/03/2026)'."""
    last = (period.end - dt.timedelta(days=1)).date()
    return _("%(label)s (từ ngày %(start)s đến ngày %(end)s)") % {
        "label": period.label, "start": period.start.strftime("%d/%m/%Y"), "end": last.strftime("%d/%m/%Y")}


# --- generic list exports ------------------------------------------------------------------


class _Line:
    """A file-like that hands back what csv.writer wrote, one row at a time."""

    def write(self, text):
        return text


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """The CSV one encoded row at a time, so an export of any length streams in bounded memory.
    A BOM first: Excel then opens UTF-8 Vietnamese correctly."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow(header)).encode("utf-8")
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row]).encode("utf-8")


def to_csv(header: list[str], rows: Iterable[list]) -> bytes:
    return b"".join(csv_lines(header, rows))


def to_xlsx(header: list[str], rows: Iterable[list], title: str = "") -> bytes:
    """A one-sheet workbook written row by row (openpyxl's write-only mode keeps no cell objects)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\\/*?:\[\]]", "-", title or "Sheet1")[:31])
    for i in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 18
    bold = Font(bold=True)
    ws.append([_bold_cell(WriteOnlyCell(ws, value=h), bold) for h in header])
    for row in rows:
        ws.append([_excel_value(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bold_cell(cell, font):
    cell.font = font
    return cell


def _excel_value(value):
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    if not isinstance(value, int | float | str) and not hasattr(value, "year"):
        return str(value)
    return value


REPORT_TITLE = gettext_noop("Báo cáo tình hình, kết quả giải quyết thủ tục hành chính")
REPORT_NUMBER = "Số: ……/BC-UBND"  # the number is given when the report is registered for issue
PEOPLE_COMMITTEE = "people_committee"  # AgencyKind code of Ủy ban nhân dân (documents.facts)


def _issuing_body(unit: AdministrativeUnit) -> str:
    """The unit's People's Committee (the body that issues the report), else 'Ủy ban nhân dân <unit>'."""
    from procedures.models import Agency

    name = (Agency.objects.filter(unit=unit, kind__code=PEOPLE_COMMITTEE)
            .order_by(F("valid_to").desc(nulls_first=True), "pk").values_list("name", flat=True).first())
    return name or _("Ủy ban nhân dân %(unit)s") % {"unit": unit.name}


def report_xlsx(report: Report) -> bytes:
    """The report as a worksheet: the title, the issuing unit and the period above the two-level heading
    (groups merged over their columns, the unit and field columns over both rows), then the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    top, leaves = heading_rows()
    width = 2 + len(leaves)
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\\/*?:\[\]]", "-", str(report.period.label))[:31]
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append([_(REPORT_TITLE).upper()])
    ws.append([_("Đơn vị báo cáo: %(body)s") % {"body": _issuing_body(report.unit)}])
    ws.append([_("Kỳ báo cáo: %(period)s") % {"period": period_text(report.period)}])
    ws.append([FORM_NUMBER])
    for row in range(1, 5):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.cell(row=row, column=1).alignment = centred
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.cell(row=4, column=1).font = Font(italic=True, size=9)
    ws.cell(row=4, column=1).alignment = Alignment(horizontal="right")
    first = 6  # a blank row between the titles and the heading
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in top:
        column = cell["column"] + 1
        ws.cell(row=first, column=column, value=cell["text"])
        ws.merge_cells(start_row=first, start_column=column, end_row=first + cell["rowspan"] - 1,
                       end_column=column + cell["colspan"] - 1)
    for i, leaf in enumerate(leaves):
        ws.cell(row=first + 1, column=3 + i, value=leaf)
    for row in (first, first + 1):
        for column in range(1, width + 1):
            cell = ws.cell(row=row, column=column)
            cell.font, cell.alignment, cell.border = Font(bold=True), centred, box
    ws.row_dimensions[first + 1].height = 45
    body = table(report)
    for offset, values in enumerate(body):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=first + 2 + offset, column=column, value=_excel_value(value))
            cell.border = box
            if offset == len(body) - 1:
                cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = ws.column_dimensions["B"].width = 28
    for column in range(3, width + 1):
        ws.column_dimensions[get_column_letter(column)].width = 12
    ws.freeze_panes = ws.cell(row=first + 2, column=3)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF (A4 landscape, the official heading) --------------------------------------------------

PDF_MARGINS = (15 * mm, 12 * mm, 12 * mm, 12 * mm)  # left, right, top, bottom


def report_pdf(report: Report, *, prepared_by: str = "") -> bytes:
    """The report as the official document on A4 landscape, in Vietnamese whatever the UI language:
    the issuing body and the national heading, the report number (given when it is registered) and
    the dateline, the form's number, the two-level table and the signatures (who drew it up, the head
    of the unit)."""
    with translation.override("vi"):
        return _report_pdf(report, prepared_by)


def _report_pdf(report: Report, prepared_by: str) -> bytes:
    from reportlab.platypus import Paragraph, Spacer

    from documents.facts import place_name

    st = Styles(body=10)
    number = ParagraphStyle("number", parent=st.cell, alignment=TA_RIGHT)
    number_bold = ParagraphStyle("number_bold", parent=number, fontName=FONT_BOLD)
    name_bold = ParagraphStyle("name_bold", parent=st.cell, fontName=FONT_BOLD)
    width = frame_width(PAPER_BOOK, PDF_MARGINS[:2])
    body = _issuing_body(report.unit)
    top, leaves = heading_rows()
    columns = 2 + len(leaves)
    head = [[""] * columns, [""] * columns]
    for cell in top:
        head[0][cell["column"]] = Paragraph(esc(cell["text"]), st.cell_head)
    for i, leaf in enumerate(leaves):
        head[1][2 + i] = Paragraph(esc(leaf), st.cell_head)
    numbers = [Paragraph(f"({i})", st.cell_center) for i in range(1, columns + 1)]
    rows = table(report)
    data = [*head, numbers]
    for n, values in enumerate(rows, start=1):
        total = n == len(rows)
        data.append([Paragraph(esc(v), name_bold if total else st.cell) if i < 2
                     else Paragraph(str(v), number_bold if total else number) for i, v in enumerate(values)])
    name_w = 36 * mm
    count_w = (width - 2 * name_w) / len(leaves)
    table_ = grid(data, [name_w, name_w] + [count_w] * len(leaves), header_rows=3, font_size=8.5)
    spans = []
    for cell in top:
        spans.append(("SPAN", (cell["column"], 0),
                      (cell["column"] + cell["colspan"] - 1, cell["rowspan"] - 1)))
    table_.setStyle(spans + [("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#eeeeee")),
                             ("VALIGN", (0, 0), (-1, 2), "MIDDLE")])

    story = [
        national_heading(st, width=width, agency_lines=("", body), place=place_name(report.unit),
                         issued_at=report.generated_at, number=REPORT_NUMBER, split=0.4),
        Spacer(1, 4 * mm),
        Paragraph(esc(upper(_("Báo cáo"))), st.title),
        Paragraph(esc(_("Tình hình, kết quả giải quyết thủ tục hành chính")), st.sign_title),
        Paragraph(esc(_("Kỳ báo cáo: %(period)s") % {"period": period_text(report.period)}), st.subtitle_italic),
        Spacer(1, 3 * mm),
        table_,
        Spacer(1, 2 * mm),
        Paragraph(esc(_("Mỗi dòng: (3) = (4) + (5) + (6) = (7) + (11) + (14); (7) = (8) + (9) + (10); "
                        "(11) = (12) + (13).")), st.small),
        signatures(st, width=width, blocks=[
            (upper(_("Người lập biểu")), _("(Ký, ghi rõ họ tên)"), prepared_by),
            ("", "", ""),
            (upper(_("Thủ trưởng đơn vị")), _("(Ký tên, đóng dấu)"), ""),
        ], space=18 * mm),
    ]
    stamp = timezone.localtime(report.generated_at).strftime("%d/%m/%Y %H:%M")
    return build_pdf(
        story, pagesize=PAPER_BOOK, title=_(REPORT_TITLE), author=body, subject=str(report.period.label),
        margins=PDF_MARGINS, mark=FORM_NUMBER,
        footer=_("%(form)s · %(body)s · %(period)s · lập lúc %(at)s") % {
            "form": FORM_NUMBER, "body": body, "period": report.period.label, "at": stamp},
    )
