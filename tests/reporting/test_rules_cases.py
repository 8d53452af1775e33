"""Each rule of reporting.rules worked by hand, and every screen, list, filter and figure agreeing on it.

The commune procedure has a limit of 3 working days on the default office hours (07:00–11:30,
13:30–17:00): received Monday 2/3/2026 09:00 → legal due Thursday 5/3 09:00.
"""
import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting import metrics, rollups, rules
from reporting.periods import Period
from tests.world import at, receive
from workflows import services
from workflows.models import Dossier

pytestmark = pytest.mark.django_db
MARCH = Period.of("month", 2026, 3)


def _api_codes(user, **params) -> set[str]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    response = client.get("/api/dossiers/", params)
    assert response.status_code == 200
    return {row["code"] for row in response.json()["results"]}


def _counter_day(client, user):
    client.force_login(user)
    response = client.get(reverse("counter:index"))
    assert response.status_code == 200
    return response.context


def _agree(client, world, dossier, now, *, overdue: bool, past_appointment: bool):
    """The counter's day, the dossier page, the delay list, the API filter and the figures say the same."""
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert rules.is_overdue(dossier, now) is overdue
    assert rules.is_past_appointment(dossier, now) is past_appointment
    assert Dossier.objects.filter(rules.overdue_q(now), pk=dossier.pk).exists() is overdue
    day = _counter_day(client, world.clerk)
    assert (dossier.pk in {d.pk for d in day["overdue"]}) is overdue
    assert (dossier.code in _api_codes(world.clerk, overdue="true")) is overdue
    assert (dossier.code in _api_codes(world.clerk, past_appointment="true")) is past_appointment
    delay_list = metrics.overdue_dossiers(Dossier.objects.all(), now)
    assert delay_list.filter(pk=dossier.pk).exists() is overdue
    row = metrics.summary(Dossier.objects.filter(pk=dossier.pk), Period.of("month", now.year, now.month), now=now)
    if row["pending"]:
        assert row["pending_overdue"] == int(overdue)
    page = client.get(reverse("counter:dossier", args=[dossier.pk]))
    assert page.context["late"] is overdue and page.context["past_appointment"] is past_appointment


def test_a_supplement_wait_over_the_due_instant_is_never_overdue_then_the_restarted_limit_runs(
        client, world, clock):
    d = receive(world, now=at(2026, 3, 2, 9))
    d = services.start_processing(d, actor=world.specialist, now=at(2026, 3, 2, 10))
    d = services.request_supplement(d, actor=world.specialist, items=["Tờ khai"], now=at(2026, 3, 4, 9))

    clock.move_to(at(2026, 3, 6, 10))  # a day past the legal due time, still waiting for the applicant
    _agree(client, world, d, at(2026, 3, 6, 10), overdue=False, past_appointment=False)
    assert d.pk in {x.pk for x in _counter_day(client, world.clerk)["supplements"]}

    d = services.supplement_received(d, actor=world.clerk, now=at(2026, 3, 9, 9))
    assert d.original_due_at == at(2026, 3, 12, 9)  # the lawful restart: 3 working days from the complete dossier
    clock.move_to(at(2026, 3, 12, 10))
    _agree(client, world, d, at(2026, 3, 12, 10), overdue=True, past_appointment=True)

    # the report for March, closed: one dossier pending and overdue at the month's end
    clock.move_to(at(2026, 4, 10, 9))
    s = metrics.summary(Dossier.objects.all(), MARCH)
    assert (s["pending"], s["pending_overdue"], s["pending_within"]) == (1, 1, 0)


def test_a_month_ending_during_the_wait_counts_the_dossier_within_the_deadline_for_good(world):
    d = receive(world, now=at(2026, 3, 25, 9))  # due Monday 30/3 09:00
    d = services.start_processing(d, actor=world.specialist, now=at(2026, 3, 25, 10))
    d = services.request_supplement(d, actor=world.specialist, items=["Tờ khai"], now=at(2026, 3, 27, 9))
    s = metrics.summary(Dossier.objects.all(), MARCH, now=at(2026, 4, 1, 8))
    assert (s["pending_overdue"], s["pending_within"]) == (0, 1)  # waiting on 31/3, though past 30/3
    d = services.supplement_received(d, actor=world.clerk, now=at(2026, 4, 6, 9))
    d = services.complete_step(d, actor=world.specialist, now=at(2026, 4, 7, 9))
    services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 4, 7, 10))
    later = metrics.summary(Dossier.objects.all(), MARCH, now=at(2026, 5, 2, 9))
    assert (later["pending_overdue"], later["pending_within"]) == (0, 1)
    rollups.refresh(now=at(2026, 5, 2, 9))
    from_rollups = metrics.total(rollups.grouped(metrics.subtree_ids(world.province), MARCH, ["competent_unit_id"]))
    assert (from_rollups["pending_overdue"], from_rollups["pending_within"]) == (0, 1)


