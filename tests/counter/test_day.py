"""The counter's day: today's receipts, results to return, online submissions, overdue ones."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.counter.conftest import result_ready, submit_online
from tests.world import at, receive
from workflows import services

pytestmark = pytest.mark.django_db


def test_the_day_lists_receipts_results_and_online_submissions(clerk_client, world, frozen_now):
    today = receive(world, now=frozen_now, name="Hà Văn Tám")
    waiting = result_ready(world, now=frozen_now, name="Lò Văn Chín")
    online = submit_online(world, name="Trần Thị Hoa")
    response = clerk_client.get(reverse("counter:index"))
    assert response.status_code == 200
    assert today in response.context["today"]
    assert response.context["results"] == [waiting] and response.context["online"] == [online]
    page = response.content.decode()
    assert "Lò Văn Chín" in page and timezone.localtime(waiting.due_at).strftime("%H:%M %d/%m/%Y") in page
    assert "Trần Thị Hoa" in page
    # the counter's own dossiers: the ID number in full (logged, tests/counter/test_own_dossiers_in_full.py)
    assert "012345678901" in page and "********8901" not in page
    assert 'name="q" type="search" autofocus' in page


def test_overdue_dossiers_are_highlighted(clerk_client, world):
    late = receive(world, now=at(2026, 3, 2, 9))  # due long ago, still open
    response = clerk_client.get(reverse("counter:index"))
    assert late in response.context["overdue"]
    link = reverse("counter:dossier", args=[late.pk])
    assert f'<tr class="late"><td><a href="{link}">' in response.content.decode()


def test_a_result_decided_late_is_highlighted_among_the_results(clerk_client, world, frozen_now):
    from workflows import services

    dossier = receive(world, now=at(2026, 3, 2, 9))
    dossier = services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 2, 10))
    late = services.decide(dossier, actor=world.leader, outcome="granted", now=at(2026, 3, 20, 9))
    on_time = result_ready(world, now=frozen_now)
    response = clerk_client.get(reverse("counter:index"))
    flags = {d.pk: d.timeliness == "late" for d in response.context["results"]}
    assert flags == {late.pk: True, on_time.pk: False}
    link = reverse("counter:dossier", args=[late.pk])
    assert f'<tr class="late">\n<td><a href="{link}">' in response.content.decode()


def test_another_counters_dossiers_are_not_listed(clerk_client, world, frozen_now):
    theirs = receive(world, now=frozen_now, clerk=world.other_clerk, agency=world.other_counter)
    response = clerk_client.get(reverse("counter:index"))
    assert theirs not in response.context["today"]


def _count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("counter:index")).status_code == 200
    return len(ctx.captured_queries)


def _fill(world, n, now):
    for i in range(n):
        receive(world, now=now, name=f"Người {i}")
        result_ready(world, now=now, name=f"Chờ trả {i}")
        submit_online(world, name=f"Trực tuyến {i}")


def test_the_day_costs_the_same_queries_for_2_or_10_dossiers(clerk_client, world, frozen_now):
    _fill(world, 2, frozen_now)
    small = _count_queries(clerk_client)
    _fill(world, 8, frozen_now)
    assert _count_queries(clerk_client) == small


def test_a_dossier_is_found_by_its_code(clerk_client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    response = clerk_client.get(reverse("counter:find"), {"code": dossier.code.lower()})
    assert response["Location"] == reverse("counter:dossier", args=[dossier.pk])
    missing = clerk_client.get(reverse("counter:find"), {"code": "KHONG-CO"}, follow=True)
    assert "Không tìm thấy hồ sơ" in missing.content.decode()


def test_another_agencys_dossier_cannot_be_found_by_code(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.other_clerk)
    response = client.get(reverse("counter:find"), {"code": dossier.code}, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("counter:dossiers"))
    assert response.context["rows"] == [] and "Không tìm thấy hồ sơ" in response.content.decode()


def test_each_list_of_the_day_stops_at_its_bound_and_more_shows_the_rest(clerk_client, world, frozen_now,
                                                                          monkeypatch):
    from onestop.counter import views

    monkeypatch.setattr(views, "DAY_LIMIT", 2)
    waiting = [result_ready(world, now=frozen_now, name=f"Chờ {i}") for i in range(3)]
    response = clerk_client.get(reverse("counter:index"))
    assert len(response.context["results"]) == 2 and response.context["results_more"]
    assert not response.context["online_more"]
    page = response.content.decode()
    assert "(2+)" in page and "?more=results#h-results" in page
    shown = clerk_client.get(reverse("counter:index"), {"more": "results"}).context["results"]
    assert {d.pk for d in shown} == {d.pk for d in waiting}
    assert [d.due_at for d in shown] == sorted(d.due_at for d in shown)


def test_results_wait_at_the_return_point_the_citizen_chose(client, commune_b, frozen_now):
    w = commune_b
    d = services.receive(
        actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
        applicant=services.Applicant(name="Lò Văn Thành"), return_agency=w.other_counter, now=frozen_now,
        document_ids=[doc.pk for doc in w.commune_proc.documents.filter(is_mandatory=True)],
    ).dossier
    d = services.complete_step(d, actor=w.specialist, now=frozen_now)
    d = services.decide(d, actor=w.leader, outcome="granted", now=frozen_now)
    client.force_login(w.other_clerk)
    assert [r.pk for r in client.get(reverse("counter:index")).context["results"]] == [d.pk]
    client.force_login(w.clerk)
    assert client.get(reverse("counter:index")).context["results"] == []
