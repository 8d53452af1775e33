"""A month's QĐ 766 score from the indicators onestop can count today, and what each loses."""
from dataclasses import dataclass
from decimal import Decimal

from . import figures, progress, rollups
from .rules import BY_ID, INDICATORS


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    numerator: int | None
    denominator: int | None
    points: Decimal | None  # None: not computable from our data (không đủ dữ liệu)
    maximum: int

    @property
    def lost(self) -> Decimal | None:
        return None if self.points is None else Decimal(self.maximum) - self.points


def lines(period, dossiers=None, now=None, petitions=None) -> list[Line]:
    """One line per indicator of `rules.INDICATORS`, in its order, counted live over `dossiers`;
    `petitions`: the petitions of the same scope (default: all)."""
    counted = figures.live(period, dossiers)
    counted["2.1"] = progress.on_time(period, dossiers, now)
    counted.update(progress.petition_figures(period, petitions, now))
    mood = progress.satisfaction(period, dossiers, now, timely=counted["2.1"])
    return _lines(counted, mood)


def lines_from_rollups(period, *, unit_ids=None, agency_ids=None, procedure_ids=None, petitions=None,
                       now=None) -> list[Line]:
    """The same lines for a closed month, summed from its rollup rows (one query); the petitions'
    5.2 and 5.3 are counted live (one query over the month's few petitions)."""
    c = rollups.summed(period, unit_ids=unit_ids, agency_ids=agency_ids, procedure_ids=procedure_ids)
    if petitions is None and unit_ids is not None:
        petitions = progress.petitions_of_units(unit_ids)
    return lines_from_counts(c, progress.petition_figures(period, petitions, now))


def lines_from_counts(c: dict, petition_figures: dict | None = None) -> list[Line]:
    """The lines from one set of rollup counts (`scoreboard.models.COUNT_FIELDS`); 5.2 and 5.3 from
    `petition_figures` when given, else not counted."""
    counted = figures.from_counts(c)
    counted["2.1"] = figures.Figure(BY_ID["2.1"], c["on_time"], c["judged"])
    counted.update(petition_figures or {})
    mood = progress.SatisfactionFigure(total=c["judged"], late=c["judged"] - c["on_time"],
                                       petition_or_dislike=c["marked"])
    return _lines(counted, mood)


def lines_for_units(period, unit_ids, dossiers, now=None) -> list[Line]:
    """A unit subtree's lines: from the rollups for a month they cover, else live over `dossiers`
    (the same units' dossiers); petitions are those received by the units' agencies."""
    petitions = progress.petitions_of_units(unit_ids)
    if rollups.covers(period, now):
        return lines_from_rollups(period, unit_ids=unit_ids, petitions=petitions, now=now)
    return lines(period, dossiers, now, petitions)


def _lines(counted: dict, mood) -> list[Line]:
    out = []
    for indicator in INDICATORS:
        if indicator.id in counted:
            f = counted[indicator.id]
            out.append(Line(indicator.id, str(indicator.name), f.numerator, f.denominator, f.points,
                            indicator.points))
        elif indicator.id == "5.4":
            out.append(Line("5.4", str(indicator.name), mood.total - mood.late - mood.petition_or_dislike,
                            mood.total, mood.points, indicator.points))
        else:
            out.append(Line(indicator.id, str(indicator.name), None, None, None, indicator.points))
    return out


def total(score_lines: list[Line]) -> tuple[Decimal, int]:
    """Points earned and the points at stake, over the computable lines only."""
    known = [line for line in score_lines if line.points is not None]
    return sum((line.points for line in known), Decimal(0)), sum(line.maximum for line in known)

