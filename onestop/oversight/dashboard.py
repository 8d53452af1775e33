"""The dashboard's figures for a unit subtree and a period: a fixed number of aggregate queries."""
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import AdministrativeUnit, Agency
from reporting import evaluation, metrics, rollups
from reporting.periods import Period
from reporting.rows import satisfaction as satisfaction_row
from reporting.rows import satisfied_shares
from workflows import access

from . import charts


def _rank(rows, key):
    """Order by a rate, highest first, rows without the figure last; number them."""
    rows.sort(key=lambda r: (r.get(key) is None, -(r.get(key) or 0), -r.get("received", 0)))
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return rows


def build(user, unit: AdministrativeUnit, period: Period, now=None) -> dict:
    unit_ids = metrics.subtree_ids(unit)
    qs = metrics.in_units(access.dossiers_for(user), unit_ids)
    year = Period.of("year", period.year)

    scoped = access.dossiers_for(user)
    by_agency = metrics.counts(unit_ids, period, ["receiving_agency_id"], qs=scoped, now=now)
    by_unit = metrics.counts(unit_ids, period, ["competent_unit_id"], qs=scoped, now=now)
    summary = metrics.total(by_unit)
    # Each figure from the rollups when they cover the period; a running quarter or year adds its closed
    # months' rollups to its running month counted live (the sums add); the p90 working time does not
    # add across months, so it is live for a period the rollups do not cover.
    eval_agency = evaluation.scores(unit_ids, period, "receiving_agency_id", qs)
    eval_unit = evaluation.scores(unit_ids, period, "competent_unit_id", qs)
    sat_agency = satisfied_shares(metrics.ratings(unit_ids, period, qs, "receiving_agency_id"))
    sat_unit = satisfied_shares(metrics.ratings(unit_ids, period, qs, "competent_unit_id"))
    satisfaction = satisfaction_row(metrics.ratings(unit_ids, period, qs).get(None, {}))
    steps = evaluation.indicator2(unit_ids, period)
    if rollups.covers(period):
        working_times = rollups.working_time_by_procedure(unit, period)
    else:
        working_times = metrics.working_time_by_procedure(qs, period)
    delays = metrics.attribution(unit_ids, period, "agency", now)  # from the rollups when they cover the period
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=unit_ids).select_related("level")}
    level_ids = {u.level_id for u in units.values()}
    indicator5 = evaluation.indicator5_by_level(level_ids)
    indicator6 = evaluation.indicator6_by_level(level_ids)
    online_services = evaluation.online_services_share(level_ids)
    agency_ids = {r["receiving_agency_id"] for r in by_agency} | set(steps)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=agency_ids).select_related("unit")}

    agency_rows = []
    for r in by_agency:
        agency = agencies.get(r["receiving_agency_id"])
        level_id = units[agency.unit_id].level_id if agency and agency.unit_id in units else None
        agency_rows.append({
            **r, "name": agency.name if agency else "—",
            "satisfied_rate": sat_agency.get(r["receiving_agency_id"]),
            "eval": eval_agency.get(r["receiving_agency_id"], {}),
            "i9": evaluation.indicator9(online_services.get(level_id, 0.0), r),
        })
    unit_rows = []
    for r in by_unit:
        u = units.get(r["competent_unit_id"])
        unit_rows.append({
            **r, "name": u.name if u else "—",
            "satisfied_rate": sat_unit.get(r["competent_unit_id"]),
            "eval": eval_unit.get(r["competent_unit_id"], {}),
            "i5": indicator5.get(u.level_id, {}).get("score") if u else None,
            "i6": indicator6.get(u.level_id, {}).get("score") if u else None,
            "i9": evaluation.indicator9(online_services.get(u.level_id, 0.0), r) if u else None,
        })
    delay_by_id = {d["agency_id"]: d for d in delays}
    processing_rows = sorted(
        ({"name": agencies[aid].name if aid in agencies else "—", "i2": s["i2"], "steps": s["steps"],
          "late_steps": delay_by_id.get(aid, {}).get("late_steps", 0),
          "over_hours": delay_by_id.get(aid, {}).get("over_hours", 0.0)} for aid, s in steps.items()),
        key=lambda r: (-r["late_steps"], -r["over_hours"], r["name"]),
    )

    catalog = metrics.catalog_share(unit)
    share_by_level = {lv["level_id"]: lv["share"] for lv in catalog["by_level"]}
    shown_units = [unit] + [u for u in units.values() if u.parent_id == unit.pk][:11]
    trend = metrics.trend(unit_ids, year, qs=scoped)
    moment = now or timezone.now()
    working_time_as_of = rollups.working_time_as_of(period)
    return {
        "unit": unit, "period": period, "summary": summary,
        # the running period: from the ten-minute rebuild (when) or live (ADR 0043)
        "running": period.start <= moment < period.end, "running_as_of": rollups.running_as_of(period),
        "working_time_as_of": working_time_as_of if period.kind != "month" else None,
        "agency_rows": _rank(agency_rows, "on_time_rate"), "unit_rows": _rank(unit_rows, "on_time_rate"),
        "processing_rows": processing_rows, "boundless_rows": metrics.boundless_receipts(unit_ids, period),
        "catalog": catalog, "missing": metrics.not_one_stop(unit),
        "satisfaction": satisfaction,
        "working_times": working_times[:20],
        "trend_chart": charts.line(
            [((_("T%(n)s") % {"n": t["month"].month},
               _("Tháng %(n)s/%(y)s") % {"n": t["month"].month, "y": t["month"].year}), t["on_time_rate"])
             for t in trend],
            _("Tỷ lệ giải quyết đúng hạn theo tháng")),
        "share_chart": charts.bars(
            [(u.name, share_by_level.get(u.level_id)) for u in shown_units],
            _("Tỷ lệ TTHC qua Bộ phận Một cửa theo đơn vị, so với chỉ tiêu"), target=catalog["target"]),
        "delay_chart": charts.hbars(
            [(d["agency__name"], d["over_hours"]) for d in delays[:10]],
            _("Giờ làm việc vượt thời gian phân bổ theo cơ quan"), suffix=" h"),
    }
