"""Sổ theo dõi hồ sơ (tracking book) of a receiving agency for a period: Mẫu 06 of TT 01/2018,
Mẫu 07 of TT 03/2025 for periods from 1 July 2025 (the set in force on the first day; the 2018
columns serve both, the 2025 layout was not available).

A4 landscape; one row per dossier received in the period, numbered from 1 each year as
the circular asks (TT 01/2018 Art. 10.2.c); the heading rows repeat on every page. Three
queries whatever the number of dossiers.
"""
import datetime as dt

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, Spacer

from workflows.errors import InvalidInput
from workflows.flows import DossierFlow
from workflows.models import Dossier, Outcome, WorkItem
from workflows.privacy import mask_phone
from workflows.statuses import Status

from . import facts
from .layout import (
    FONT,
    PAPER_BOOK,
    Styles,
    build_pdf,
    esc,
    fmt_date,
    fmt_short,
    frame_width,
    grid,
    national_heading,
)

MARGINS = (12 * mm, 10 * mm, 10 * mm, 12 * mm)
CELL_FONT = 7.5


def _period(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if not isinstance(date_from, dt.date) or not isinstance(date_to, dt.date):
        raise InvalidInput(_("Cần chọn khoảng thời gian (từ ngày, đến ngày)."))
    if date_from > date_to:
        raise InvalidInput(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _note(d: Dossier) -> str:
    notes = []
    if d.status == Status.WITHDRAWN:
        notes.append("Công dân rút hồ sơ")
    if d.outcome == Outcome.DENIED:
        notes.append("Từ chối giải quyết")
    if d.extension_count:
        notes.append("Đã xin lỗi, hẹn lại")
    if d.supplement_count:
        notes.append(f"Bổ sung {d.supplement_count} lần")
    end = d.returned_at or d.resolved_at
    if end and d.original_due_at and end > d.original_due_at:
        notes.append("Trả quá hạn" if d.returned_at else "Giải quyết quá hạn")
    return "; ".join(notes)


def _heading_rows(st: Styles) -> list[list]:
    h = st.cell_head
    top = [Paragraph(t, h) for t in ("Số TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
                                     "Tên tổ chức, cá nhân", "Địa chỉ, số điện thoại",
                                     "Cơ quan chủ trì giải quyết")]
    top += [Paragraph("Ngày, tháng, năm", h), "", "", "", "", Paragraph("Ký nhận", h), Paragraph("Ghi chú", h)]
    second = [""] * 7 + [Paragraph(t, h) for t in (
        "Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
        "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho tổ chức, cá nhân")] + ["", ""]
    return [top, second]


def _widths(total: float, codes: list[str]) -> list[float]:
    code_w = max([pdfmetrics.stringWidth(c, FONT, CELL_FONT) for c in codes] + [22 * mm]) + 7
    fixed = [8 * mm, code_w, None, 9 * mm, 27 * mm, 27 * mm, 27 * mm] + [16 * mm] * 5 + [17 * mm, 20 * mm]
    fixed[2] = total - sum(w for w in fixed if w is not None)
    return fixed


def render(agency, date_from: dt.date, date_to: dt.date, *, form) -> bytes:
    start, end = _period(date_from, date_to)
    st = Styles(body=9.5)
    st.cell.fontSize = st.cell_center.fontSize = st.cell_head.fontSize = CELL_FONT
    st.cell.leading = st.cell_center.leading = st.cell_head.leading = CELL_FONT * 1.2
    width = frame_width(PAPER_BOOK, MARGINS[:2])

    dossiers = list(
        Dossier.objects.filter(receiving_agency=agency, received_at__gte=start, received_at__lt=end)
        .select_related("procedure").order_by("received_at", "pk")
    )
    # When the counter handed each dossier to its first processing step (chuyển hồ sơ).
    transferred = dict(
        WorkItem.objects.filter(process__dossier__receiving_agency=agency, process__dossier__received_at__gte=start,
                                process__dossier__received_at__lt=end, flow_task=DossierFlow.process_step)
        .order_by().values("process_id").annotate(first=Min("created")).values_list("process_id", "first")
    ) if dossiers else {}
    year_start = dt.datetime.combine(dt.date(date_from.year, 1, 1), dt.time.min, tzinfo=start.tzinfo)
    before = Dossier.objects.filter(receiving_agency=agency, received_at__gte=year_start,
                                    received_at__lt=start).count() if dossiers else 0

    rows = _heading_rows(st)
    year, number = date_from.year, before
    for d in dossiers:
        received_year = timezone.localtime(d.received_at).year
        if received_year != year:  # a period across New Year: the new year's book starts at 1
            year, number = received_year, 0
        number += 1
        contact = ", ".join(x for x in (d.applicant_address, mask_phone(d.applicant_phone)) if x)
        lead = d.plan[-1].get("agency_name", "") if d.plan else ""
        c, cc = st.cell, st.cell_center
        rows.append([
            Paragraph(str(number), cc), Paragraph(esc(d.code), c), Paragraph(esc(d.procedure.name), c),
            Paragraph("01", cc), Paragraph(esc(d.applicant_name), c), Paragraph(esc(contact), c),
            Paragraph(esc(lead), c), Paragraph(esc(fmt_short(d.received_at)), cc),
            Paragraph(esc(fmt_short(d.due_at)), cc), Paragraph(esc(fmt_short(transferred.get(d.process_id))), cc),
            Paragraph(esc(fmt_short(d.resolved_at)), cc), Paragraph(esc(fmt_short(d.returned_at)), cc),
            Paragraph(f"<i>{esc(d.collected_by)}</i>", cc), Paragraph(esc(_note(d)), c),
        ])
    if not dossiers:
        rows.append([""] * 2 + [Paragraph("(Không có hồ sơ tiếp nhận trong kỳ)", st.cell)] + [""] * 11)
    table = grid(rows, _widths(width, [d.code for d in dossiers]), header_rows=2, font_size=CELL_FONT)
    spans = [("SPAN", (col, 0), (col, 1)) for col in (*range(7), 12, 13)] + [("SPAN", (7, 0), (11, 0))]
    table.setStyle(spans)

    period = f"Từ ngày {fmt_date(date_from)} đến ngày {fmt_date(date_to)}"
    story = [
        national_heading(st, width=width, split=0.5, agency_lines=facts.issuing_lines(agency),
                         place=facts.place_name(agency.unit), issued_at=timezone.now()),
        Paragraph(form.heading, st.title),
        Paragraph(f"{esc(period)} · Quyển số: {date_from.year} · Số hồ sơ: {len(dossiers)}", st.subtitle),
        Spacer(1, 3 * mm),
        table,
    ]
    return build_pdf(story, pagesize=PAPER_BOOK, title=f"{form.heading} – {agency.name}", author=agency.name,
                     subject=period, margins=MARGINS, mark=form.basis, footer=form.footer(f"{agency.name} · {period}"))
