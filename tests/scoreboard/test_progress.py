"""Indicator 2.1 on a hand-built March 2026, each dossier judged by hand with the portal's rule.

The commune procedure has 3 working days: received Monday 2/3 09:00 → appointment Thursday 5/3 09:00.
"""
from decimal import Decimal

import pytest

from reporting.periods import Period
from scoreboard import progress
from tests.world import at, receive
from workflows import services

pytestmark = pytest.mark.django_db
MARCH = Period.of("month", 2026, 3)


def _decided(world, d, when):
    d = services.complete_step(d, actor=world.specialist, now=when)
    return services.decide(d, actor=world.leader, outcome="granted", now=when)


def _started(world):
    d = receive(world, now=at(2026, 3, 2, 9))
    return services.start_processing(d, actor=world.specialist, now=at(2026, 3, 2, 10))


def _supplement(world, d, asked, received):
    d = services.request_supplement(d, actor=world.specialist, items=["Tờ khai"], now=asked)
    return services.supplement_received(d, actor=world.clerk, now=received)


def test_a_month_of_four_dossiers(world, django_assert_num_queries):
    # decided on the 3rd: on time
    _decided(world, _started(world), at(2026, 3, 3, 10))
    # one supplement (a day's wait, subtracted), decided before the appointment: on time
    once = _supplement(world, _started(world), at(2026, 3, 3, 9), at(2026, 3, 4, 9))
    _decided(world, once, at(2026, 3, 5, 8))
    # two supplement requests: late whatever the dates
    twice = _supplement(world, _started(world), at(2026, 3, 2, 14), at(2026, 3, 2, 15))
    twice = _supplement(world, twice, at(2026, 3, 2, 16), at(2026, 3, 3, 8))
    _decided(world, twice, at(2026, 3, 3, 9))
    # still pending at the month's end, far past its appointment: late
    _started(world)

    with django_assert_num_queries(2):
        figure = progress.on_time(MARCH)
    assert (figure.numerator, figure.denominator) == (2, 4)
    assert figure.points == Decimal("10.00")  # 20 × 2/4


def test_a_dossier_ended_before_the_month_is_not_in_it(world):
    _decided(world, _started(world), at(2026, 3, 3, 10))
    assert progress.on_time(Period.of("month", 2026, 4)).denominator == 0
    assert progress.on_time(Period.of("month", 2026, 4)).points is None
