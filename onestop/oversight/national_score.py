"""The QĐ 766 scoreboard screen (chỉ số phục vụ người dân, doanh nghiệp): the month's score as the
national portal computes it, line by line with what each loses, the dossiers that lose the points,
the units of the subtree side by side, and the last six months."""
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.models import AdministrativeUnit
from reporting import metrics
from reporting.periods import Period
from scoreboard import losses, score
from scoreboard.rules import BY_ID, INDICATORS
from workflows import access

from . import charts

GROUPS = {
    1: gettext_lazy("Công khai, minh bạch"), 2: gettext_lazy("Tiến độ giải quyết"),
    3: gettext_lazy("Cung cấp dịch vụ trực tuyến"), 4: gettext_lazy("Số hóa hồ sơ"),
    5: gettext_lazy("Mức độ hài lòng"), 6: gettext_lazy("Thanh toán trực tuyến"),
}
TREND_MONTHS = 6
LOSS_LIST_LIMIT = 20


def _percent(earned: Decimal, at_stake: int) -> float | None:
    return float(100 * earned / at_stake) if at_stake else None


def _months_before(period: Period, count: int) -> list[Period]:
    months, year, month = [], period.year, period.number
    for _i in range(count):
        months.append(Period.of("month", year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def _month(period: Period) -> Period:
    """The score is monthly: a quarter or a year is shown as its last month (the portal's monthly index)."""
    if period.kind == "month":
        return period
    last = period.end.month - 1 or 12
    return Period.of("month", period.year, last)


def build(user, unit: AdministrativeUnit, period: Period, now=None) -> dict:
    month = _month(period)
    scoped = access.dossiers_for(user)
    dossiers = metrics.in_units(scoped, metrics.subtree_ids(unit))
    lines = score.lines(month, dossiers, now)
    earned, at_stake = score.total(lines)
    order = {indicator.id: i for i, indicator in enumerate(INDICATORS)}
    lines.sort(key=lambda line: (BY_ID[line.id].group, order[line.id]))
    rows = [{"line": line, "group": GROUPS.get(BY_ID[line.id].group, ""),
             "definition": BY_ID[line.id].definition,
             "rate": None if not line.denominator else 100.0 * line.numerator / line.denominator}
            for line in lines]
    children = []
    for child in AdministrativeUnit.objects.filter(parent=unit).in_force().order_by("name"):
        child_lines = score.lines(month, metrics.in_units(scoped, metrics.subtree_ids(child)), now)
        child_earned, child_stake = score.total(child_lines)
        received = next((line.denominator for line in child_lines if line.id == "1.4"), 0) or 0
        children.append({"unit": child, "earned": child_earned, "at_stake": child_stake, "received": received,
                         "percent": _percent(child_earned, child_stake)})
    trend = []
    for past in _months_before(month, TREND_MONTHS):
        past_earned, past_stake = score.total(score.lines(past, dossiers, now))
        trend.append((f"{past.number:02d}/{past.year}", _percent(past_earned, past_stake)))
    return {
        "month": month, "rows": rows, "earned": earned, "at_stake": at_stake, "lost": at_stake - earned,
        "percent": _percent(earned, at_stake),
        "uncounted": [row for row in rows if row["line"].points is None],
        "losses": losses.all_lists(month, dossiers, limit=LOSS_LIST_LIMIT, now=now),
        "children": children,
        "lines_chart": charts.bars(
            [(f"{line.id} {line.name}", float(100 * line.points / line.maximum)) for line in lines
             if line.points is not None],
            _("Điểm đạt được so với điểm tối đa của từng chỉ số (%)")),
        "trend_chart": charts.line(trend, _("Tỷ lệ điểm đạt được qua các tháng (%)")),
        "children_chart": charts.bars([(c["unit"].name, c["percent"]) for c in children if c["received"]],
                                      _("Tỷ lệ điểm đạt được theo đơn vị (%)")),
    }
