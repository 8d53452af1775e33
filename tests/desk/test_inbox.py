"""The desk's inbox and queue: what is mine, what waits for my agency, how much time is left."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.world import at, receive

pytestmark = pytest.mark.django_db


def test_my_inbox_lists_the_work_assigned_to_me_with_its_remaining_time(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)  # the only specialist of the justice office gets it
    client.force_login(world.specialist)
    response = client.get(reverse("desk:index"))
    assert response.status_code == 200
    [item] = response.context["inbox"]
    assert item.dossier == dossier and response.context["queue"] == []
    assert item.remaining is not None and item.remaining > 0
    page = response.content.decode()
    assert dossier.code in page and "autofocus" in page


def test_shared_work_waits_in_the_agency_queue(client, team, frozen_now):
    dossier = receive(team, now=frozen_now)
    client.force_login(team.specialist2)
    response = client.get(reverse("desk:index"))
    assert [i.dossier for i in response.context["queue"]] == [dossier]
    assert response.context["inbox"] == []
    assert reverse("desk:claim", args=[dossier.pk]) in response.content.decode()


def test_overdue_work_is_highlighted(client, world):
    receive(world, now=at(2026, 3, 2, 9))
    client.force_login(world.specialist)
    response = client.get(reverse("desk:index"))
    [item] = response.context["inbox"]
    assert item.late and item.remaining < 0
    assert '<tr class="late">' in response.content.decode()


def test_a_leader_sees_the_agencys_queue_and_can_hand_work_over(client, team, frozen_now):
    dossier = receive(team, now=frozen_now)
    client.force_login(team.justice_leader)
    response = client.get(reverse("desk:index"))
    [item] = response.context["queue"]
    assert item.dossier == dossier and not item.can_claim  # not a specialist: assigns, does not claim
    assert sorted(c["name"] for c in item.colleagues) == ["Lò Văn Bình", "specialist"]
    page = response.content.decode()
    assert reverse("desk:assign", args=[dossier.pk]) in page
    assert reverse("desk:claim", args=[dossier.pk]) not in page


def test_a_clerk_cannot_use_the_desk(client, world):
    client.force_login(world.clerk)
    assert client.get(reverse("desk:index")).status_code == 403


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("desk:index")).status_code == 200
    return len(ctx.captured_queries)


def test_the_inbox_costs_the_same_queries_for_2_or_10_dossiers(client, team, frozen_now):
    client.force_login(team.justice_leader)
    for _ in range(2):
        receive(team, now=frozen_now)
    small = _count(client)
    for _ in range(8):
        receive(team, now=frozen_now)
    assert len(client.get(reverse("desk:index")).context["queue"]) == 10
    assert _count(client) == small


def test_each_list_stops_at_its_bound_and_more_shows_the_rest(client, team, frozen_now, monkeypatch):
    from onestop.desk import views

    monkeypatch.setattr(views, "INBOX_LIMIT", 3)
    client.force_login(team.justice_leader)
    made = [receive(team, now=frozen_now) for _ in range(5)]
    small = _count(client)
    response = client.get(reverse("desk:index"))
    queue = response.context["queue"]
    assert len(queue) == 3 and response.context["queue_more"]
    assert [i.due_at for i in queue] == sorted(i.due_at for i in queue)
    assert "(3+)" in response.content.decode() and "?more=queue#h-queue" in response.content.decode()
    full = client.get(reverse("desk:index"), {"more": "queue"}).context
    assert len(full["queue"]) == 5 and not full["queue_more"] and len(made) == 5
    receive(team, now=frozen_now)
    assert _count(client) == small  # bounded: the same queries with more work waiting
