"""The receipt's QR symbol: documents.qr makes segno's symbol module for module (its faster mask choice
changes nothing), its runs cover exactly the dark modules, and the receipt PDF paints exactly them."""
import io
import random
import re
import string
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from pypdf import PdfReader

from documents import layout, qr
from documents.receipt import status_url_for
from documents.render import render_form
from workflows.codes import read_lookup_token


def reference(value: str) -> list[list[int]]:
    """segno's own symbol (its mask chosen by its module-by-module evaluation)."""
    return [list(row) for row in segno.make_qr(value, error="m", boost_error=False).matrix]


def as_modules(count: int, rows) -> list[list[int]]:
    return [[row >> j & 1 for j in range(count)] for row in rows]


def values(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + ":/?=.-_"
    out = [f"https://motcua.laichau.gov.vn/tra-cuu/?t=000.00.01.H29-2603{i:02d}-{i:04d}:"
           + "".join(rng.choice(alphabet) for _ in range(43)) for i in range(n // 2)]
    out += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, rng.choice([20, 80, 150, 260]))))
            for _ in range(n - len(out))]
    return out


def test_the_symbol_is_segnos_module_for_module_for_every_mask_and_many_versions():
    masks, versions = set(), set()
    for value in values(400, seed=18004):
        expected = segno.make_qr(value, error="m", boost_error=False)
        count, rows = qr.symbol(value)
        assert count == len(expected.matrix)
        assert as_modules(count, rows) == [list(row) for row in expected.matrix], value
        masks.add(expected.mask)
        versions.add(expected.version)
    assert masks == set(range(8))  # every mask was the best one somewhere: each scoring rule decided
    assert {1, 5, 6, 7} <= versions  # short values, the receipt's link (5–6), and a version-information symbol


@pytest.mark.parametrize("value", values(40, seed=7))
def test_the_runs_cover_exactly_the_dark_modules_once_each(value):
    count, runs = layout.qr_runs(value)
    expected = reference(value)
    drawn = [[0] * count for _ in range(count)]
    for r, c, n in runs:
        assert n >= 1 and c >= 0 and c + n <= count
        for j in range(c, c + n):
            assert drawn[r][j] == 0  # no module painted twice
            drawn[r][j] = 1
        # maximal: a run has a light module (or the edge) on each side
        assert c == 0 or expected[r][c - 1] == 0
        assert c + n == count or expected[r][c + n] == 0
    assert drawn == expected


def painted_modules(pdf: bytes, count: int) -> list[list[int]]:
    """The modules the receipt's page paints in its QR path (the one filled path of rectangles)."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    paths = re.findall(r"\bn((?:\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+re)+)\s+f\*", content)
    assert len(paths) == 1
    rects = [tuple(map(float, m)) for m in re.findall(r"([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+re",
                                                        paths[0])]
    box = rects[0][3]
    assert all(abs(h - box) < 1e-3 for *_, h in rects)  # every rectangle is one module high
    size = box * (count + 2 * layout.QR_BORDER)
    painted = [[0] * count for _ in range(count)]
    for x, y, w, _h in rects:
        row = round((size - y) / box) - layout.QR_BORDER - 1
        first = round(x / box) - layout.QR_BORDER
        for j in range(first, first + round(w / box)):
            painted[row][j] += 1
    return painted


def test_the_receipt_paints_the_symbol_of_the_dossiers_lookup_link(received, settings):
    settings.SITE_URL = "https://motcua.laichau.gov.vn/"
    link = status_url_for(received.code)
    assert read_lookup_token(parse_qs(urlsplit(link).query)["t"][0]) == received.code
    expected = reference(link)
    assert painted_modules(render_form("receipt", received), len(expected)) == expected


def test_a_given_status_link_is_the_one_painted(received):
    link = "https://motcua.laichau.gov.vn/tra-cuu/t/abc"
    expected = reference(link)
    pdf = render_form("receipt", received, status_url=link)
    assert painted_modules(pdf, len(expected)) == expected
