"""Indicator 2.1 on a hand-built March 2026, each dossier judged by hand with the portal's rule.

The commune procedure has 3 working days: received Monday 2/3 09:00 → appointment Thursday 5/3 09:00.
"""
from decimal import Decimal

import pytest

from petitions.models import Petition
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
    twice = _decided(world, twice, at(2026, 3, 3, 9))
    # still pending at the month's end, far past its appointment: late
    _started(world)
    Petition.objects.create(dossier=once, text="Chờ lâu", received_at=at(2026, 3, 6, 9))

    with django_assert_num_queries(3):
        figure = progress.on_time(MARCH)
    assert (figure.numerator, figure.denominator) == (2, 4)
    assert figure.points == Decimal("10.00")  # 20 × 2/4

    # 5.4: 100% − (2 late + 1 with a petition) / 4 = 25%, below 90% → 6 × 0.25 / 0.9
    with django_assert_num_queries(4):
        mood = progress.satisfaction(MARCH)
    assert (mood.total, mood.late, mood.petition_or_dislike, mood.rate) == (4, 2, 1, Decimal("0.25"))
    assert mood.points == (Decimal(6) * Decimal("0.25") / Decimal("0.9")).quantize(Decimal("0.01"))


def test_a_dossier_ended_before_the_month_is_not_in_it(world):
    _decided(world, _started(world), at(2026, 3, 3, 10))
    assert progress.on_time(Period.of("month", 2026, 4)).denominator == 0
    assert progress.on_time(Period.of("month", 2026, 4)).points is None


def test_the_score_command_prints_each_indicator_and_refuses_a_bad_month(world, django_assert_num_queries):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from scoreboard import score

    _decided(world, _started(world), at(2026, 3, 3, 10))
    with django_assert_num_queries(6):  # live figures 2; 2.1 counts + candidates 2 (none: no events read);
        score.lines(MARCH)  # 5.2 and 5.3 1; 5.4 marks 1
    out = StringIO()
    call_command("qd766_score", "--month", "2026-03", stdout=out)
    text = out.getvalue()
    assert "2.1   Hồ sơ xử lý trước và đúng hạn: 1/1 → 20.00/20 (mất 0.00)" in text
    assert "1.4   Hồ sơ đồng bộ lên Cổng DVCQG: 0/1 → 0.00/6 (mất 6.00)" in text
    assert "1.1   Công bố thủ tục đúng hạn: không đủ dữ liệu (/6)" in text
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("qd766_score", "--month", "2026-13", stdout=StringIO())
