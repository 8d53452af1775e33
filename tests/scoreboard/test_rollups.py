"""The scoreboard's rollups give, for a closed month, exactly the live figures: for the whole province,
each unit, agency and procedure (tested equal on a hand-built March 2026), in one query (and one for
the month's petitions)."""
import datetime as dt

import pytest
from django.utils import timezone

from petitions.models import Petition
from portal_sync.models import DossierSync, SyncState
from reporting.periods import Period
from scoreboard import progress, rollups, score
from scoreboard.models import MonthCounts
from tests.world import at, receive
from workflows import services
from workflows.models import Dossier, Rating, SatisfactionRating

pytestmark = pytest.mark.django_db
MARCH = Period.of("month", 2026, 3)


def _decide(world, d, when, outcome="granted", specialist=None, leader=None):
    d = services.complete_step(d, actor=specialist or world.specialist, now=when)
    reasons = "Không đủ điều kiện" if outcome == "denied" else ""
    return services.decide(d, actor=leader or world.leader, outcome=outcome, reasons=reasons, now=when)


@pytest.fixture
def march(world, commune_b, clock):
    """Dossiers of two communes and two procedures: synced or not, on time or late, decided or not,
    a petition and a dislike; one received in February and handled in March."""
    w = world
    clock.move_to(at(2026, 4, 2, 9))  # March is closed
    early = receive(w, now=at(2026, 2, 25, 9))
    services.start_processing(early, actor=w.specialist, now=at(2026, 3, 2, 10))
    on_time = _decide(w, receive(w, now=at(2026, 3, 2, 9)), at(2026, 3, 3, 10))
    late = receive(w, now=at(2026, 3, 2, 9), name="Lò Văn Pao")
    twice = receive(w, now=at(2026, 3, 9, 9), name="Tòng Thị Ơn")
    twice = services.request_supplement(twice, actor=w.specialist, items=["Tờ khai"], now=at(2026, 3, 9, 14))
    twice = services.supplement_received(twice, actor=w.clerk, now=at(2026, 3, 9, 15))
    twice = services.request_supplement(twice, actor=w.specialist, items=["Ảnh"], now=at(2026, 3, 9, 16))
    services.supplement_received(twice, actor=w.clerk, now=at(2026, 3, 10, 8))
    elsewhere = receive(w, now=at(2026, 3, 4, 9), agency=w.other_counter, clerk=w.other_clerk)
    _decide(w, elsewhere, at(2026, 3, 5, 9), outcome="denied", specialist=w.b_specialist, leader=w.b_leader)
    linked = receive(w, w.linked_proc, now=at(2026, 3, 5, 9), name="Vàng A Dơ")
    for d in (on_time, late, linked):
        DossierSync.objects.create(dossier=d, state=SyncState.SYNCED, first_acked_at=timezone.now())
    Petition.objects.create(dossier=late, text="Chậm", received_at=at(2026, 3, 20, 9))
    SatisfactionRating.objects.create(dossier=on_time, rating=Rating.NOT_SATISFIED)
    Dossier.objects.filter(pk=elsewhere.pk).update(vneid_verified=True)
    return w


def test_a_closed_months_rollups_equal_the_live_figures_for_every_grouping(march, django_assert_num_queries):
    w = march
    assert rollups.rebuild_month(MARCH) == MonthCounts.objects.filter(month=MARCH.start.date()).count() > 0
    assert rollups.covers(MARCH)
    everything = Dossier.objects.all()
    groupings = [({}, everything, None)]
    for unit in (w.commune, w.other_commune):  # a unit's petitions: those its agencies received
        groupings.append(({"unit_ids": [unit.pk]}, everything.filter(competent_unit=unit),
                          progress.petitions_of_units([unit.pk])))
    for agency in (w.counter, w.other_counter):
        groupings.append(({"agency_ids": [agency.pk]}, everything.filter(receiving_agency=agency), None))
    for procedure in (w.commune_proc, w.linked_proc):
        groupings.append(({"procedure_ids": [procedure.pk]}, everything.filter(procedure=procedure), None))
    for filters, dossiers, petitions in groupings:
        with django_assert_num_queries(2):  # the rollup rows' sums, and the month's petitions (5.2, 5.3) live
            summed = score.lines_from_rollups(MARCH, **filters)
        assert summed == score.lines(MARCH, dossiers, petitions=petitions), filters
    whole = {line.id: line for line in score.lines_from_rollups(MARCH)}
    assert (whole["1.4"].numerator, whole["1.4"].denominator) == (3, 5)  # the February dossier is not March's
    assert whole["2.1"].denominator == 6  # …but it was handled in March


def test_a_month_is_served_from_rollups_only_once_built_after_its_end(march, clock):
    assert not rollups.covers(MARCH)
    clock.move_to(at(2026, 3, 20, 9))
    rollups.rebuild_month(MARCH)
    clock.move_to(at(2026, 4, 2, 9))
    assert not rollups.covers(MARCH)  # built while March was running: stale
    rollups.rebuild_month(MARCH)
    assert rollups.covers(MARCH)
    assert not rollups.covers(Period.of("month", 2026, 4))  # the running month is always live
    assert [p.number for p in rollups.months_to_rebuild()] == [3, 2, 1]


def test_the_command_rebuilds_a_closed_month_and_reads_it_from_the_rollups(march):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("qd766_score", "--month", "2026-03", "--rebuild", stdout=out)
    text = out.getvalue()
    assert "Đã tổng hợp lại" in text and rollups.covers(MARCH)
    assert "1.4   Hồ sơ đồng bộ lên Cổng DVCQG: 3/5 → 3.60/6 (mất 2.40)" in text


def test_the_nightly_task_rebuilds_the_three_months_before_this_one(march):
    from scoreboard.tasks import rebuild_rollups

    built = rebuild_rollups()
    assert set(built) == {"2026-03", "2026-02", "2026-01"} and built["2026-03"] > 0


def test_the_running_month_is_served_from_a_fresh_rebuild_judged_then(world, clock):
    april = Period.of("month", 2026, 4)
    clock.move_to(at(2026, 4, 2, 9))
    receive(world, now=at(2026, 4, 1, 9))  # pending: judged at the rebuild's instant
    receive(world, now=at(2026, 4, 2, 8), name="Lò Văn Pao")
    assert not rollups.covers(april)
    rollups.rebuild_month(april)
    assert rollups.built_at(april) == at(2026, 4, 2, 9)
    assert score.lines_for_units(april, [world.commune.pk], Dossier.objects.all()) == score.lines(
        april, Dossier.objects.all(), petitions=Petition.objects.none())
    clock.shift(rollups.RUNNING_FRESHNESS)
    assert rollups.covers(april)
    clock.shift(dt.timedelta(seconds=1))
    assert not rollups.covers(april)  # stale: live again


def test_the_beat_rebuilds_the_running_month():
    from scoreboard.tasks import rebuild_running_month

    assert rebuild_running_month() == 0  # nothing received yet, and safe to repeat
    today = timezone.localdate()
    assert rollups.covers(Period.of("month", today.year, today.month))
