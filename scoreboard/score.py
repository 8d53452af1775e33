"""A month's QĐ 766 score from the indicators onestop can count today, and what each loses."""
from dataclasses import dataclass
from decimal import Decimal

from . import figures, progress
from .rules import INDICATORS


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
    """One line per indicator of `rules.INDICATORS`, in its order; uncounted ones with no points.
    `petitions`: the petitions of the same scope as `dossiers` (default: all)."""
    counted = figures.live(period, dossiers)
    counted["2.1"] = progress.on_time(period, dossiers, now)
    counted.update(progress.petition_figures(period, petitions, now))
    mood = progress.satisfaction(period, dossiers, now, timely=counted["2.1"])
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

