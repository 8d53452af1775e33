"""The QĐ 766 scoreboard screen (chỉ số phục vụ người dân, doanh nghiệp): the month's score as the
national portal computes it, line by line with what each loses, the dossiers that lose the points,
the units of the subtree side by side, and the last six months."""
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.models import AdministrativeUnit, Agency, Procedure
from reporting import metrics
from reporting.periods import Period
from scoreboard import losses, rollups, score
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
BREAKDOWN_LIMIT = 15  # agencies and procedures shown, those losing most points first


def _child_of(unit_ids, child_units):
    """A unit of the subtree → the shown unit's child it lies under (None for the shown unit itself)."""
    paths = dict(AdministrativeUnit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    by_path = sorted(((c.path, c.pk) for c in child_units), key=lambda p: -len(p[0]))

    def child(unit_id):
        path = paths.get(unit_id, "")
        return next((pk for prefix, pk in by_path if path.startswith(prefix)), None)

    return child


def _breakdown(counts_by: dict, objects: dict) -> list[dict]:
    """One row per unit, agency or procedure: its points over the lines it can count, from its counts
    (dossier indicators only: petitions are not split by procedure)."""
    out = []
    for pk, counts in counts_by.items():
        if pk not in objects:
            continue
        earned, at_stake = score.total(score.lines_from_counts(counts))
        out.append({"object": objects[pk], "received": counts["received"], "judged": counts["judged"],
                    "earned": earned, "at_stake": at_stake, "lost": at_stake - earned,
                    "percent": _percent(earned, at_stake)})
    return sorted(out, key=lambda r: (-r["lost"], str(r["object"])))


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


def build(user, unit: AdministrativeUnit, period: Period, now=None, expand=None) -> dict:
    month = _month(period)
    scoped = access.dossiers_for(user)
    unit_ids = metrics.subtree_ids(unit)
    dossiers = metrics.in_units(scoped, unit_ids)
    lines = score.lines_for_units(month, unit_ids, dossiers, now)
    earned, at_stake = score.total(lines)
    order = {indicator.id: i for i, indicator in enumerate(INDICATORS)}
    lines.sort(key=lambda line: (BY_ID[line.id].group, order[line.id]))
    rows = [{"line": line, "group": GROUPS.get(BY_ID[line.id].group, ""),
             "definition": BY_ID[line.id].definition,
             "rate": None if not line.denominator else 100.0 * line.numerator / line.denominator}
            for line in lines]
    counts = rollups.rows_for_units(month, unit_ids, dossiers, now)
    child_units = list(AdministrativeUnit.objects.filter(parent=unit).in_force().order_by("name"))
    children = _breakdown(rollups.grouped(counts, 0, _child_of(unit_ids, child_units)),
                          {c.pk: c for c in child_units})
    agencies = _breakdown(rollups.grouped(counts, 1), Agency.objects.in_bulk(list({k[1] for k in counts})))
    procedures = _breakdown(rollups.grouped(counts, 2), Procedure.objects.in_bulk(list({k[2] for k in counts})))
    # Earlier months from their rollups only (a month without them shows no point: counting a whole
    # month live costs seconds at a million dossiers); the shown month is the score above.
    trend = []
    for past in _months_before(month, TREND_MONTHS):
        if past == month:
            trend.append((f"{past.number:02d}/{past.year}", _percent(earned, at_stake)))
        elif rollups.covers(past, now):
            past_earned, past_stake = score.total(score.lines_from_rollups(past, unit_ids=unit_ids, now=now))
            trend.append((f"{past.number:02d}/{past.year}", _percent(past_earned, past_stake)))
        else:
            trend.append((f"{past.number:02d}/{past.year}", None))
    return {
        "month": month, "built_at": rollups.built_at(month, now), "rows": rows,
        "earned": earned, "at_stake": at_stake, "lost": at_stake - earned,
        "percent": _percent(earned, at_stake),
        "uncounted": [row for row in rows if row["line"].points is None],
        "losses": losses.all_lists(month, dossiers, lines, limit=LOSS_LIST_LIMIT, now=now, expand=expand),
        "expanded": expand,
        "children": children,
        "breakdowns": [
            (_("Theo nơi tiếp nhận"), agencies[:BREAKDOWN_LIMIT], len(agencies), "agencies"),
            (_("Theo thủ tục hành chính"), procedures[:BREAKDOWN_LIMIT], len(procedures), "procedures"),
        ],
        "lines_chart": charts.bars(
            [(f"{line.id} {line.name}", float(100 * line.points / line.maximum)) for line in lines
             if line.points is not None],
            _("Điểm đạt được so với điểm tối đa của từng chỉ số (%)")),
        "trend_chart": charts.line(trend, _("Tỷ lệ điểm đạt được qua các tháng (%)")),
        "children_chart": charts.bars([(c["object"].name, c["percent"]) for c in children if c["judged"]],
                                      _("Tỷ lệ điểm đạt được theo đơn vị (%)")),
    }
