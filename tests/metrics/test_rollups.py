"""The monthly rollups reproduce the live figures exactly for every whole-month period they cover."""
import pytest

from reporting import metrics, rollups
from reporting.models import PeriodWorkingTime
from tests.world import at
from workflows.models import Dossier, WorkItem

pytestmark = pytest.mark.django_db
LATER = at(2026, 5, 10)
PERIODS = [metrics.Period.of("month", 2026, 2), metrics.Period.of("month", 2026, 3),
           metrics.Period.of("month", 2026, 4), metrics.Period.of("quarter", 2026, 1)]
KEYS = [["competent_unit_id", "procedure__field_id"], ["receiving_agency_id"], ["competent_unit_id"]]


@pytest.mark.parametrize("keys", KEYS)
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollups_equal_the_live_counts(march, period, keys):
    assert rollups.refresh(now=LATER) == sum(m.objects.count() for m in rollups.ROLLUP_MODELS) > 0
    ids = metrics.subtree_ids(march.world.province)
    live = metrics.grouped(metrics.in_units(Dossier.objects.all(), ids), period, keys, now=LATER)
    assert rollups.covers(period)
    assert rollups.grouped(ids, period, keys) == live


def test_march_from_rollups_is_the_hand_count(march):
    rollups.refresh(now=LATER)
    s = metrics.total(metrics.counts(metrics.subtree_ids(march.world.district), metrics.Period.of("month", 2026, 3),
                                     ["competent_unit_id"]))
    assert (s["carried_over"], s["received"], s["resolved"], s["early"], s["on_time"], s["late"]) == (1, 10, 7, 2, 2, 3)
    assert (s["pending_within"], s["pending_overdue"], s["withdrawn"], s["online_late"]) == (1, 2, 1, 1)


def test_a_period_after_the_rebuild_is_computed_live(march):
    rollups.refresh(now=at(2026, 3, 15))  # built in March: February is covered, March is not
    assert rollups.covers(metrics.Period.of("month", 2026, 2))
    assert not rollups.covers(metrics.Period.of("month", 2026, 3))
    rows = metrics.counts(metrics.subtree_ids(march.world.district), metrics.Period.of("month", 2026, 3),
                          ["competent_unit_id"], now=LATER)
    assert metrics.total(rows)["received"] == 10  # live: every March receipt, including those after the 15th


@pytest.mark.parametrize("key", ["receiving_agency_id", "competent_unit_id"])
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollup_scores_and_trend_equal_the_live_ones(march, period, key):
    from reporting import evaluation

    rollups.refresh(now=LATER)
    ids = metrics.subtree_ids(march.world.province)
    live_qs = metrics.in_units(Dossier.objects.all(), ids)
    assert rollups.scores(ids, period, key) == evaluation.averages(live_qs, period, key)
    assert rollups.trend(ids, period) == metrics.monthly_trend(live_qs, period)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollup_satisfaction_equals_the_live_one(march, period):
    rollups.refresh(now=LATER)
    ids = metrics.subtree_ids(march.world.province)
    live_qs = metrics.in_units(Dossier.objects.all(), ids)
    assert rollups.satisfaction(ids, period) == metrics.satisfaction(live_qs, period)
    for key in ("receiving_agency_id", "competent_unit_id"):
        assert rollups.satisfaction_by(ids, period, key) == metrics.satisfaction_by(live_qs, period, key)


@pytest.mark.parametrize("root", ["province", "district", "commune"])
@pytest.mark.parametrize("period", PERIODS + [metrics.Period.of("year", 2026)], ids=lambda p: f"{p.kind}-{p.number}")
def test_rollup_working_time_equals_the_live_one(march, period, root):
    rollups.refresh(now=at(2027, 1, 5))  # the year 2026 is covered too
    unit = getattr(march.world, root)
    live = metrics.working_time_by_procedure(metrics.in_units(Dossier.objects.all(), metrics.subtree_ids(unit)), period)
    if period.kind != "month" or period.number == 3:
        assert live  # resolved dossiers to rank (April has none)
    assert rollups.working_time_by_procedure(unit, period) == live


