"""The receipt's QR symbol: segno's encoding with its mask chosen by a whole-symbol bit evaluation.

segno encodes a value and selects the data mask as ISO/IEC 18004:2015 §7.8.3 asks: each of the
eight masks is applied and scored (N1 runs, N2 blocks, N3 finder-like patterns, N4 dark share)
and the lowest score wins. Its scoring walks the symbol module by module in Python, eight times,
which was three quarters of the symbol's cost. Here segno encodes once with mask 0 (no
evaluation), the unmasked symbol is recovered from it, and the eight scores are computed on the
whole symbol held as one integer (bit i·w + j is row i, column j; the transposed symbol for the
columns), a few dozen big-integer operations per mask. The scoring reproduces segno's own
(`segno.encoder.mask_scores`) rule for rule, so the symbol is the one `segno.make_qr` makes —
tests/documents/test_qr.py compares them module for module over hundreds of values and every mask.

    symbol(value) -> (w, rows)      the final symbol: w modules a side, rows[i] bit j = dark (i, j)
    dark_runs(w, rows) -> runs      (row, first column, length) of each horizontal run of dark modules
"""
import functools

import segno
from segno import consts
from segno import encoder as _enc

ERROR = "m"  # medium error correction (≈ 15 % of the symbol may be lost: a crumpled slip)
_ERROR_CONST = consts.ERROR_LEVEL_M
_BITS = bytes.maketrans(b"\x00\x01", b"01")


def _to_int(lines) -> int:
    """Lines of 0/1 bytes as one integer, bit k·w + j = line k, position j."""
    return int(b"".join(bytes(line) for line in lines).translate(_BITS)[::-1], 2)


@functools.cache
def _geometry(version: int):
    """What the masks and the score need for one version, built once per process."""
    w = _enc.calc_matrix_size(version)
    template = _enc.make_matrix(w, w)  # timing pattern; format and version areas reserved (0)
    _enc.add_finder_patterns(template, w, w)
    _enc.add_alignment_patterns(template, w, w)
    # The encoding region is what the codewords fill: the modules the template leaves undefined (0x2).
    region = [bytearray(v == 2 for v in row) for row in template]
    columns = [bytearray(col) for col in zip(*region, strict=True)]
    masks = _enc.get_data_mask_functions(False)
    mask_rows, mask_cols = [], []
    for fn in masks:
        pattern = [bytearray(bool(region[i][j] and fn(i, j)) for j in range(w)) for i in range(w)]
        mask_rows.append(_to_int(pattern))
        mask_cols.append(_to_int(zip(*pattern, strict=True)))
    template_dark = [bytearray(v == 1 for v in row) for row in template]
    info = []  # format information (with the dark module) per mask, version information where v ≥ 7
    for mask in range(len(masks)):
        layer = tuple(bytearray(w) for _ in range(w))
        _enc.add_format_info(layer, version, _ERROR_CONST, mask)
        _enc.add_version_info(layer, version)
        info.append(_to_int(layer))

    def positions(test) -> int:  # every line's positions j where test(j)
        line = sum(1 << j for j in range(w) if test(j))
        return sum(line << (k * w) for k in range(w))

    return {
        "w": w,
        "full": (1 << (w * w)) - 1,
        "line": (1 << w) - 1,
        "region": _to_int(region),
        "region_cols": _to_int(columns),
        "dark": _to_int(template_dark),
        "dark_cols": _to_int(zip(*template_dark, strict=True)),
        "mask_rows": mask_rows,
        "mask_cols": mask_cols,
        "info": info,
        "v5": positions(lambda j: j <= w - 5),
        "v7": positions(lambda j: j <= w - 7),
        # N2's 2×2 blocks start at a row and column that have a next one.
        "v2": positions(lambda j: j <= w - 2) & ((1 << ((w - 1) * w)) - 1),
        "before": [positions(lambda j, k=k: j < k) for k in range(5)],
        "after": {k: positions(lambda j, k=k: j >= w - k) for k in range(7, 11)},
    }


