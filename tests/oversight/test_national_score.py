"""The QĐ 766 scoreboard screen: the score lines and loss lists of `scoreboard`, for the supervisor's
reach, at a constant number of queries; a clerk is refused."""
import pytest
from django.urls import reverse
from django.utils import timezone

from portal_sync.models import DossierSync, SyncState
from reporting.periods import Period
from scoreboard import score
from tests.world import receive
from workflows.models import Dossier

pytestmark = pytest.mark.django_db


def acknowledged(dossier):
    DossierSync.objects.create(dossier=dossier, state=SyncState.SYNCED, last_seq_acked=1,
                               first_acked_at=timezone.now(), last_acked_at=timezone.now())


def month_query(now):
    return {"kind": "month", "year": now.year, "number": now.month}


def test_the_supervisor_reads_the_months_score_and_what_loses_it(world, frozen_now, client):
    synced, unsynced = receive(world, now=frozen_now), receive(world, now=frozen_now, name="Lò Thị Mai")
    acknowledged(synced)
    client.force_login(world.supervisor)
    response = client.get(reverse("oversight:national_score"), month_query(frozen_now))
    assert response.status_code == 200
    page = response.content.decode()
    month = Period.of("month", frozen_now.year, frozen_now.month)
    lines = {line.id: line for line in score.lines(month, Dossier.objects.all())}
    assert (lines["1.4"].numerator, lines["1.4"].denominator) == (1, 2)
    assert "1 / 2" in page and "3,00" in page  # 1.4: half of 6 points
    assert f'data-loss="unsynced">{1}<' in page and unsynced.code not in page  # lists are a drill-down
    listed = client.get(reverse("oversight:national_score"), {**month_query(frozen_now), "list": "unsynced"})
    assert unsynced.code in listed.content.decode() and synced.code not in listed.content.decode()
    earned, at_stake = score.total(list(lines.values()))
    assert f"{earned:.2f}".replace(".", ",") + f" / {at_stake}" in page
    assert 'href="/oversight/dinh-nghia/#qd766-2.1"' in page


def test_the_screen_costs_the_same_queries_for_more_dossiers(world, frozen_now, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.supervisor)
    url = reverse("oversight:national_score")
    receive(world, now=frozen_now)
    client.get(url, month_query(frozen_now))  # warm per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get(url, month_query(frozen_now))
    for i in range(5):
        acknowledged(receive(world, now=frozen_now, name=f"Người nộp {i}"))
    with CaptureQueriesContext(connection) as more:
        client.get(url, month_query(frozen_now))
    assert len(more) == len(few)


def test_a_clerk_may_not_open_the_scoreboard(world, client):
    client.force_login(world.clerk)
    assert client.get(reverse("oversight:national_score")).status_code == 403


@pytest.mark.parametrize("closed", [False, True])
def test_each_agency_and_procedure_row_is_the_score_of_its_own_dossiers(world, commune_b, frozen_now, clock, closed):
    from onestop.oversight import national_score
    from scoreboard import rollups

    acknowledged(receive(world, now=frozen_now))
    receive(world, now=frozen_now, name="Lò Thị Mai")
    acknowledged(receive(world, now=frozen_now, agency=world.other_counter, clerk=world.other_clerk))
    month = Period.of("month", frozen_now.year, frozen_now.month)
    if closed:
        clock.move_to(month.end)
        rollups.rebuild_month(month)
        assert rollups.covers(month)
    page = national_score.build(world.supervisor, world.district, month)
    agencies = {row["object"]: row for row in page["breakdowns"][0][1]}
    for agency in (world.counter, world.other_counter):
        expected = score.total([line for line in score.lines(month, Dossier.objects.filter(receiving_agency=agency))
                                if line.id not in ("5.2", "5.3")])
        assert (agencies[agency]["earned"], agencies[agency]["at_stake"]) == expected
    procedures = {row["object"]: row for row in page["breakdowns"][1][1]}
    assert procedures[world.commune_proc]["received"] == 3
    children = {row["object"]: row for row in page["children"]}
    assert (children[world.commune]["received"], children[world.other_commune]["received"]) == (2, 1)


def test_each_expanded_loss_list_holds_exactly_the_dossiers_its_line_counts(world, frozen_now, clock):
    from onestop.oversight import national_score
    from scoreboard import losses
    from tests.world import at
    from workflows import services

    month = Period.of("month", 2026, 11)  # closed at the suite's instant
    clock.move_to(at(2026, 11, 2, 9))
    late = receive(world, now=at(2026, 11, 2, 9))  # never decided: late by the month's end
    on_time = receive(world, now=at(2026, 11, 2, 9), name="Lò Thị Mai")
    services.decide(services.complete_step(on_time, actor=world.specialist), actor=world.leader, outcome="granted")
    acknowledged(on_time)
    clock.move_to(frozen_now)
    for key in losses.KEYS:
        page = national_score.build(world.supervisor, world.district, month, expand=key)
        loss = next(item for item in page["losses"] if item.key == key)
        assert len(loss.dossiers) == loss.count, key
        others = [item for item in page["losses"] if item.key != key]
        assert all(item.dossiers == [] for item in others)
    late_list = next(item for item in national_score.build(world.supervisor, world.district, month,
                                                            expand="late")["losses"] if item.key == "late")
    assert [d.pk for d in late_list.dossiers] == [late.pk]
