"""Small server-side SVG charts: no JavaScript, no network, readable without colour.

Each returns safe markup with a <title> and the values printed beside the marks, so a
screen reader (and a printed page) gets the numbers too. The numbers are written as the
language writes them (57,1% in Vietnamese). A label too long for its room is cut with an
ellipsis and keeps its full text in a <title> (the browser shows it on hover); labels too
wide to sit side by side under the bars are slanted.

The drawing is 560 units wide: about the width a chart takes on a 1366 px screen, so one
unit is about one pixel there and 13 units read as a 13 px font. On a phone the chart keeps
a minimum width and its figure scrolls (onestop/oversight/templates/oversight/_head.html).
"""
import math

from django.utils import formats, numberformat
from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 560, 240, 44
LABEL, VALUE, AXIS = 13, 12, 12  # font sizes
CHAR_EM = 0.56  # the average advance of a letter of a sans-serif face, in em: an estimate for layout
SLANT = 35  # degrees


def number(value: float) -> str:
    """One decimal at most, in the active language's decimal mark and grouping (57,1 · 1.234)."""
    rounded = round(float(value), 1)
    return numberformat.format(rounded, formats.get_format("DECIMAL_SEPARATOR"), 0 if rounded.is_integer() else 1,
                               grouping=3, thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
                               force_grouping=True, use_l10n=True)


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_EM


def _clip(text: str, size: float, room: float) -> str:
    """`text`, or as much of it as fits `room` followed by an ellipsis."""
    if _text_width(text, size) <= room:
        return text
    keep = max(int(room / (size * CHAR_EM)) - 1, 1)
    return text[:keep].rstrip() + "…"


def _label(x: float, y: float, label, *, size: float = LABEL, room: float, anchor: str = "middle",
           slant: bool = False) -> str:
    text, whole = _split(label)
    shown = _clip(text, size, room)
    full = f"<title>{escape(whole)}</title>" if shown != whole else ""
    turn = f' transform="rotate(-{SLANT} {x:.1f} {y:.1f})"' if slant else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{turn}>'
            f'{full}{escape(shown)}</text>')


def _split(label) -> tuple[str, str]:
    """A label is its text, or (short text shown, full text for the tooltip)."""
    return label if isinstance(label, tuple) else (label, label)


def _frame(title: str, body: str, height: int = HEIGHT) -> str:
    return mark_safe(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'font-family="system-ui, \'Segoe UI\', Roboto, \'Noto Sans\', sans-serif" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>'
    )


def line(points: list[tuple[str, float | None]], title: str, y_max: float = 100.0, suffix: str = "%") -> str:
    """A line over labelled points (e.g. the on-time rate per month); a label may be (short, full)."""
    if not points:
        return ""
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    slot = inner_w / len(points)  # each point centred in its slot: no value sits on the axis
    coords, marks = [], []
    for i, (label, value) in enumerate(points):
        x = PAD + (i + 0.5) * slot
        marks.append(_label(x, HEIGHT - PAD + 18, label, room=max(slot - 4, 24)))
        if value is None:
            continue
        y = PAD + inner_h * (1 - min(value, y_max) / y_max)
        coords.append(f"{x:.1f},{y:.1f}")
        marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1a5fb4"/>'
                     f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="{VALUE}" text-anchor="middle">'
                     f'{number(value)}{suffix}</text>')
    axis = (f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
            f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
            f'<text x="{PAD - 4}" y="{PAD + 4}" font-size="{AXIS}" text-anchor="end">{number(y_max)}{suffix}</text>'
            f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" font-size="{AXIS}" text-anchor="end">0</text>')
    path = f'<polyline fill="none" stroke="#1a5fb4" stroke-width="2" points="{" ".join(coords)}"/>' if coords else ""
    return _frame(title, axis + path + "".join(marks))


def bars(items: list[tuple[str, float | None]], title: str, target: float | None = None,
         y_max: float = 100.0, suffix: str = "%") -> str:
    """Vertical bars with an optional target line (e.g. one-stop share by unit vs the target)."""
    if not items:
        return ""
    slot = (WIDTH - 2 * PAD) / len(items)
    names = [_split(label)[0] for label, _v in items]
    slant = any(_text_width(n, LABEL) > slot - 4 for n in names)
    # slanted labels take up to 130 units along the slant; upright ones one line
    band = math.ceil(130 * math.sin(math.radians(SLANT))) + 16 if slant else 22
    height = HEIGHT + (band - 22)
    base = height - PAD + 14 - band  # the bars' baseline
    inner_h = base - PAD
    body = [f'<line x1="{PAD}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}" stroke="#888"/>']
    for i, (label, value) in enumerate(items):
        full = _split(label)[1]
        v = value or 0.0
        h = inner_h * min(v, y_max) / y_max
        x = PAD + i * slot + slot * 0.15
        y = base - h
        centre = x + slot * 0.35
        fill = "#2e7d32" if target is None or v >= target else "#b00020"
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{fill}">'
                    f'<title>{escape(full)}: {"—" if value is None else number(value) + suffix}</title></rect>'
                    f'<text x="{centre:.1f}" y="{y - 4:.1f}" font-size="{VALUE}" text-anchor="middle">'
                    f'{"—" if value is None else number(value) + suffix}</text>')
        if slant:
            body.append(_label(centre + 4, base + 16, label, room=130, anchor="end", slant=True))
        else:
            body.append(_label(centre, base + 17, label, room=slot - 4))
    if target is not None:
        y = base - inner_h * min(target, y_max) / y_max
        body.append(f'<line x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}" stroke="#000" '
                    f'stroke-dasharray="6 4"/><text x="{WIDTH - PAD + 3}" y="{y + 4:.1f}" font-size="{VALUE}">'
                    f'{number(target)}{suffix}</text>')
    return _frame(title, "".join(body), height)


def hbars(items: list[tuple[str, float]], title: str, suffix: str = "") -> str:
    """Horizontal bars, longest first (e.g. working hours over allotment by agency)."""
    if not items:
        return ""
    row = 26
    height = 16 + row * len(items)
    top = max((v for _l, v in items), default=0) or 1
    label_w = 220
    body = []
    for i, (label, value) in enumerate(items):
        full = _split(label)[1]
        y = 8 + i * row
        w = (WIDTH - label_w - 80) * value / top
        body.append(_label(label_w - 8, y + 17, label, room=label_w - 12, anchor="end")
                    + f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="#b00020">'
                    f'<title>{escape(full)}: {number(value)}{suffix}</title></rect>'
                    f'<text x="{label_w + w + 5:.1f}" y="{y + 17}" font-size="{VALUE}">{number(value)}{suffix}</text>')
    return _frame(title, "".join(body), height)
