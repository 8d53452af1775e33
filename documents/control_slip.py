"""Phiếu kiểm soát quá trình giải quyết hồ sơ (processing control slip): Mẫu 05 of TT 01/2018,
Mẫu 06 of TT 03/2025 (whose layout was not available: the 2018 fields serve both).

One row per hand-over of the dossier: who gave it, who received it, when, with space for
both signatures, and whether that step finished before, on or after its own due time.
"""
from django.utils.translation import gettext_lazy as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from workflows.errors import TransitionNotAllowed

from . import facts
from .layout import (
    PAPER_A5,
    Styles,
    build_pdf,
    esc,
    fmt_short,
    fmt_time_date,
    frame_width,
    grid,
    national_heading,
    plain_table,
)

STATE_LABELS = {"open": "Đang giải quyết", "canceled": "Đã hủy"}


def _signature_pair(row: facts.Handover, st: Styles, width: float) -> Table:
    return plain_table(
        [[Paragraph("Người giao", st.cell_head), Paragraph("Người nhận", st.cell_head)],
         [Spacer(1, 7 * mm), Spacer(1, 7 * mm)],
         [Paragraph(esc(row.giver), st.cell_center), Paragraph(esc(row.receiver), st.cell_center)]],
        [width / 2] * 2,
    )


def _table(rows: list[facts.Handover], st: Styles, width: float) -> Table:
    widths = [width * 0.28, width * 0.37, width * 0.17, width * 0.18]
    data = [[Paragraph("TÊN CƠ QUAN", st.cell_head), Paragraph("THỜI GIAN GIAO, NHẬN HỒ SƠ", st.cell_head),
             Paragraph("KẾT QUẢ GIẢI QUYẾT HỒ SƠ<br/><font size=6.5>(Trước hạn/ Đúng hạn/ Quá hạn)</font>",
                       st.cell_head),
             Paragraph("GHI CHÚ", st.cell_head)]]
    for row in rows:
        result = facts.timeliness(row.finished, row.due_at) if row.state == "done" else STATE_LABELS[row.state]
        note = esc(row.note)
        if row.due_at and row.state != "done":
            note += f"<br/>Hạn: {esc(fmt_short(row.due_at))}"
        data.append([
            [Paragraph(f"1. Giao: {esc(row.giver_agency)}", st.cell),
             Paragraph(f"2. Nhận: {esc(row.receiver_agency)}", st.cell)],
            [Paragraph(esc(fmt_time_date(row.at)), st.cell_center), _signature_pair(row, st, widths[1] - 5)],
            Paragraph(esc(result), st.cell_center),
            Paragraph(note, st.cell),
        ])
    if not rows:
        data.append(["", Paragraph("(chưa chuyển giao)", st.cell_center), "", ""])
    return grid(data, widths, font_size=st.cell.fontSize)


def render(dossier, *, form, **_ignored) -> bytes:
    if dossier.received_at is None or dossier.process_id is None:
        raise TransitionNotAllowed(_("Hồ sơ chưa được tiếp nhận giải quyết nên chưa có phiếu kiểm soát."))
    st = Styles()
    width = frame_width(PAPER_A5)
    evts = facts.events(dossier)
    agency = dossier.receiving_agency
    due = f"<b>{esc(fmt_time_date(dossier.due_at))}</b>"
    if dossier.original_due_at and dossier.original_due_at != dossier.due_at:
        due += f" <i>(hạn theo quy định: {esc(fmt_time_date(dossier.original_due_at))})</i>"
    story = [
        national_heading(st, width=width, agency_lines=facts.issuing_lines(agency),
                         place=facts.place_name(agency.unit), issued_at=dossier.received_at),
        Paragraph(form.heading, st.title),
        Paragraph(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", st.subtitle),
        Paragraph("(Liên: lưu tại Bộ phận Một cửa)", st.subtitle_italic),
        Spacer(1, 2 * mm),
        Paragraph(f"Kèm theo hồ sơ của: <b>{esc(dossier.applicant_name)}</b>", st.body),
        Paragraph(f"Nội dung yêu cầu giải quyết: <b>{esc(dossier.procedure.name)}</b>", st.body),
        Paragraph(f"Thời gian nhận hồ sơ: <b>{esc(fmt_time_date(dossier.received_at))}</b>", st.body),
        Paragraph(f"Thời gian hẹn trả kết quả: {due}", st.body),
        Spacer(1, 1.5 * mm),
        _table(facts.handovers(dossier, evts), st, width),
    ]
    return build_pdf(story, pagesize=PAPER_A5, title=f"{form.heading} – {dossier.code}", author=agency.name,
                     subject=dossier.procedure.name, mark=form.basis, footer=form.footer(facts.footer_tail(dossier)))
