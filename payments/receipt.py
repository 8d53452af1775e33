"""The electronic receipt for fees and charges (biên lai thu phí, lệ phí điện tử) as a PDF.

Printed in Vietnamese whatever the UI language, like the official forms (documents.layout):
series and number, the collecting unit, the payer, the lines, the total in figures and in words.
"""
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from documents import facts
from documents.layout import (
    PAPER_A5,
    Styles,
    build_pdf,
    esc,
    fmt_time_date,
    frame_width,
    grid,
    line,
    money,
    national_heading,
    signatures,
)
from workflows.errors import TransitionNotAllowed

from .models import FeeKind, Payment, PaymentChannel, PaymentStatus

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _three(n: int, full: bool) -> list[str]:
    """Words for 0–999; `full` reads a leading zero hundred ('không trăm linh năm')."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if hundreds or full else []) + [_DIGITS[units]]
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def in_words(amount: int) -> str:
    """'Năm mươi nghìn đồng' for 50000 (the amount in words a receipt carries)."""
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _three(value, full=index < len(groups) - 1)
        if index:
            words.append(_GROUPS[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def _kind(value: str) -> str:
    try:
        return FeeKind(value).label
    except ValueError:
        return ""


def render(payment: Payment) -> bytes:
    if payment.status != PaymentStatus.PAID or not payment.receipt_number:
        raise TransitionNotAllowed(_("Khoản thanh toán chưa hoàn thành nên chưa có biên lai."))
    dossier, agency = payment.dossier, payment.agency
    st = Styles(body=10)
    width = frame_width(PAPER_A5)
    rows = [[Paragraph("STT", st.cell_head), Paragraph("Nội dung thu", st.cell_head),
             Paragraph("Số tiền (đồng)", st.cell_head)]]
    for number, item in enumerate(payment.lines, start=1):
        label = esc(item.get("name"))
        kind = _kind(item.get("kind", ""))
        if kind:
            label = f"{esc(str(kind)).capitalize()}: {label}"
        if item.get("exempt"):
            label += " <i>(được miễn)</i>"
        rows.append([Paragraph(str(number), st.cell_center), Paragraph(label, st.cell),
                     Paragraph(money(item.get("amount", 0)), st.cell_center)])
    rows.append(["", Paragraph("<b>Tổng cộng</b>", st.cell),
                 Paragraph(f"<b>{money(payment.amount)}</b>", st.cell_center)])
    if payment.channel == PaymentChannel.COUNTER:
        how = "Nộp trực tiếp tại Bộ phận Một cửa"
    else:
        how = f"Thanh toán trực tuyến qua cổng thanh toán, mã giao dịch {payment.gateway_txn_id}"
        if payment.bank_code:
            how += f" ({payment.bank_code})"
    story = [
        national_heading(st, width=width, agency_lines=facts.issuing_lines(agency),
                         place=facts.place_name(agency.unit), issued_at=payment.paid_at),
        Paragraph("BIÊN LAI THU PHÍ, LỆ PHÍ", st.title),
        Paragraph("(Biên lai điện tử)", st.subtitle_italic),
        Paragraph(f"Ký hiệu: <b>{esc(payment.receipt_series)}</b>    Số: <b>{esc(payment.receipt_number)}</b>",
                  st.subtitle),
        Spacer(1, 3),
        line("Tên đơn vị thu", agency.name, st),
        line("Người nộp tiền", payment.payer_name, st),
        line("Mã hồ sơ", dossier.code, st),
        line("Thủ tục", dossier.procedure.name, st),
        grid(rows, [width * 0.08, width * 0.64, width * 0.28], font_size=st.cell.fontSize),
        Spacer(1, 3),
        Paragraph(f"Số tiền viết bằng chữ: <b>{esc(in_words(payment.amount))}</b>", st.body),
        line("Hình thức thanh toán", how, st),
        line("Thời gian thu", fmt_time_date(payment.paid_at), st),
        signatures(st, width=width, blocks=[
            ("NGƯỜI NỘP TIỀN", "(Ký, ghi rõ họ tên)", payment.payer_name if payment.channel == "counter" else ""),
            ("NGƯỜI THU TIỀN", "(Ký, ghi rõ họ tên)", *facts.signer(payment.recorded_by, agency)),
        ], space=12 * mm),
    ]
    return build_pdf(story, pagesize=PAPER_A5, title=f"Biên lai {payment.receipt} – {dossier.code}",
                     author=agency.name, subject="Biên lai thu phí, lệ phí",
                     footer=facts.footer_tail(dossier, f"Biên lai điện tử {payment.receipt} · Mã hồ sơ {dossier.code}"))
