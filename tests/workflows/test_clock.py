"""The dossier clock, with each expected instant worked out by hand on the default office
hours (07:00–11:30, 13:30–17:00: 8 working hours a day; cut-off 15:00)."""
import datetime as dt

import pytest

from procedures.models import CalendarDay
from reporting import rules
from tests import factories as f
from tests.world import at, receive
from workflows import services
from workflows.errors import TransitionNotAllowed
from workflows.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def tet_2026(db):
    for day in range(16, 21):
        CalendarDay.objects.create(date=dt.date(2026, 2, day), kind="holiday", name="Tết Bính Ngọ")


def test_due_time_on_receipt_skips_tet_2026(world, tet_2026):
    # Fri 13/2 10:00 + 24 working hours: Fri 5h, (Tết 16–20/2), Mon 23 8h, Tue 24 8h, Wed 25 3h → 10:00.
    dossier = receive(world, now=at(2026, 2, 13, 10))
    assert dossier.due_at == at(2026, 2, 25, 10)
    assert dossier.original_due_at == dossier.due_at


def test_a_receipt_after_the_cut_off_counts_from_the_next_morning(world):
    # Mon 2/3 16:00 → counting from Tue 07:00; 24 h → Thu 5/3 17:00.
    dossier = receive(world, now=at(2026, 3, 2, 16))
    assert dossier.due_at == at(2026, 3, 5, 17)


def test_calendar_day_limits_end_on_the_next_working_day_when_they_fall_on_a_weekend(world):
    proc = f.procedure(time_limit_value=5, time_limit_unit="calendar_days")
    dossier = receive(world, proc, now=at(2026, 3, 2, 9))  # 2/3 + 5 days = Sat 7/3 → Mon 9/3
    assert dossier.due_at == at(2026, 3, 9, 17)


def test_a_same_day_procedure_is_due_at_closing_time(world):
    proc = f.procedure(time_limit_value=0, time_limit_unit="same_day")
    assert receive(world, proc, now=at(2026, 3, 2, 9)).due_at == at(2026, 3, 2, 17)


def supplement_cycle(w, proc_rule):
    w.commune_proc.supplement_clock_rule = proc_rule
    w.commune_proc.save()
    dossier = receive(w, now=at(2026, 3, 2, 9))  # due Thu 5/3 09:00
    assert dossier.due_at == at(2026, 3, 5, 9)
    dossier = services.request_supplement(dossier, actor=w.specialist, items=["Bản sao sổ hộ khẩu"],
                                          now=at(2026, 3, 2, 10))
    return services.supplement_received(dossier, actor=w.clerk, now=at(2026, 3, 4, 14))


def test_the_restart_rule_counts_the_whole_limit_again_from_the_complete_dossier(world):
    # Wed 4/3 14:00 + 24 h: Wed 3h, Thu 8h, Fri 8h, Mon 9/3 5h → 14:00.
    dossier = supplement_cycle(world, "restart")
    assert dossier.due_at == dossier.original_due_at == at(2026, 3, 9, 14)


def test_the_pause_rule_shifts_the_due_time_by_the_paused_working_time(world):
    # Paused Mon 10:00 → Wed 14:00 = 5 + 8 + 5 = 18 working hours; Thu 09:00 + 18 h → Mon 9/3 11:00.
    dossier = supplement_cycle(world, "pause")
    assert dossier.due_at == dossier.original_due_at == at(2026, 3, 9, 11)


def test_one_extension_moves_the_appointment_and_keeps_the_original_due_time(world):
    w = world
    dossier = receive(w, now=at(2026, 3, 2, 9))
    dossier = services.extend(dossier, actor=w.specialist, new_due_at=at(2026, 3, 9, 17),
                              reason="Cần xác minh thêm", now=at(2026, 3, 3, 9))
    assert dossier.due_at == at(2026, 3, 9, 17)
    assert dossier.original_due_at == at(2026, 3, 5, 9)
    with pytest.raises(TransitionNotAllowed):
        services.extend(dossier, actor=w.specialist, new_due_at=at(2026, 3, 12, 17), reason="Lần hai",
                        now=at(2026, 3, 4, 9))


def test_an_extension_asked_less_than_a_working_day_before_the_due_time_is_refused(world):
    w = world
    dossier = receive(w, now=at(2026, 3, 2, 9))  # due Thu 5/3 09:00; Wed 10:00 leaves 7 h
    with pytest.raises(TransitionNotAllowed):
        services.extend(dossier, actor=w.specialist, new_due_at=at(2026, 3, 9, 17), reason="Muộn",
                        now=at(2026, 3, 4, 10))


def test_a_step_that_overruns_its_share_is_attributed_to_its_agency(world):
    w = world
    dossier = receive(w, now=at(2026, 3, 2, 9))
    first = WorkItem.objects.get(process_id=dossier.process_id, step_index=0)
    # 70% of 24 h = 16.8 h from Mon 09:00: Mon 6 h,
    # Tue 8 h (14 h), Wed 2.8 h → 09:48.
    assert first.allotted_seconds == 24 * 3600 * 70 // 100
    assert first.due_at == at(2026, 3, 4, 9, 48)
    dossier = services.complete_step(dossier, actor=w.specialist, now=at(2026, 3, 4, 16))
    first.refresh_from_db()
    assert first.working_seconds == (6 + 8 + 7) * 3600  # Mon 6 h, Tue 8 h, Wed 07:00→16:00 = 7 h
    assert WorkItem.objects.filter(rules.step_late_q(at(2026, 3, 4, 16)), pk=first.pk).exists()
    assert first.agency_id == w.justice.pk
    event = dossier.events.get(action="complete_step")
    assert event.data["working_seconds"] > event.data["allotted_seconds"] and event.agency_id == w.justice.pk


def test_overdue_and_at_risk_are_queryable(world):
    from workflows.models import Dossier

    w = world
    dossier = receive(w, now=at(2026, 3, 2, 9))  # due Thu 5/3 09:00; at-risk from Wed 4/3 09:00
    assert dossier.at_risk_at == at(2026, 3, 4, 9)
    assert not Dossier.objects.filter(rules.at_risk_q(at(2026, 3, 3, 9))).exists()
    assert Dossier.objects.filter(rules.at_risk_q(at(2026, 3, 4, 10))).get() == dossier
    assert not Dossier.objects.filter(rules.overdue_q(at(2026, 3, 5, 9))).exists()  # at the due instant: on time
    assert Dossier.objects.filter(rules.overdue_q(at(2026, 3, 5, 9, 1))).get() == dossier
