"""The shared layout of the official forms (TT 01/2018/TT-VPCP Art. 9–10; TT 03/2025/TT-VPCP
Appendix I): fonts, paper, the form's number and legal basis, the national heading, signature
blocks, and the formatting of dates, times and money.

The forms' wording is fixed by the circular and printed in Vietnamese whatever the UI
language, so the texts here are plain strings, not translations.
"""
import functools
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, HRFlowable, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as _Paragraph

from . import qr

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "OnestopSerif"  # Liberation Serif: metric-compatible with Times New Roman, the official face
FONT_BOLD = "OnestopSerif-Bold"
FONT_ITALIC = "OnestopSerif-Italic"

PAPER_A5 = A5  # 148 × 210 mm: every form but the tracking book
PAPER_BOOK = landscape(A4)  # the tracking book (Mẫu 06 of TT 01/2018, 07 of TT 03/2025), for its many columns

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOTS = "…………………"

_registered = False


def register_fonts():
    """Register the bundled TTFs once per process (idempotent)."""
    global _registered
    if _registered:
        return
    for name, filename in ((FONT, "LiberationSerif-Regular.ttf"), (FONT_BOLD, "LiberationSerif-Bold.ttf"),
                           (FONT_ITALIC, "LiberationSerif-Italic.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    # <b>/<i> in paragraphs pick the right face; no bold italic is bundled, bold stands in.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)
    _registered = True


@dataclass(frozen=True)
class Form:
    """One form of a circular's appendix (documents.render.FORMS): what it is numbered and called
    in the legal frame of the dossier it is printed for."""

    kind: str
    number: str  # "01"
    title: str  # as the appendix names it, sentence case
    circular: str  # workflows.frames.LegalFrame.circular, e.g. "TT 03/2025/TT-VPCP"

    @property
    def heading(self) -> str:
        return upper(self.title)

    @property
    def basis(self) -> str:
        """'Mẫu số 05 (Theo Thông tư số 03/2025/TT-VPCP)': top right of the first page (build_pdf's mark)."""
        return f"Mẫu số {self.number} (Theo Thông tư số {self.circular.removeprefix('TT ')})"

    def footer(self, tail: str) -> str:
        return f"Mẫu số {self.number} · {self.circular} · {tail}"


# --- text and formatting --------------------------------------------------------------


def clean(value) -> str:
    """NFC-normalised text (one code point per Vietnamese letter), or "" for None."""
    return unicodedata.normalize("NFC", str(value)) if value is not None else ""


def esc(value, blank: str = "") -> str:
    """Text for a Paragraph: normalised, XML-escaped, line breaks kept."""
    text = clean(value).strip()
    if not text:
        return blank
    return escape(text).replace("\n", "<br/>")


def upper(value) -> str:
    return clean(value).upper()


def local(instant: datetime | None) -> datetime | None:
    return timezone.localtime(instant) if instant is not None else None


def fmt_date(instant) -> str:
    """dd/mm/yyyy in Vietnam's time zone."""
    if instant is None:
        return ""
    day = local(instant) if isinstance(instant, datetime) else instant
    return f"{day:%d/%m/%Y}"


def fmt_time_date(instant: datetime | None) -> str:
    """'09 giờ 00 phút, ngày 02/03/2026'."""
    if instant is None:
        return DOTS
    t = local(instant)
    return f"{t:%H} giờ {t:%M} phút, ngày {t:%d/%m/%Y}"


def fmt_short(instant: datetime | None) -> str:
    """'09:00 02/03/2026' for the register's narrow columns."""
    if instant is None:
        return ""
    t = local(instant)
    return f"{t:%H:%M} {t:%d/%m/%Y}"


def dateline(place: str, instant: datetime | None) -> str:
    """'Bình Lư, ngày 02 tháng 3 năm 2026': days below 10 and months 1–2 get a leading zero
    (the administrative-document style of NĐ 30/2020)."""
    t = local(instant) if instant is not None else timezone.localtime()
    month = f"{t.month:02d}" if t.month <= 2 else str(t.month)
    prefix = f"{clean(place)}, " if place else ""
    return f"{prefix}ngày {t.day:02d} tháng {month} năm {t.year}"


def time_limit(procedure) -> str:
    """'3 ngày làm việc' (tolerates an unsaved procedure holding a plain int)."""
    if procedure.time_limit_unit in ("same_day", "unspecified"):
        return clean(procedure.get_time_limit_unit_display())
    value = Decimal(str(procedure.time_limit_value)).normalize()
    return f"{value:f} {procedure.get_time_limit_unit_display()}"


def money(amount: int | None, note: str = "") -> str:
    if amount is None:
        return clean(note) or "Theo quy định"
    if amount == 0:
        return "Không thu"
    text = f"{amount:,} đồng".replace(",", ".")
    return f"{text} ({clean(note)})" if note else text


# --- styles -----------------------------------------------------------------------------


def _style(name, size, *, font=FONT, align=TA_LEFT, leading=None, **kw):
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25, alignment=align, **kw)


class Styles:
    """Paragraph styles for a paper size: A5 forms use a 10.5 pt body, the register 8 pt."""

    def __init__(self, body: float = 10.5):
        register_fonts()
        self.body = _style("body", body, align=TA_JUSTIFY, spaceAfter=1.5)
        self.body_left = _style("body_left", body)
        self.cell = _style("cell", body - 1.5)
        self.cell_center = _style("cell_center", body - 1.5, align=TA_CENTER)
        self.cell_head = _style("cell_head", body - 1.5, font=FONT_BOLD, align=TA_CENTER)
        self.heading_left = _style("heading_left", body - 1.5, align=TA_CENTER)
        self.heading_left_bold = _style("heading_left_bold", body - 1.5, font=FONT_BOLD, align=TA_CENTER)
        self.dateline = _style("dateline", body - 0.5, font=FONT_ITALIC, align=TA_CENTER)
        self.title = _style("title", body + 2, font=FONT_BOLD, align=TA_CENTER, spaceBefore=4, spaceAfter=1)
        self.subtitle = _style("subtitle", body, align=TA_CENTER)
        self.subtitle_italic = _style("subtitle_italic", body - 0.5, font=FONT_ITALIC, align=TA_CENTER)
        self.sign_title = _style("sign_title", body, font=FONT_BOLD, align=TA_CENTER)
        self.sign_hint = _style("sign_hint", body - 1.5, font=FONT_ITALIC, align=TA_CENTER)
        self.sign_name = _style("sign_name", body, font=FONT_BOLD, align=TA_CENTER)
        self.sign_position = _style("sign_position", body - 1.5, align=TA_CENTER)
        self.small = _style("small", body - 2.5, font=FONT_ITALIC)


class Paragraph(_Paragraph):
    """reportlab's Paragraph, its line breaking kept for the width it was last laid out at.

    A form's paragraph is wrapped at one width several times before it is drawn: once to measure the
    story (`largest_fitting`), once by the frame that places it, and a table's cells once more when
    the table draws. Line breaking depends on the width, the text and the style only (not on the
    height offered), so the repeat at the same width returns what the first one computed: the same
    lines, the same height, in a third of the work. Per object, so nothing outlives the document."""

    _wrapped = None

    def wrap(self, availWidth, availHeight):
        memo = self._wrapped
        if memo is not None and memo[0] == availWidth:
            self.width, self._wrapWidths, self.blPara, self.height = memo[1:]
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, self.width, self._wrapWidths, self.blPara, height)
        return width, height


