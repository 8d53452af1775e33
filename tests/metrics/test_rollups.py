"""The monthly rollups reproduce the live figures exactly for every whole-month period they cover."""
import pytest

from tests.world import at
from workflows import metrics, rollups
from workflows.models import Dossier, MonthlyCount, MonthlyRating, MonthlyStep, MonthlyWorkingTime

pytestmark = pytest.mark.django_db
LATER = at(2026, 5, 10)
PERIODS = [metrics.Period.of("month", 2026, 2), metrics.Period.of("month", 2026, 3),
           metrics.Period.of("month", 2026, 4), metrics.Period.of("quarter", 2026, 1)]
ROLLUP_MODELS = (MonthlyCount, MonthlyRating, MonthlyStep, MonthlyWorkingTime)
KEYS = [["receiving_unit_id", "procedure__field_id"], ["receiving_agency_id"], ["receiving_unit_id"]]


@pytest.mark.parametrize("keys", KEYS)
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollups_equal_the_live_counts(march, period, keys):
    assert rollups.refresh(now=LATER) == sum(m.objects.count() for m in ROLLUP_MODELS) > 0
    ids = metrics.subtree_ids(march.world.province)
    live = metrics.grouped(metrics.in_units(Dossier.objects.all(), ids), period, keys, now=LATER)
    assert rollups.covers(period)
    assert rollups.grouped(ids, period, keys) == live


def test_march_from_rollups_is_the_hand_count(march):
    rollups.refresh(now=LATER)
    s = metrics.total(metrics.counts(metrics.subtree_ids(march.world.district), metrics.Period.of("month", 2026, 3),
                                     ["receiving_unit_id"]))
    assert (s["carried_over"], s["received"], s["resolved"], s["early"], s["on_time"], s["late"]) == (1, 10, 7, 2, 2, 3)
    assert (s["pending_within"], s["pending_overdue"], s["withdrawn"], s["online_late"]) == (1, 2, 1, 1)


def test_a_period_after_the_rebuild_is_computed_live(march):
    rollups.refresh(now=at(2026, 3, 15))  # built in March: February is covered, March is not
    assert rollups.covers(metrics.Period.of("month", 2026, 2))
    assert not rollups.covers(metrics.Period.of("month", 2026, 3))
    rows = metrics.counts(metrics.subtree_ids(march.world.district), metrics.Period.of("month", 2026, 3),
                          ["receiving_unit_id"], now=LATER)
    assert metrics.total(rows)["received"] == 10  # live: every March receipt, including those after the 15th


@pytest.mark.parametrize("key", ["receiving_agency_id", "receiving_unit_id"])
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollup_scores_and_trend_equal_the_live_ones(march, period, key):
    from workflows import evaluation

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
    for key in ("receiving_agency_id", "receiving_unit_id"):
        assert rollups.satisfaction_by(ids, period, key) == metrics.satisfaction_by(live_qs, period, key)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollup_working_time_equals_the_live_one(march, period):
    rollups.refresh(now=LATER)
    ids = metrics.subtree_ids(march.world.province)
    live = metrics.working_time_by_procedure(metrics.in_units(Dossier.objects.all(), ids), period)
    assert rollups.working_time_by_procedure(ids, period) == live


@pytest.mark.parametrize("by", ["agency", "step", "official"])
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollup_step_figures_equal_the_live_ones(march, period, by):
    from workflows import evaluation

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
    times = {r["procedure"]: r for r in rollups.working_time_by_procedure(ids, period)}
    marriage = times["Cấp Giấy xác nhận tình trạng hôn nhân"]
    assert (marriage["dossiers"], marriage["avg_hours"]) == (6, round(288000 / 6 / 3600, 2))
    assert marriage["p90_hours"] == 26.0
    assert times["Chứng thực bản sao"]["p90_hours"] == 3.0
    assert rollups.step_averages(ids, period)[w.pc.pk] == {"i2": round(10 / 7, 2), "steps": 7}
    by_agency = {r["agency_id"]: r for r in metrics.attribution(ids, period, "agency")}  # served from the rollups
    assert by_agency[w.pc.pk]["late_steps"] == 2
    assert by_agency[w.pc.pk]["over_seconds"] == (46800 - 25920) + (61200 - 25920)
    by_official = {r["owner_id"]: r["late_steps"] for r in metrics.attribution(ids, period, "official")}
    assert by_official == {w.leader.pk: 2, w.specialist.pk: 1}


def test_the_p90_is_the_nearest_rank_dossier_to_the_hundredth_of_an_hour(march):
    """The histogram keeps p90 exact at the shown precision; a dossier without working time ranks last."""
    w = march.world
    rollups.refresh(now=LATER)
    marriage = MonthlyWorkingTime.objects.filter(procedure=w.commune_proc, month="2026-03-01")
    # C 7,200 s = 2.00 h; A and K 10,800 s = 3.00 h share a bucket; B 21.00 h; H 25.00 h; D 26.00 h
    assert sorted((r.hundredths, r.dossiers, r.seconds) for r in marriage) == [
        (200, 1, 7200), (300, 2, 21600), (2100, 1, 75600), (2500, 1, 90000), (2600, 1, 93600)]
    assert metrics.hundredths_of_hour(17) == 0 and metrics.hundredths_of_hour(18) == 1  # half up
    # a dossier without recorded working time (a NULL bucket) counts, has no time, and ranks last
    ids, period = metrics.subtree_ids(w.district), metrics.Period.of("month", 2026, 3)
    MonthlyWorkingTime.objects.create(unit=w.commune, procedure=w.commune_proc, month="2026-03-01", hundredths=None,
                                      dossiers=1, seconds=None)
    row = next(r for r in rollups.working_time_by_procedure(ids, period) if r["procedure_id"] == w.commune_proc.pk)
    assert (row["dossiers"], row["avg_hours"], row["p90_hours"]) == (7, round(288000 / 6 / 3600, 2), 0.0)
    MonthlyWorkingTime.objects.filter(procedure=w.commune_proc, hundredths=2600).delete()
    MonthlyWorkingTime.objects.filter(procedure=w.commune_proc, hundredths__isnull=True).delete()
    row = next(r for r in rollups.working_time_by_procedure(ids, period) if r["procedure_id"] == w.commune_proc.pk)
    assert (row["dossiers"], row["p90_hours"]) == (5, 25.0)  # without D and the NULL: the 5th of 5 is H
