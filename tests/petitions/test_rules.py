"""Each time limit at its boundary, with the 30/4–1/5 holidays and a weekend in between; the query
predicates and the Python rule agree.

Received Wednesday 29/4/2026 09:00 (office hours 07:00–11:30, 13:30–17:00: 8 h a day). Working days
after it: Mon 4/5, Tue 5/5, … (Thu 30/4 and Fri 1/5 are holidays, 2–3/5 a weekend).
- refuse ≤ 2 WD: 6 h left on Wednesday + 8 h Monday + 2 h Tuesday → Tue 5/5 09:00;
- ask ≤ 5 WD: 6 + 8 (Mon) + 8 (Tue) + 8 (Wed 6/5) + 8 (Thu 7/5) + 2 → Fri 8/5 09:00;
- handle ≤ 15 WD: the 15th working day after 29/4 is Fri 22/5 (4–8, 11–15, 18–22/5) → 22/5 09:00;
- publish ≤ 2 WD after an answer on Fri 8/5 09:00: Mon 11/5, Tue 12/5 → 12/5 09:00.
"""
import datetime as dt

import pytest

from petitions import rules, services
from petitions.models import Petition
from tests.world import at

pytestmark = pytest.mark.django_db
RECEIVED = at(2026, 4, 29, 9)
ONE_MINUTE = dt.timedelta(minutes=1)


def _petition(world):
    return services.receive(text="Chờ lâu", agency=world.counter, channel="public", petitioner_name="An",
                            petitioner_contact="an@example.vn", now=RECEIVED)


def _agree(p, as_of):
    """The Python rule, and the query rule over the same row."""
    python = rules.handled_on_time(p, as_of)
    query = Petition.objects.filter(rules.handled_on_time_q(as_of), pk=p.pk).exists()
    assert python == query
    return python


def test_the_due_instants_set_at_receipt(world, holidays):
    p = _petition(world)
    assert (p.refuse_due_at, p.ask_due_at, p.handle_due_at) == (at(2026, 5, 5, 9), at(2026, 5, 8, 9),
                                                                at(2026, 5, 22, 9))


@pytest.mark.parametrize("when, on_time", [(at(2026, 5, 5, 9), True), (at(2026, 5, 5, 9) + ONE_MINUTE, False)])
def test_refusing_within_two_working_days(world, holidays, when, on_time):
    p = services.refuse(_petition(world), actor=world.clerk, reason="Nặc danh", now=when)
    assert _agree(p, at(2026, 6, 1)) is on_time


@pytest.mark.parametrize("when, on_time", [(at(2026, 5, 8, 9), True), (at(2026, 5, 8, 9) + ONE_MINUTE, False)])
def test_asking_for_more_within_five_working_days(world, holidays, when, on_time):
    p = services.ask_for_more(_petition(world), actor=world.clerk, text="Ngày đến quầy", now=when)
    assert _agree(p, at(2026, 6, 1)) is on_time  # waiting for the petitioner: only the ask is judged


@pytest.mark.parametrize("when, on_time", [(at(2026, 5, 22, 9), True), (at(2026, 5, 22, 9) + ONE_MINUTE, False)])
def test_handling_within_fifteen_working_days(world, holidays, when, on_time):
    p = services.answer(_petition(world), actor=world.clerk, answer="Đã xử lý", now=when)
    assert _agree(p, when) is on_time


def test_pending_is_late_once_the_handling_limit_passed(world, holidays):
    p = _petition(world)
    assert _agree(p, at(2026, 5, 22, 9)) is True
    assert _agree(p, at(2026, 5, 22, 9) + ONE_MINUTE) is False


@pytest.mark.parametrize("when, on_time", [(at(2026, 5, 12, 9), True), (at(2026, 5, 12, 9) + ONE_MINUTE, False)])
def test_publishing_within_two_working_days_of_the_answer(world, holidays, when, on_time):
    p = services.answer(_petition(world), actor=world.clerk, answer="Đã xử lý", now=at(2026, 5, 8, 9))
    assert p.publish_due_at == at(2026, 5, 12, 9)
    assert _agree(p, when) is on_time  # not published yet: late once its limit is past
    p = services.publish(p, actor=world.clerk, now=when)
    assert _agree(p, at(2026, 6, 1)) is on_time


def test_a_row_from_before_the_lifecycle_has_no_limits(world):
    from tests.world import receive

    d = receive(world, now=at(2026, 3, 2, 9))
    old = Petition.objects.create(dossier=d, agency=world.counter, text="Chậm", received_at=at(2026, 3, 3, 9))
    assert _agree(old, at(2027, 1, 1)) is True
    assert Petition.objects.filter(rules.satisfied_q(at(2027, 1, 1)), pk=old.pk).exists()
