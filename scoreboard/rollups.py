"""The scoreboard's rollups: one month's QĐ 766 counts per (competent unit, receiving agency,
procedure), rebuilt from the same aggregates the live figures use (figures.received_counts,
figures.granted_counts, the portal's 2.1 clock). A closed month is then a SUM over its rows for any
unit subtree, agency or procedure; the running month stays live (ADR 0039).

A month is rebuilt nightly while its dossiers may still change what the portal sees (a late sync, a
late decision): the running month's predecessor and the two before it (REBUILT_MONTHS). The running
month is rebuilt every ten minutes and served from its rows while they are fresh (RUNNING_FRESHNESS),
live otherwise.
"""
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from reporting.periods import RUNNING_FRESHNESS, Period
from workflows.models import Dossier

from . import figures, progress
from .models import COUNT_FIELDS, MonthBuilt, MonthCounts
from .timeliness import portal_on_time

KEYS = ("competent_unit_id", "receiving_agency_id", "procedure_id")
REBUILT_MONTHS = 3


def _grouped(qs, aggregates: dict) -> list[dict]:
    return list(qs.order_by().values(*KEYS).annotate(**aggregates))


def counts_of_month(period: Period, dossiers=None, judged_at=None) -> dict[tuple, dict]:
    """(unit, agency, procedure) → counts for the month, from the dossiers (all of them by default);
    pending dossiers judged at `judged_at` (default: the month's end, as for a closed month)."""
    qs = Dossier.objects.all() if dossiers is None else dossiers
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    for row in _grouped(figures.received_in(period, qs), figures.received_counts()):
        rows[tuple(row[k] for k in KEYS)].update({k: row[k] for k in figures.received_counts()})
    for row in _grouped(figures.granted_in(period, qs), figures.granted_counts()):
        rows[tuple(row[k] for k in KEYS)].update({k: row[k] for k in figures.granted_counts()})
    judged_at = judged_at or period.end
    sure = progress.surely_on_time_q(judged_at)
    for row in _grouped(progress.in_period(period, qs), {"judged_count": Count("pk"),
                                                          "sure_count": Count("pk", filter=sure)}):
        rows[tuple(row[k] for k in KEYS)].update(judged=row["judged_count"], on_time=row["sure_count"])
    for d in progress.late_candidates(period, qs, judged_at, KEYS).iterator(chunk_size=2000):
        key = (d.competent_unit_id, d.receiving_agency_id, d.procedure_id)
        rows[key]["on_time"] += portal_on_time(progress.clock_of(d, d.supplement_events), judged_at)
    for row in _grouped(progress.in_period(period, qs).filter(progress.petition_or_dislike_q()),
                        {"marked_count": Count("pk")}):
        rows[tuple(row[k] for k in KEYS)]["marked"] = row["marked_count"]
    return dict(rows)


@transaction.atomic
def rebuild_month(period: Period, now=None) -> int:
    """Replace the month's rows; returns how many were written. The running month's pending dossiers
    are judged at `now` (the portal's rule judges them at the period's end or now, if sooner)."""
    rows = counts_of_month(period, judged_at=period.as_of(now))
    month = period.start.date()
    MonthCounts.objects.filter(month=month).delete()
    MonthCounts.objects.bulk_create([
        MonthCounts(month=month, unit_id=unit, agency_id=agency, procedure_id=procedure, **counts)
        for (unit, agency, procedure), counts in rows.items()], batch_size=2000)
    MonthBuilt.objects.update_or_create(month=month, defaults={"built_at": now or timezone.now()})
    return len(rows)


def months_to_rebuild(now=None) -> list[Period]:
    today = timezone.localdate(now)
    year, month, out = today.year, today.month, []
    for _i in range(REBUILT_MONTHS):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append(Period.of("month", year, month))
    return out


def covers(period: Period, now=None) -> bool:
    """Served from the rollups: a closed month whose counts were built after it ended, or the running
    month built within RUNNING_FRESHNESS (the beat rebuilds it every ten minutes, ADR 0039)."""
    return built_at(period, now) is not None


def built_at(period: Period, now=None):
    """When the rollup rows that may serve this month were built; None when they may not."""
    now = now or timezone.now()
    if period.kind != "month" or period.start > now:
        return None
    since = period.end if period.end <= now else now - RUNNING_FRESHNESS
    return (MonthBuilt.objects.filter(month=period.start.date(), built_at__gte=since, built_at__lte=now)
            .values_list("built_at", flat=True).first())


def summed(period: Period, *, unit_ids=None, agency_ids=None, procedure_ids=None) -> dict:
    """The month's counts summed over the rows of these units / agencies / procedures (one query)."""
    qs = MonthCounts.objects.filter(month=period.start.date())
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    if procedure_ids is not None:
        qs = qs.filter(procedure_id__in=procedure_ids)
    totals = qs.aggregate(**{name: Sum(name) for name in COUNT_FIELDS})
    return {name: value or 0 for name, value in totals.items()}


def rows_for_units(period: Period, unit_ids, dossiers, now=None) -> dict[tuple, dict]:
    """(unit, agency, procedure) → counts of these units' dossiers: the rollup rows of a month they
    cover, else counted live (the running month, judged now) — what a breakdown by agency, procedure
    or unit sums."""
    if covers(period, now):
        rows = MonthCounts.objects.filter(month=period.start.date(), unit_id__in=unit_ids).values(
            "unit_id", "agency_id", "procedure_id", *COUNT_FIELDS)
        return {(r.pop("unit_id"), r.pop("agency_id"), r.pop("procedure_id")): r for r in rows}
    return counts_of_month(period, dossiers, judged_at=period.as_of(now))


def grouped(rows: dict[tuple, dict], position: int, key=None) -> dict:
    """The counts summed per element `position` of the row key (0 unit, 1 agency, 2 procedure),
    mapped through `key` when given (e.g. a unit to its child of the shown unit)."""
    out: dict = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    for row_key, counts in rows.items():
        target = row_key[position] if key is None else key(row_key[position])
        if target is None:
            continue
        for name in COUNT_FIELDS:
            out[target][name] += counts[name]
    return dict(out)
