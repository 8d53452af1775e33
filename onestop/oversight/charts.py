"""Small server-side SVG charts: no JavaScript, no network, readable without colour.

Each returns safe markup with a <title> and the values printed beside the marks, so a
screen reader (and a printed page) gets the numbers too.
"""
from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 640, 220, 40


def _frame(title: str, body: str, height: int = HEIGHT) -> str:
    return mark_safe(
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>'
    )


def line(points: list[tuple[str, float | None]], title: str, y_max: float = 100.0, suffix: str = "%") -> str:
    """A line over labelled points (e.g. the on-time rate per month)."""
    if not points:
        return ""
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = inner_w / max(len(points) - 1, 1)
    coords, marks = [], []
    for i, (label, value) in enumerate(points):
        x = PAD + i * step if len(points) > 1 else WIDTH / 2
        marks.append(f'<text x="{x:.1f}" y="{HEIGHT - PAD + 16}" font-size="11" text-anchor="middle">'
                     f'{escape(label)}</text>')
        if value is None:
            continue
        y = PAD + inner_h * (1 - min(value, y_max) / y_max)
        coords.append(f"{x:.1f},{y:.1f}")
        marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1a5fb4"/>'
                     f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="11" text-anchor="middle">{value:g}{suffix}</text>')
    axis = (f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
            f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
            f'<text x="4" y="{PAD + 4}" font-size="10">{y_max:g}{suffix}</text>'
            f'<text x="4" y="{HEIGHT - PAD}" font-size="10">0</text>')
    path = f'<polyline fill="none" stroke="#1a5fb4" stroke-width="2" points="{" ".join(coords)}"/>' if coords else ""
    return _frame(title, axis + path + "".join(marks))


def bars(items: list[tuple[str, float | None]], title: str, target: float | None = None,
         y_max: float = 100.0, suffix: str = "%") -> str:
    """Vertical bars with an optional target line (e.g. one-stop share by unit vs the target)."""
    if not items:
        return ""
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD - 20
    slot = inner_w / len(items)
    body = [f'<line x1="{PAD}" y1="{HEIGHT - PAD - 20}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD - 20}" stroke="#888"/>']
    for i, (label, value) in enumerate(items):
        v = value or 0.0
        h = inner_h * min(v, y_max) / y_max
        x = PAD + i * slot + slot * 0.15
        y = HEIGHT - PAD - 20 - h
        fill = "#2e7d32" if target is None or v >= target else "#b00020"
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{fill}"/>'
                    f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">'
                    f'{"—" if value is None else f"{value:g}{suffix}"}</text>'
                    f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - PAD - 4}" font-size="10" text-anchor="middle">'
                    f'{escape(label[:18])}</text>')
    if target is not None:
        y = HEIGHT - PAD - 20 - inner_h * min(target, y_max) / y_max
        body.append(f'<line x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}" stroke="#000" '
                    f'stroke-dasharray="6 4"/><text x="{WIDTH - PAD}" y="{y - 4:.1f}" font-size="11" '
                    f'text-anchor="end">{escape(str(target))}{suffix}</text>')
    return _frame(title, "".join(body))


def hbars(items: list[tuple[str, float]], title: str, suffix: str = "") -> str:
    """Horizontal bars, longest first (e.g. working hours over allotment by agency)."""
    if not items:
        return ""
    row = 22
    height = PAD + row * len(items)
    top = max((v for _l, v in items), default=0) or 1
    label_w = 230
    body = []
    for i, (label, value) in enumerate(items):
        y = 10 + i * row
        w = (WIDTH - label_w - 70) * value / top
        body.append(f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">{escape(label[:38])}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="#b00020"/>'
                    f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11">{value:g}{suffix}</text>')
    return _frame(title, "".join(body), height)
