"""The 2025 rules: a stop at the applicant's request (NĐ 118/2025 Art. 21) and the wait for a financial
obligation (national status 6), beside the 2018 rules' withdrawal, chosen by the date of receipt."""
import pytest

from reporting import metrics, rules
from reporting.periods import Period
from tests.world import at, receive
from workflows import frames, services
from workflows.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import ClockSpan, Dossier, WorkItem
from workflows.statuses import NATIONAL_STATUS_CODE, Status

pytestmark = pytest.mark.django_db


def _in(world, status):
    """A post-reform dossier brought to `status` through the services."""
    d = receive(world, now=at(2026, 3, 2, 9))
    if status == Status.RECEIVED:
        return d
    d = services.start_processing(d, actor=world.specialist, now=at(2026, 3, 2, 10))
    if status == Status.AWAITING_SUPPLEMENT:
        return services.request_supplement(d, actor=world.specialist, items=["Tờ khai"], now=at(2026, 3, 2, 11))
    if status == Status.AWAITING_PAYMENT:
        return services.request_payment(d, actor=world.specialist, obligation="Lệ phí 50.000 đồng",
                                        now=at(2026, 3, 2, 11))
    d = services.complete_step(d, actor=world.specialist, now=at(2026, 3, 2, 11))
    if status == Status.PROCESSING:
        return d
    d = services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 3, 3, 9))
    if status == Status.RESULT_READY:
        return d
    return services.return_result(d, actor=world.clerk, collected_by="An", now=at(2026, 3, 4, 9))


def test_the_frame_is_chosen_by_the_day_of_receipt(world):
    assert frames.frame_on(at(2025, 6, 30, 16).date()) is frames.FRAME_2018
    assert frames.frame_on(at(2025, 7, 1, 7).date()) is frames.FRAME_2025
    old, new = receive(world, now=at(2025, 6, 30, 9)), receive(world, now=at(2025, 7, 1, 9))
    assert frames.frame_of(old).applicant_may_withdraw and not frames.frame_of(old).applicant_may_stop
    assert frames.frame_of(new).applicant_may_stop and not frames.frame_of(new).applicant_may_withdraw
    with pytest.raises(TransitionNotAllowed):
        services.stop(old, actor=world.clerk, reason="Dừng", now=at(2025, 7, 2, 9))
    with pytest.raises(TransitionNotAllowed):
        services.withdraw(new, actor=world.clerk, reason="Rút", now=at(2025, 7, 2, 9))
    assert services.withdraw(old, actor=world.clerk, reason="Rút", now=at(2025, 7, 2, 9)).status == Status.WITHDRAWN
    assert services.stop(new, actor=world.clerk, reason="Dừng", now=at(2025, 7, 2, 9)).status == Status.STOPPED


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT,
                                    Status.AWAITING_PAYMENT])
def test_a_stop_may_be_asked_in_each_open_state_before_a_decision(world, status):
    d = _in(world, status)
    assert d.status == status
    d = services.stop(d, actor=world.clerk, reason="Công dân đề nghị dừng", channel="postal", now=at(2026, 3, 5, 9))
    assert (d.status, d.national_status_code, d.closed_at) == (Status.STOPPED, 8, at(2026, 3, 5, 9))
    event = d.events.latest("seq")
    assert (event.action, event.from_status, event.data) == ("stop", status, {"channel": "postal"})
    assert not WorkItem.objects.open_for(d).exists()  # open work cancelled
    assert not rules.is_overdue(d, at(2026, 4, 1, 9))  # handling ended: never overdue afterwards
    assert rules.handling_ended_at(d) == at(2026, 3, 5, 9)


@pytest.mark.parametrize("status", [Status.RESULT_READY, Status.RETURNED])
def test_a_stop_is_refused_after_the_decision(world, status):
    d = _in(world, status)
    with pytest.raises(TransitionNotAllowed):
        services.stop(d, actor=world.clerk, reason="Muộn", now=at(2026, 3, 5, 9))
    assert Dossier.objects.get(pk=d.pk).status == status


