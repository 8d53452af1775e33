"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment slip), in both sets.

TT 03/2025 keeps the number and the title; its field layout was not available, so the 2018
fields are printed under either circular (docs/forms.md).
"""
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from procedures.models import DocumentForm
from workflows.codes import make_lookup_token
from workflows.errors import TransitionNotAllowed
from workflows.models import ApplicantCapacity, Channel

from . import facts
from .layout import (
    DOTS,
    PAPER_A5,
    Paragraph,
    Styles,
    build_pdf,
    clean,
    esc,
    fmt_time_date,
    frame_height,
    frame_width,
    grid,
    largest_fitting,
    line,
    national_heading,
    plain_table,
    qr_code,
    signatures,
    time_limit,
)


def status_url_for(code: str) -> str:
    """The public status page of a dossier, opened by the receipt's QR code with a signed token
    (the citizen needs no secret to follow it)."""
    return f"{settings.SITE_URL.rstrip('/')}/tra-cuu/?{urlencode({'t': make_lookup_token(code)})}"


def _form_label(value: str) -> str:
    try:
        return str(DocumentForm(value).label)
    except ValueError:
        return clean(value)


def _documents_table(dossier, st: Styles, width: float) -> Table:
    rows = [[Paragraph("TT", st.cell_head), Paragraph("Tên loại giấy tờ", st.cell_head),
             Paragraph("Hình thức (bản chính, bản sao, bản chụp)", st.cell_head),
             Paragraph("Số lượng", st.cell_head)]]
    docs = facts.documents(dossier)
    for number, doc in enumerate(docs, start=1):
        rows.append([Paragraph(str(number), st.cell_center), Paragraph(esc(doc.get("name")), st.cell),
                     Paragraph(esc(_form_label(doc.get("form", ""))), st.cell_center),
                     Paragraph(f"{doc.get('copies') or 1:02d}", st.cell_center)])
    if not docs:
        rows.append(["", Paragraph("(không có)", st.cell), "", ""])
    # The names take the room: the form column holds one or two words ("bản chính", "bản sao").
    return grid(rows, [width * 0.06, width * 0.61, width * 0.23, width * 0.10], font_size=st.cell.fontSize)


def _represented(dossier, st: Styles) -> list:
    """Who the applicant files for, when not for themselves (NĐ 118/2025 Art. 5–6), on one or two lines."""
    if dossier.applicant_capacity == ApplicantCapacity.SELF:
        return []
    owner = esc(dossier.subject_name)
    if dossier.subject_id_number:
        owner += f" (số định danh / mã số: {esc(dossier.subject_id_number)})"
    if dossier.subject_address:
        owner += f", {esc(dossier.subject_address)}"
    lines = [Paragraph(f"Nộp với tư cách <b>{esc(ApplicantCapacity(dossier.applicant_capacity).label)}</b> "
                       f"của: <b>{owner}</b>", st.body)]
    if dossier.authorisation_document:
        lines.append(line("Văn bản ủy quyền", dossier.authorisation_document, st))
    return lines


def _competent(dossier, st: Styles) -> list:
    """The competent unit, when another centre received the dossier (NĐ 118/2025 Art. 14)."""
    if not dossier.received_out_of_area:
        return []
    return [Paragraph(f"Đơn vị có thẩm quyền giải quyết: <b>{esc(dossier.competent_unit.name)}</b> "
                      f"(tiếp nhận không phụ thuộc địa giới hành chính)", st.body)]


RECEIPT_SIZES = (10.5, 10, 9.5, 9, 8.5, 8)
RECEIPT_SIGNER_SPACE = 13 * mm  # room to sign by hand above the printed names
RECEIPT_SIGNER_SPACE_SMALL = 10 * mm  # a long dossier: still room for a signature


def _story(dossier, st: Styles, width: float, *, form, agency, procedure, received, secret, qr, issuing,
           register, officer, fee) -> list:
    """The form at one body size; what needs a query or the QR drawing comes in ready (`render` may lay
    the form out at several sizes)."""
    lookup = [
        Paragraph(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", st.body_left),
        Paragraph("(Liên: lưu tại Bộ phận Một cửa / giao người nộp hồ sơ)", st.small),
    ]
    if secret:
        lookup.append(Paragraph(f"Mã bí mật tra cứu: <b>{esc(secret)}</b>", st.body_left))
    lookup.append(Paragraph(
        f"Quét mã QR hoặc vào {esc(settings.SITE_URL.rstrip('/') + '/tra-cuu/')} để tra cứu tình trạng hồ sơ.",
        st.small,
    ))
    code_block = plain_table([[lookup, qr]], [width - 23 * mm, 23 * mm],
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"))

    given_due = facts.parse_instant(received.data.get("due_at")) if received else None
    due_line = f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{esc(fmt_time_date(dossier.due_at))}</b>"
    if given_due and dossier.due_at and given_due != dossier.due_at:
        due_line += f" <i>(hẹn lại; hẹn ban đầu: {esc(fmt_time_date(given_due))})</i>"
    if dossier.receiving_unit_due_at:  # inter-linked: the first unit's appointment, then the whole process
        first_due = fmt_time_date(dossier.receiving_unit_due_at)
        due_line = (f"5. Hẹn hoàn thành tại đơn vị tiếp nhận hồ sơ: <b>{esc(first_due)}</b>; "
                    f"hẹn trả kết quả (toàn bộ quy trình liên thông): "
                    f"<b>{esc(fmt_time_date(dossier.due_at))}</b>")
        if given_due and dossier.due_at and given_due != dossier.due_at:
            due_line += f" <i>(hẹn lại; hẹn ban đầu: {esc(fmt_time_date(given_due))})</i>"
    returning = dossier.return_agency
    result_place = returning.name + (f", {returning.address}" if returning.address else "")
    contact = f"Số điện thoại: <b>{esc(dossier.applicant_phone, '……………')}</b>"
    contact += f"    Thư điện tử: <b>{esc(dossier.applicant_email, '……………')}</b>"

    return [
        national_heading(st, width=width, agency_lines=issuing,
                         place=facts.place_name(agency.unit), issued_at=dossier.received_at),
        Paragraph(form.heading, st.title),
        code_block,
        Spacer(1, 2 * mm),
        Paragraph(f"{esc(agency.name)} tiếp nhận hồ sơ của:", st.body),
        line("Ông/Bà", dossier.applicant_name, st),
        Paragraph(f"Số định danh cá nhân: <b>{esc(dossier.applicant_id_number, DOTS)}</b>    "
                  f"Địa chỉ: <b>{esc(dossier.applicant_address, DOTS)}</b>", st.body),
        Paragraph(contact, st.body),
        *_represented(dossier, st),
        Paragraph(f"Nội dung yêu cầu giải quyết: <b>{esc(procedure.name)}</b> (mã thủ tục {esc(procedure.code)})",
                  st.body),
        *_competent(dossier, st),
        Paragraph(f"Hình thức nộp: {esc(Channel(dossier.channel).label)}", st.body),
        Paragraph("1. Thành phần hồ sơ nộp gồm:", st.body),
        _documents_table(dossier, st, width),
        Spacer(1, 1.5 * mm),
        Paragraph("2. Số lượng hồ sơ: <b>01</b> (bộ)", st.body),
        Paragraph(f"3. Thời gian giải quyết hồ sơ theo quy định: <b>{esc(time_limit(procedure))}</b>",
                  st.body),
        Paragraph(f"4. Thời gian nhận hồ sơ: <b>{esc(fmt_time_date(dossier.received_at))}</b>", st.body),
        Paragraph(due_line, st.body),
        Paragraph(f"6. Phí, lệ phí: <b>{esc(fee)}</b>", st.body),
        Paragraph(f"7. Đăng ký nhận kết quả tại: <b>{esc(result_place)}</b>", st.body),
        Paragraph(
            f"<i>Vào Sổ theo dõi hồ sơ, Quyển số: {timezone.localtime(dossier.received_at).year}, "
            f"Số thứ tự: {register}</i>", st.body,
        ),
        signatures(st, width=width, blocks=[
            ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", dossier.applicant_name),
            ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", *officer),
        ], space=RECEIPT_SIGNER_SPACE if st.body.fontSize >= 10 else RECEIPT_SIGNER_SPACE_SMALL),
    ]


def render(dossier, *, form, secret: str | None = None, status_url: str | None = None) -> bytes:
    if dossier.received_at is None:
        raise TransitionNotAllowed(_("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả."))
    width = frame_width(PAPER_A5)
    evts = facts.events(dossier)
    received = facts.last_event(evts, "receive", "accept_online")
    agency = dossier.receiving_agency
    procedure = dossier.procedure
    ready = {"qr": qr_code(status_url or status_url_for(dossier.code), 21 * mm),
             "issuing": facts.issuing_lines(agency), "register": facts.register_number(dossier),
             "officer": facts.signer(received.actor if received else None, agency), "fee": facts.fee_line(dossier)}
    # Mẫu 01 is one sheet the citizen keeps: the largest body size at which the whole form fits
    # one A5 page (10.5 pt for a short dossier, down to 8 pt for a long checklist).
    story = largest_fitting(
        lambda size: _story(dossier, Styles(body=size), width, form=form, agency=agency, procedure=procedure,
                            received=received, secret=secret, **ready),
        RECEIPT_SIZES, width, frame_height(PAPER_A5))
    return build_pdf(story, pagesize=PAPER_A5, title=f"{form.heading} – {dossier.code}", author=agency.name,
                     subject=procedure.name, mark=form.basis, footer=form.footer(facts.footer_tail(dossier)))