def _runs_score(x: int, g) -> int:
    """N1: a run of 5 + i modules of one colour in a line scores 3 + i."""
    score = 0
    for z in (x, ~x & g["full"]):
        five = z & (z >> 1) & (z >> 2) & (z >> 3) & (z >> 4) & g["v5"]
        if five:  # each run of L ≥ 5 sets L − 4 starts, its first one with no start before it
            score += five.bit_count() + 2 * (five & ~(five << 1)).bit_count()
    return score


def _finder_score(x: int, g) -> int:
    """N3 as segno counts it: 40 for each 1:1:3:1:1 dark-light pattern with four light modules (or the
    symbol's edge) on either side, found left to right, a counted one hiding those that overlap it."""
    light = ~x & g["full"]
    found = (x & (light >> 1) & (x >> 2) & (x >> 3) & (x >> 4) & (light >> 5) & (x >> 6)) & g["v7"]
    if not found:
        return 0
    before = after = g["full"]
    for k in range(1, 5):
        before &= (light << k) | g["before"][k]
    for k in range(7, 11):
        after &= (light >> k) | g["after"][k]
    quiet = before | after
    score, allowed = 0, 0
    while found:  # a handful of patterns per symbol
        low = found & -found
        found ^= low
        p = low.bit_length() - 1
        if p >= allowed and quiet >> p & 1:
            score += 40
            allowed = p + 7  # segno searches on after the pattern; it never crosses into the next line
    return score


def _score(x: int, xc: int, g) -> int:
    w = g["w"]
    score = _runs_score(x, g) + _runs_score(xc, g) + _finder_score(x, g) + _finder_score(xc, g)
    light = ~x & g["full"]
    for z in (x, light):  # N2: 3 for each 2×2 block of one colour
        score += 3 * (z & (z >> 1) & (z >> w) & (z >> (w + 1)) & g["v2"]).bit_count()
    percent = float(x.bit_count()) / (w * w)  # N4, in segno's arithmetic
    return score + 10 * int(abs(percent * 100 - 50) / 5)


def symbol(value: str) -> tuple[int, tuple[int, ...]]:
    """The QR symbol of `value` at medium error correction, as segno.make_qr(value, error="m",
    boost_error=False) makes it: its width and its rows as integers (bit j of row i = module (i, j) dark)."""
    first = segno.make_qr(value, error=ERROR, boost_error=False, mask=0)
    g = _geometry(first.version)
    w = g["w"]
    # Undo mask 0 on the encoding region and drop the format / version information: the symbol
    # as segno scores it (reserved areas light).
    masked = _to_int(first.matrix)
    region = g["region"]
    plain = ((masked ^ g["mask_rows"][0]) & region) | g["dark"]
    plain_cols = ((_to_int(zip(*first.matrix, strict=True)) ^ g["mask_cols"][0]) & g["region_cols"]) | g["dark_cols"]
    best, best_score = 0, None
    for mask, (rows, cols) in enumerate(zip(g["mask_rows"], g["mask_cols"], strict=True)):
        score = _score(plain ^ rows, plain_cols ^ cols, g)
        if best_score is None or score < best_score:
            best, best_score = mask, score
    final = (plain ^ g["mask_rows"][best]) | g["info"][best]
    line = g["line"]
    return w, tuple((final >> (i * w)) & line for i in range(w))


def dark_runs(w: int, rows: tuple[int, ...]) -> tuple[tuple[int, int, int], ...]:
    """Each row's dark modules as runs (row, first column, length), rows top to bottom, left to right."""
    runs = []
    for i, row in enumerate(rows):
        while row:
            start = (row & -row).bit_length() - 1
            shifted = row >> start
            length = (shifted ^ (shifted + 1)).bit_length() - 1  # the run's trailing ones
            runs.append((i, start, length))
            row &= ~(((1 << length) - 1) << start)
    return tuple(runs)
