"""Oversight figures for supervisors, scoped to their unit."""
import pytest

from tests.world import at, receive
from workflows import services

pytestmark = pytest.mark.django_db


def test_a_supervisor_gets_the_figures_of_a_unit_and_period(api, world):
    on_time = receive(world, now=at(2026, 3, 2, 9))
    d = services.complete_step(on_time, actor=world.specialist, now=at(2026, 3, 2, 14))
    services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 3, 3, 9))
    receive(world, clerk=world.other_clerk, agency=world.other_counter, now=at(2026, 3, 4, 9))
    receive(world, now=at(2026, 4, 6, 9))  # outside the period
    response = api(world.supervisor).get("/api/metrics/", {
        "unit": world.district.pk, "period_from": "2026-03-01", "period_to": "2026-03-31"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["unit"] == {"id": world.district.pk, "name": "Tam Đường"}
    figures = body["figures"]
    assert (figures["received"], figures["resolved"], figures["early"], figures["pending"]) == (2, 1, 1, 1)
    assert figures["pending_overdue"] == 1 and figures["online_share"] == 0.0
    assert figures["dossier_one_stop_share"] == 100.0
    assert body["catalog"]["target"] == 68.0 and "received" in body["definitions"]
    commune = api(world.supervisor).get("/api/metrics/", {
        "unit": world.commune.pk, "period_from": "2026-03-01", "period_to": "2026-03-31"}).json()
    assert commune["figures"]["received"] == 1


def test_the_default_is_the_supervised_unit_this_month(api, world):
    body = api(world.supervisor).get("/api/metrics/").json()
    assert body["unit"]["id"] == world.district.pk and body["period_from"].endswith("-01")


def test_a_unit_outside_the_supervisors_reach_is_403_and_other_roles_are_403(api, world):
    response = api(world.supervisor).get("/api/metrics/", {"unit": world.province.pk})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert api(world.clerk).get("/api/metrics/").status_code == 403
    assert api().get("/api/metrics/").status_code == 401


def test_a_bad_period_is_a_400(api, world):
    client = api(world.supervisor)
    for params in ({"period_from": "2026-03-31", "period_to": "2026-03-01"}, {"period_from": "1990-01-01"},
                   {"period_from": "March"}, {"unit": "x"}):
        response = client.get("/api/metrics/", params)
        assert response.status_code == 400 and response.json()["code"] == "invalid_input", params
