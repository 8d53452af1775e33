"""The dossiers that lose a month's QĐ 766 points, indicator by indicator: the lists a supervisor
works from before the month ends. Each list is the complement of its indicator's numerator with the
same named rule (scoreboard.figures, scoreboard.progress); its length is taken from the score line,
so the list and the line cannot disagree, and only the first rows are read."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from digitisation.rules import electronic_result_q, with_reuse_q

from . import figures, progress
from .timeliness import portal_on_time


@dataclass(frozen=True)
class LossList:
    key: str
    indicator: str
    title: str
    count: int
    dossiers: list  # the first `limit`, oldest received first; empty unless the list was expanded


RELATED = ("procedure", "receiving_agency")


def _first(qs, limit):
    return list(qs.select_related(*RELATED).order_by("received_at", "pk")[:limit])


def _missing(line) -> int:
    return (line.denominator or 0) - (line.numerator or 0)


def _late(period, dossiers, limit, now):
    """The first late ones by the portal's clock, judging only the dossiers that may be late."""
    judged_at = period.as_of(now)
    out = []
    candidates = progress.late_candidates(period, dossiers, now, ("code", "procedure", "receiving_agency"))
    for d in candidates.select_related(*RELATED).order_by("received_at", "pk").iterator(chunk_size=500):
        if not portal_on_time(progress.clock_of(d, d.supplement_events), judged_at):
            out.append(d)
            if len(out) == limit:
                break
    return out


KEYS = ("unsynced", "late", "no_electronic_result", "not_paid_online", "petition_or_dislike", "not_reused")
# The dossiers of one list are read only when it is asked for (`expand`).


def all_lists(period, dossiers, lines, *, limit=20, now=None, expand=None) -> list[LossList]:
    """`lines`: the month's score lines over the same dossiers (score.lines / lines_for_units), which
    give every list's length. Only the list named `expand` reads its dossiers (a province's list costs
    seconds at a million dossiers: it is a drill-down, not part of the page); the others are empty."""
    by_id = {line.id: line for line in lines}
    received = figures.received_in(period, dossiers)
    granted = figures.granted_in(period, dossiers)
    handled = progress.in_period(period, dossiers)
    timely, mood = by_id["2.1"], by_id["5.4"]
    marked = (mood.denominator or 0) - (mood.numerator or 0) - _missing(timely)
    lists = [
        ("unsynced", "1.4", _("Hồ sơ chưa được Cổng DVCQG xác nhận đồng bộ"), _missing(by_id["1.4"]),
                 lambda: _first(received.exclude(figures.synced_q()), limit)),
        ("late", "2.1", _("Hồ sơ trễ hạn theo cách tính của Cổng DVCQG"), _missing(timely),
                 lambda: _late(period, dossiers, limit, now)),
        ("no_electronic_result", "4.1", _("Hồ sơ có kết quả nhưng không có kết quả điện tử đã đồng bộ"),
                 _missing(by_id["4.1"]),
                 lambda: _first(granted.exclude(electronic_result_q() & figures.synced_q()), limit)),
        ("not_paid_online", "3.6", _("Hồ sơ có phí, lệ phí không thanh toán trực tuyến"),
                 _missing(by_id["3.6"]),
                 lambda: _first(received.filter(figures.owes_fees_q()).exclude(figures.paid_online_q()), limit)),
        ("petition_or_dislike", "5.4", _("Hồ sơ có phản ánh, kiến nghị hoặc không hài lòng"), marked,
                 lambda: _first(handled.filter(progress.petition_or_dislike_q()), limit)),
        ("not_reused", "4.3", _("Hồ sơ không tái sử dụng dữ liệu số hóa"), _missing(by_id["4.3"]),
                 lambda: _first(received.exclude(with_reuse_q()), limit)),
    ]
    return [LossList(key, indicator, title, count, read() if key == expand and count else [])
            for key, indicator, title, count, read in lists]