def test_a_stop_needs_a_reason_a_known_channel_and_the_receiving_counter(world):
    d = _in(world, Status.PROCESSING)
    with pytest.raises(InvalidInput):
        services.stop(d, actor=world.clerk, reason=" ", now=at(2026, 3, 5, 9))
    with pytest.raises(InvalidInput):
        services.stop(d, actor=world.clerk, reason="Dừng", channel="fax", now=at(2026, 3, 5, 9))
    with pytest.raises(PermissionDenied):
        services.stop(d, actor=world.other_clerk, reason="Dừng", now=at(2026, 3, 5, 9))
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_stops_count_in_the_report_as_ended_without_a_decision(world):
    services.stop(_in(world, Status.PROCESSING), actor=world.clerk, reason="Dừng", now=at(2026, 3, 5, 9))
    s = metrics.summary(Dossier.objects.all(), Period.of("month", 2026, 3), now=at(2026, 4, 2, 9))
    assert (s["received"], s["withdrawn"], s["stopped"], s["resolved"], s["pending"]) == (1, 1, 1, 0, 0)


def test_the_clock_stands_still_while_the_financial_obligation_is_met_then_both_due_times_move(world):
    d = _in(world, Status.AWAITING_PAYMENT)  # due Thu 5/3 09:00; asked Mon 2/3 11:00
    assert NATIONAL_STATUS_CODE[d.status] == 6
    assert d.original_due_at == at(2026, 3, 5, 9) and d.clock_paused_at == at(2026, 3, 2, 11)
    assert not rules.is_overdue(d, at(2026, 3, 9, 9)) and not rules.is_at_risk(d, at(2026, 3, 4, 16))
    assert not Dossier.objects.filter(rules.overdue_q(at(2026, 3, 9, 9))).exists()
    assert WorkItem.objects.open_for(d).get().agency_id == world.counter.pk  # the counter awaits the receipt
    d = services.payment_received(d, actor=world.clerk, note="Biên lai số 12", now=at(2026, 3, 9, 9))
    # paused Mon 11:00 → next Mon 09:00: Mon 11:00–11:30 and 13:30–17:00 (4 h) + Tue–Fri 32 h + Mon 2 h = 38 h
    assert d.status == Status.PROCESSING and d.clock_paused_at is None
    assert d.events.latest("seq").data["paused_working_seconds"] == 38 * 3600
    # 5/3 09:00 + 38 working hours: Thu 6 h, Fri 8 h, Mon 8 h, Tue 8 h, Wed 8 h → Wed 11/3 17:00
    assert d.original_due_at == d.due_at == at(2026, 3, 11, 17)
    assert WorkItem.objects.open_for(d).get().step_index == 0  # back to the step that asked
    spans = list(ClockSpan.objects.filter(dossier=d).order_by("started_at").values_list("waiting", flat=True))
    assert spans == [False, True, False]
    assert rules.is_overdue(d, at(2026, 3, 12, 9))


def test_only_the_step_holder_asks_for_the_obligation_and_only_the_counter_records_it_met(world):
    d = _in(world, Status.PROCESSING)  # the leader's step now
    with pytest.raises(PermissionDenied):
        services.request_payment(d, actor=world.specialist, obligation="Thuế", now=at(2026, 3, 2, 12))
    with pytest.raises(InvalidInput):
        services.request_payment(d, actor=world.leader, obligation="", now=at(2026, 3, 2, 12))
    d = services.request_payment(d, actor=world.leader, obligation="Thuế", now=at(2026, 3, 2, 12))
    with pytest.raises(PermissionDenied):
        services.payment_received(d, actor=world.other_clerk, now=at(2026, 3, 3, 9))
    assert services.payment_received(d, actor=world.clerk, now=at(2026, 3, 3, 9)).status == Status.PROCESSING