@pytest.mark.parametrize("by", ["agency", "step", "official"])
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollup_step_figures_equal_the_live_ones(march, period, by):
    from reporting import evaluation

    rollups.refresh(now=LATER)
    ids = metrics.subtree_ids(march.world.province)

    def key(r):
        return sorted((k, str(v)) for k, v in r.items())

    live = metrics.attribution_live(ids, period, by, now=LATER)
    assert sorted(rollups.attribution(ids, period, by), key=key) == sorted(live, key=key)
    assert rollups.step_averages(ids, period) == evaluation.step_averages(ids, period)


def test_march_from_rollups_is_the_hand_count_of_every_new_figure(march):
    w = march.world
    rollups.refresh(now=LATER)
    ids, period = metrics.subtree_ids(w.district), metrics.Period.of("month", 2026, 3)
    sat = rollups.satisfaction(ids, period)
    assert (sat["total"], sat["satisfied"], sat["normal"], sat["not_satisfied"]) == (3, 1, 1, 1)
    times = {r["procedure"]: r for r in rollups.working_time_by_procedure(w.district, period)}
    marriage = times["Cấp Giấy xác nhận tình trạng hôn nhân"]
    assert (marriage["dossiers"], marriage["avg_hours"]) == (6, round(378060 / 6 / 3600, 2))
    assert marriage["p90_hours"] == 26.0
    assert times["Chứng thực bản sao"]["p90_hours"] == 23.0
    assert rollups.step_averages(ids, period)[w.pc.pk] == {"i2": round(6 / 7, 2), "steps": 7}
    by_agency = {r["agency_id"]: r for r in metrics.attribution(ids, period, "agency")}  # served from the rollups
    assert by_agency[w.pc.pk]["late_steps"] == 4
    assert by_agency[w.pc.pk]["over_seconds"] == (57600 - 25920) + (82860 - 25920) + (75600 - 25920) + (61200 - 25920)
    by_official = {r["owner_id"]: r["late_steps"] for r in metrics.attribution(ids, period, "official")}
    assert by_official == {w.leader.pk: 4, w.specialist.pk: 1}


def test_the_p90_is_the_nearest_rank_dossier_to_the_hundredth_of_an_hour(march):
    """One row per (subtree root, procedure, period), the percentile ranked over that subtree's dossiers."""
    w = march.world
    rollups.refresh(now=LATER)
    rows = PeriodWorkingTime.objects.filter(procedure=w.commune_proc, start="2026-03-01", kind="month")
    # A and K 10,800 s = 3.00 h; B 24.00 h; C 24.02 h; H 25.00 h; D 26.00 h: the 6th of 6 is D
    assert sorted((r.root_id, r.dossiers, r.timed, r.seconds, r.p90_hundredths) for r in rows) == sorted(
        (u.pk, 6, 6, 378060, 2600) for u in (w.province, w.district, w.commune))
    quarter = PeriodWorkingTime.objects.get(procedure=w.commune_proc, root=w.district, kind="quarter")
    assert str(quarter.start) == "2026-01-01" and quarter.dossiers >= 6
    assert metrics.hundredths_of_hour(17) == 0 and metrics.hundredths_of_hour(18) == 1  # half up


def test_a_dossier_without_working_time_counts_and_ranks_last(march):
    w = march.world
    WorkItem.objects.filter(process_id=march.D.process_id).update(working_seconds=None)
    rollups.refresh(now=LATER)
    period = metrics.Period.of("month", 2026, 3)
    rows = rollups.working_time_by_procedure(w.district, period)
    row = next(r for r in rows if r["procedure_id"] == w.commune_proc.pk)
    # six dossiers, five with a time (378,060 − 93,600 s); the 6th ranked has none, so no p90
    assert (row["dossiers"], row["avg_hours"], row["p90_hours"]) == (6, round(284460 / 5 / 3600, 2), 0.0)
    live = metrics.working_time_by_procedure(metrics.in_units(Dossier.objects.all(), metrics.subtree_ids(w.district)),
                                             period)
    assert rollups.working_time_by_procedure(w.district, period) == live