def test_a_month_ending_while_overdue_stays_overdue_after_the_supplement_moves_the_due_time(world):
    d = receive(world, now=at(2026, 3, 25, 9))  # due Monday 30/3 09:00, overdue on 31/3
    d = services.start_processing(d, actor=world.specialist, now=at(2026, 3, 25, 10))
    march_then = metrics.summary(Dossier.objects.all(), MARCH, now=at(2026, 4, 1, 8))
    assert march_then["pending_overdue"] == 1
    d = services.request_supplement(d, actor=world.specialist, items=["Tờ khai"], now=at(2026, 4, 2, 9))
    services.supplement_received(d, actor=world.clerk, now=at(2026, 4, 6, 9))  # restart: due 9/4
    assert metrics.summary(Dossier.objects.all(), MARCH, now=at(2026, 5, 2, 9))["pending_overdue"] == 1


def test_a_result_decided_early_and_collected_late_is_early_and_a_late_collection(client, world, clock):
    d = receive(world, now=at(2026, 3, 2, 9))
    d = services.start_processing(d, actor=world.specialist, now=at(2026, 3, 2, 10))
    d = services.complete_step(d, actor=world.specialist, now=at(2026, 3, 2, 11))
    d = services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 3, 3, 9))  # due 5/3
    march_before = metrics.summary(Dossier.objects.all(), MARCH, now=at(2026, 4, 1, 9))

    clock.move_to(at(2026, 3, 9, 10))  # result ready, not collected, past the appointment
    _agree(client, world, d, at(2026, 3, 9, 10), overdue=False, past_appointment=False)
    assert d.pk in {x.pk for x in _counter_day(client, world.clerk)["results"]}
    d = services.return_result(d, actor=world.clerk, collected_by="Nguyễn Văn An", now=at(2026, 4, 2, 9))

    assert rules.timeliness(d) == "early"
    march_after = metrics.summary(Dossier.objects.all(), MARCH, now=at(2026, 5, 1, 9))
    assert march_after == march_before and (march_after["resolved"], march_after["early"]) == (1, 1)
    assert metrics.collected_late(Dossier.objects.all(), Period.of("month", 2026, 4)) == 1
    assert metrics.collected_late(Dossier.objects.all(), MARCH) == 0


def test_a_result_ready_after_the_appointment_is_late_and_not_overdue_while_awaiting_collection(
        client, world, clock):
    d = receive(world, now=at(2026, 3, 2, 9))
    d = services.start_processing(d, actor=world.specialist, now=at(2026, 3, 2, 10))
    d = services.extend(d, actor=world.clerk, new_due_at=at(2026, 3, 10, 9), reason="Xác minh", now=at(2026, 3, 3, 9))
    d = services.complete_step(d, actor=world.specialist, now=at(2026, 3, 6, 9))
    clock.move_to(at(2026, 3, 6, 10))  # past the legal due time, before the new appointment
    _agree(client, world, d, at(2026, 3, 6, 10), overdue=True, past_appointment=False)

    d = services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 3, 11, 9))  # after the appointment too
    clock.move_to(at(2026, 3, 12, 9))
    _agree(client, world, d, at(2026, 3, 12, 9), overdue=False, past_appointment=False)
    assert rules.timeliness(d) == "late"
    day = _counter_day(client, world.clerk)
    assert [x.timeliness for x in day["results"] if x.pk == d.pk] == ["late"]
    s = metrics.summary(Dossier.objects.all(), MARCH, now=at(2026, 4, 1, 9))
    assert (s["resolved"], s["late"], s["pending"]) == (1, 1, 0)


def test_the_rules_two_forms_agree_on_a_waiting_a_running_and_an_ended_dossier(world):
    now = at(2026, 3, 20, 9)
    running = receive(world, now=at(2026, 3, 2, 9))
    waiting = services.request_supplement(
        services.start_processing(receive(world, now=at(2026, 3, 2, 9)), actor=world.specialist,
                                  now=at(2026, 3, 2, 10)),
        actor=world.specialist, items=["Tờ khai"], now=at(2026, 3, 3, 9))
    ended = services.stop(receive(world, now=at(2026, 3, 2, 9)), actor=world.clerk, reason="Dừng",
                          now=at(2026, 3, 3, 9))
    for d in (running, waiting, ended):
        d = Dossier.objects.get(pk=d.pk)
        for sql, python in ((rules.overdue_q, rules.is_overdue), (rules.past_appointment_q, rules.is_past_appointment),
                            (rules.at_risk_q, rules.is_at_risk)):
            assert Dossier.objects.filter(sql(now), pk=d.pk).exists() is python(d, now)
        spans = list(d.clock_spans.all())
        annotated = Dossier.objects.annotate(ended_at=rules.HANDLING_ENDED_AT).filter(pk=d.pk)
        history = annotated.filter(rules.pending_at_q(now), rules.overdue_at_q(now)).exists()
        assert history is rules.was_overdue_at(d, spans, now) is rules.is_overdue(d, now)
    assert [rules.is_overdue(Dossier.objects.get(pk=d.pk), now) for d in (running, waiting, ended)] == [
        True, False, False]
