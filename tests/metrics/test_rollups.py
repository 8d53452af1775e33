"""The monthly rollups reproduce the live figures exactly for every whole-month period they cover."""
import pytest

from tests.world import at
from workflows import metrics, rollups
from workflows.models import Dossier, MonthlyCount

pytestmark = pytest.mark.django_db
LATER = at(2026, 5, 10)
PERIODS = [metrics.Period.of("month", 2026, 2), metrics.Period.of("month", 2026, 3),
           metrics.Period.of("month", 2026, 4), metrics.Period.of("quarter", 2026, 1)]
KEYS = [["receiving_unit_id", "procedure__field_id"], ["receiving_agency_id"], ["receiving_unit_id"]]


@pytest.mark.parametrize("keys", KEYS)
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.kind}-{p.number}")
def test_rollups_equal_the_live_counts(march, period, keys):
    assert rollups.refresh(now=LATER) == MonthlyCount.objects.count() > 0
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
