"""The running period from the ten-minute rebuild of its month (ADR 0043): equal to the live figures at
the rebuild's instant, served only while fresh, and a turned month rebuilt whole."""
import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from reporting import evaluation, metrics, rollups
from reporting.models import MonthlyCount, RollupState
from reporting.periods import RUNNING_FRESHNESS
from tests.metrics.conftest import _run
from tests.world import at, receive
from workflows.models import Dossier

pytestmark = pytest.mark.django_db

NIGHT = at(2026, 3, 2, 1, 30)  # the whole rebuild, early in March
NOW = at(2026, 3, 26, 10)  # the running rebuild, later that month
RUNNING = [metrics.Period.of("month", 2026, 3), metrics.Period.of("quarter", 2026, 1),
           metrics.Period.of("year", 2026)]
KEYS = [["competent_unit_id", "procedure__field_id"], ["receiving_agency_id"], ["competent_unit_id"]]


@pytest.fixture
def running(march, clock):
    """The whole rebuild ran at NIGHT; then a dossier arrived and one pending dossier was decided, which
    the night's rows do not know; then the running month was rebuilt at NOW."""
    w = march.world
    rollups.refresh(now=NIGHT)
    march.P = receive(w, now=at(2026, 3, 24, 9), name="P")
    march.G = _run(w, march.G, start=at(2026, 3, 24, 10), complete=at(2026, 3, 25, 9), decide=at(2026, 3, 25, 10))
    clock.move_to(NOW)
    rollups.refresh_running(now=NOW)
    return march


def _live(ids, period, keys):
    return metrics.grouped(metrics.in_units(Dossier.objects.all(), ids), period, keys, now=NOW)


@pytest.mark.parametrize("keys", KEYS)
@pytest.mark.parametrize("period", RUNNING, ids=lambda p: p.kind)
def test_the_running_period_from_its_rebuild_equals_the_live_counts(running, period, keys):
    ids = metrics.subtree_ids(running.world.province)
    assert rollups.covers(period)
    assert rollups.running_as_of(period) == NOW
    assert metrics.counts(ids, period, keys, now=NOW) == _live(ids, period, keys)


@pytest.mark.parametrize("period", RUNNING, ids=lambda p: p.kind)
def test_the_running_period_from_its_rebuild_equals_the_live_scores_ratings_and_steps(running, period):
    ids = metrics.subtree_ids(running.world.province)
    live_qs = metrics.in_units(Dossier.objects.all(), ids)
    assert rollups.scores(ids, period, "receiving_agency_id") == evaluation.averages(live_qs, period,
                                                                                      "receiving_agency_id")
    assert rollups.trend(ids, period) == metrics.monthly_trend(live_qs, period)
    assert rollups.satisfaction(ids, period) == metrics.satisfaction(live_qs, period)
    for by in ("agency", "step", "official"):
        assert rollups.attribution(ids, period, by) == metrics.attribution_live(ids, period, by, NOW)


def test_the_running_months_working_time_is_rebuilt_and_the_quarters_is_the_nights(running):
    month, quarter = RUNNING[0], RUNNING[1]
    root = running.world.province
    live_qs = metrics.in_units(Dossier.objects.all(), metrics.subtree_ids(root))
    assert rollups.working_time_by_procedure(root, month) == metrics.working_time_by_procedure(live_qs, month)
    assert rollups.working_time_as_of(month) == NOW
    assert rollups.working_time_as_of(quarter) == NIGHT  # not re-ranked every ten minutes: the screen says so


def test_the_rebuild_replaces_the_running_month_and_leaves_the_closed_ones(running):
    """G's decision and P's receipt are in; February's rows are the night's, counted once."""
    s = metrics.total(metrics.counts(metrics.subtree_ids(running.world.district), RUNNING[0], ["competent_unit_id"]))
    assert (s["received"], s["resolved"], s["pending_overdue"]) == (11, 8, 1)  # P in; G decided, J still overdue
    feb = metrics.total(metrics.counts(metrics.subtree_ids(running.world.district), metrics.Period.of("month", 2026, 2),
                                       ["competent_unit_id"]))
    assert (feb["received"], feb["resolved"]) == (2, 1)  # H and L received; L resolved


def test_a_stale_running_rebuild_is_not_served(running, clock):
    clock.move_to(NOW + RUNNING_FRESHNESS + dt.timedelta(seconds=1))
    period = RUNNING[0]
    assert not rollups.covers(period)
    assert rollups.running_as_of(period) is None
    later = receive(running.world, now=at(2026, 3, 26, 10, 30), name="Q")
    ids = metrics.subtree_ids(running.world.district)
    assert metrics.total(metrics.counts(ids, period, ["competent_unit_id"]))["received"] == 12  # live: Q counted
    assert later.pk


def test_a_rebuild_in_a_new_month_rebuilds_everything(running, clock):
    """April's first running rebuild must close March whole before anything is served from it."""
    april = at(2026, 4, 1, 0, 3)
    clock.move_to(april)
    rollups.refresh_running(now=april)
    state = RollupState.objects.get()
    assert (state.through, state.built_at, state.running_at) == (dt.date(2026, 4, 1), april, april)
    assert rollups.covers(RUNNING[0])
    assert MonthlyCount.objects.filter(month=dt.date(2026, 3, 1), kind=MonthlyCount.RECEIVED).exists()


def test_the_running_rebuild_costs_a_fixed_number_of_queries(running, django_assert_num_queries):
    """Whatever the dossiers: the state, the sources, the deletes, the inserts (+ PostgreSQL's lock)."""
    with django_assert_num_queries(22 + (connection.vendor == "postgresql")):
        rollups.refresh_running(now=NOW)


def test_the_dashboard_says_when_its_running_period_was_counted(client, running, clock):
    client.force_login(running.world.supervisor)
    march = {"kind": "month", "year": 2026, "number": 3}
    page = client.get(reverse("oversight:index"), march)
    assert page.context["summary"]["received"] == 11
    assert "số liệu tổng hợp lúc 10:00 26/03/2026" in page.content.decode()
    quarter = client.get(reverse("oversight:index"), {"kind": "quarter", "year": 2026, "number": 1})
    assert "Thời gian xử lý của kỳ đang diễn ra tính đến 01:30 02/03/2026" in quarter.content.decode()
    clock.move_to(NOW + RUNNING_FRESHNESS + dt.timedelta(minutes=1))
    page = client.get(reverse("oversight:index"), march)
    assert "số liệu tính trực tiếp tại thời điểm xem" in page.content.decode()
    assert page.context["summary"]["received"] == 11