def p(text: str, style) -> Paragraph:
    """A paragraph from markup already escaped with `esc` (callers compose bold/italic)."""
    return Paragraph(text, style)


def line(label: str, value, st: Styles, blank: str = DOTS) -> Paragraph:
    """'Label: value' with the label plain and the value bold, dotted when empty."""
    return Paragraph(f"{label}: <b>{esc(value, blank)}</b>", st.body)


# --- blocks -----------------------------------------------------------------------------


def _fit(text: str, font: str, width: float, largest: float) -> float:
    """The largest font size up to `largest` at which `text` fits `width` on one line."""
    natural = pdfmetrics.stringWidth(text, font, 1)
    return min(largest, width / natural) if natural else largest


def national_heading(st: Styles, *, width: float, agency_lines: tuple[str, str], place: str,
                     issued_at: datetime | None, number: str = "", split: float = 0.42) -> Table:
    """The two-column heading: the issuing body on the left (its superior above it, a
    short rule under it), the Quốc hiệu and tiêu ngữ on the right, then the dateline."""
    left_w, right_w = width * split, width * (1 - split)
    superior, agency = agency_lines
    body = st.body.fontSize
    left = []
    if superior:
        size = _fit(upper(superior), FONT, left_w - 4, body - 1.5)
        left.append(Paragraph(esc(upper(superior)), _style("sup", size, align=TA_CENTER)))
    size = max(_fit(upper(agency), FONT_BOLD, left_w - 4, body - 1.5), body - 3)
    left.append(Paragraph(esc(upper(agency)), _style("agency", size, font=FONT_BOLD, align=TA_CENTER)))
    left.append(HRFlowable(width=min(left_w * 0.35, 40 * mm), thickness=0.6, color=colors.black, spaceBefore=1.5,
                           spaceAfter=2, hAlign="CENTER"))
    if number:
        left.append(Paragraph(esc(number), st.heading_left))

    name_size = _fit(NATIONAL_NAME, FONT_BOLD, right_w - 4, body - 1)
    motto_size = min(body, name_size + 1)
    right = [
        Paragraph(NATIONAL_NAME, _style("nation", name_size, font=FONT_BOLD, align=TA_CENTER)),
        Paragraph(NATIONAL_MOTTO, _style("motto", motto_size, font=FONT_BOLD, align=TA_CENTER)),
        HRFlowable(width=pdfmetrics.stringWidth(NATIONAL_MOTTO, FONT_BOLD, motto_size), thickness=0.6,
                   color=colors.black, spaceBefore=1.5, spaceAfter=3, hAlign="CENTER"),
        Paragraph(esc(dateline(place, issued_at)), st.dateline),
    ]
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONT", (0, 0), (-1, -1), FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def signatures(st: Styles, *, width: float, blocks: list[tuple], space: float = 16 * mm) -> Table:
    """Signature columns side by side: (title, hint, printed name[, the signer's position]) each; an
    empty title leaves its column blank (a lone signature sits on the right as on the printed forms)."""
    row = []
    for title, hint, name, *rest in blocks:
        if not title:
            row.append("")
            continue
        cell = [Paragraph(esc(title), st.sign_title), Paragraph(esc(hint), st.sign_hint), Spacer(1, space),
                Paragraph(esc(name), st.sign_name)]
        if rest and rest[0]:
            cell.append(Paragraph(esc(rest[0]), st.sign_position))
        row.append(cell)
    table = Table([row], colWidths=[width / len(blocks)] * len(blocks))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 6),
                               ("FONT", (0, 0), (-1, -1), FONT)]))
    return table


def grid(rows, col_widths, *, header_rows: int = 1, font_size: float = 9, repeat: bool = True) -> Table:
    """A ruled table whose first `header_rows` rows are the (repeated) column heading."""
    table = Table(rows, colWidths=col_widths, repeatRows=header_rows if repeat else 0)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), FONT, font_size),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def plain_table(rows, col_widths, *commands, padding: float | None = 0) -> Table:
    """A borderless layout table (cells in the bundled font, so nothing refers to Helvetica)."""
    table = Table(rows, colWidths=col_widths)
    base = [("FONT", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if padding is not None:
        base += [(side, (0, 0), (-1, -1), padding)
                 for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]
    table.setStyle(TableStyle(base + list(commands)))
    return table


QR_BORDER = 2  # quiet zone, in modules


@functools.lru_cache(maxsize=1024)
def qr_runs(value: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR symbol of `value` (medium error correction: survives a crumpled slip) as its module count
    and its dark runs (row, first column, length): segno's symbol, its mask chosen by documents.qr's
    whole-symbol evaluation (the same choice as segno's, a quarter of the time). Kept per value because
    a receipt is printed more than once (counter and citizen copies, reprints)."""
    count, rows = qr.symbol(value)
    return count, qr.dark_runs(count, rows)


class QrCode(Flowable):
    """A QR code painted straight onto the canvas as one filled path of its dark runs: no drawing
    objects per module, and no font reference in the PDF."""

    def __init__(self, value: str, size: float):
        super().__init__()
        self.value = value
        self.width = self.height = size

    def draw(self):
        count, runs = qr_runs(self.value)
        box = self.width / (count + 2 * QR_BORDER)
        path = self.canv.beginPath()
        # What path.rect writes for each run, formatted in one pass and handed over as one operation
        # string (the path joins its operations with spaces): no method call per run.
        h = self.height
        path._code_append(" ".join([f"{fp_str(((c + QR_BORDER) * box, h - (r + QR_BORDER + 1) * box, n * box, box))} re"
                                    for r, c, n in runs]))
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def qr_code(value: str, size: float = 24 * mm) -> QrCode:
    return QrCode(value, size)


# --- document ---------------------------------------------------------------------------


def _footer_canvas(footer: str, font_size: float, mark: str = ""):
    """A canvas that numbers pages 'Trang x/y' once the page count is known and prints `mark` top
    right of the first page, in the margin (it takes no room from the form's body)."""

    class FooterCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = FONT  # no reference to a non-embedded Helvetica
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number, total):
            width, height = self._pagesize
            self.setFont(FONT_ITALIC, font_size)
            self.setFillColor(colors.HexColor("#444444"))
            if footer:
                self.drawString(12 * mm, 6 * mm, clean(footer))
            self.drawRightString(width - 10 * mm, 6 * mm, f"Trang {number}/{total}")
            if mark and number == 1:
                self.drawRightString(width - 10 * mm, height - 6.5 * mm, clean(mark))

    return FooterCanvas


def build_pdf(story: list, *, pagesize, title: str, author: str, subject: str, footer: str = "",
              margins: tuple[float, float, float, float] = (15 * mm, 10 * mm, 10 * mm, 12 * mm),
              footer_size: float = 7, mark: str = "") -> bytes:
    """Lay out `story` on `pagesize` (margins left, right, top, bottom) and return the PDF; `mark`
    (a form's number and circular, Form.basis) goes top right of the first page."""
    register_fonts()
    left, right, top, bottom = margins
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
        title=clean(title), author=clean(author), subject=clean(subject), creator="onestop",
        invariant=True,  # no timestamps or random ids: the same dossier gives the same bytes
    )
    doc.build(story, canvasmaker=_footer_canvas(footer, footer_size, mark))
    return buffer.getvalue()


FRAME_PADDING = 6  # platypus frames pad each side by 6 pt


def frame_width(pagesize, margins=(15 * mm, 10 * mm)) -> float:
    """The width a flowable may take between the margins."""
    return pagesize[0] - margins[0] - margins[1] - 2 * FRAME_PADDING


def frame_height(pagesize, margins=(10 * mm, 12 * mm)) -> float:
    """The height a page's flowables may take between the top and bottom margins (build_pdf's)."""
    return pagesize[1] - margins[0] - margins[1] - 2 * FRAME_PADDING


def largest_fitting(make_story, sizes: tuple[float, ...], width: float, height: float) -> list:
    """The story `make_story(size)` at the largest of `sizes` (descending) whose height fits `height`,
    or at the smallest when none does. A text's height grows about as the square of its size, so the
    first measurement predicts where to look: two or three layouts instead of one per size."""
    measured = {}

    def fits(i: int) -> bool:
        if i not in measured:
            story = make_story(sizes[i])
            measured[i] = (story, story_height(story, width))
        return measured[i][1] <= height

    if fits(0):
        return measured[0][0]
    predicted = sizes[0] * (height / measured[0][1]) ** 0.5
    i = next((k for k, size in enumerate(sizes) if size <= predicted), len(sizes) - 1)
    if fits(i):
        while i > 1 and fits(i - 1):  # a larger size may still fit
            i -= 1
    else:
        while i < len(sizes) - 1 and not fits(i + 1):
            i += 1
        i = min(i + 1, len(sizes) - 1)
    return measured[i][0]


def story_height(story: list, width: float) -> float:
    """The height `story` takes laid out at `width` (platypus collapses no spacing: a safe upper bound)."""
    total = 0.0
    for flowable in story:
        _, height = flowable.wrap(width, 10_000)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total
