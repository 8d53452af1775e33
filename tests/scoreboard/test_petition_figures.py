"""QĐ 766 indicators 5.2 and 5.3 on a hand-built May 2026, each petition judged by hand.

Petitions received Monday 4/5 09:00 at the commune counter: refuse by Wed 6/5 09:00 (2 working
days), handle by Mon 25/5 09:00 (15: 5–8, 11–15, 18–22, 25/5); an answer on Wed 20/5 09:00 is to
be published by Fri 22/5 09:00. Pending petitions are judged at the month's end.

| petition | what happened | 5.2 on time | 5.3 satisfied |
|---|---|---|---|
| A | answered 20/5, published 21/5 | yes | yes |
| B | refused Thu 7/5 09:00, a day past its limit | no | no |
| C | answered and published on time, the petitioner disliked the answer | yes | no |
| D | answered and published on time, raised again by E | yes | no |
| E | received 25/5, raises D again, pending (due in June) | yes | yes |
| F | never answered, its limit (25/5) past at the month's end | no | no |
| G | received 30/4: April's, not May's | – | – |

5.2 = 6 × 4/6 = 4.00; 5.3 = 6 × 2/6 = 2.00. June has no petitions: both full marks (6.00).
"""
from decimal import Decimal

import pytest

from petitions import services
from petitions.models import Petition
from reporting.periods import Period
from scoreboard import progress, score
from tests.world import at

pytestmark = pytest.mark.django_db
MAY, JUNE = Period.of("month", 2026, 5), Period.of("month", 2026, 6)


def _received(world, text, when=None):
    return services.receive(text=text, agency=world.counter, channel="public", petitioner_name="An",
                            petitioner_contact="0912345678", now=when or at(2026, 5, 4, 9))


def _answered_and_published(world, text):
    p = services.answer(_received(world, text), actor=world.clerk, answer="Đã xử lý", now=at(2026, 5, 20, 9))
    return services.publish(p, actor=world.clerk, now=at(2026, 5, 21, 9))


def _may(world):
    _answered_and_published(world, "A")
    services.refuse(_received(world, "B"), actor=world.clerk, reason="Nặc danh", now=at(2026, 5, 7, 9))
    services.record_dislike(_answered_and_published(world, "C"), actor=world.clerk, now=at(2026, 5, 22, 9))
    d = _answered_and_published(world, "D")
    services.receive(text="E", agency=world.counter, channel="public", petitioner_name="An",
                     petitioner_contact="0912345678", re_raised_from=d, now=at(2026, 5, 25, 9))
    _received(world, "F")
    _received(world, "G", at(2026, 4, 30, 9))


def test_petitions_handled_on_time_and_satisfied_in_may(world, django_assert_num_queries):
    _may(world)
    with django_assert_num_queries(1):
        figures = progress.petition_figures(MAY)
    assert (figures["5.2"].numerator, figures["5.2"].denominator) == (4, 6)
    assert (figures["5.3"].numerator, figures["5.3"].denominator) == (2, 6)
    assert figures["5.2"].points == Decimal("4.00")
    assert figures["5.3"].points == Decimal("2.00")


def test_petitions_by_classification_are_tracked(world):
    _may(world)
    services.classify(Petition.objects.get(text="F"), actor=world.clerk, classification="conduct")
    assert progress.petitions_by_class(MAY) == {"": 5, "conduct": 1}


def test_no_petitions_is_full_marks(world):
    _may(world)
    figures = progress.petition_figures(JUNE)
    assert (figures["5.2"].denominator, figures["5.2"].points) == (0, Decimal("6.00"))
    assert (figures["5.3"].denominator, figures["5.3"].points) == (0, Decimal("6.00"))


def test_the_score_has_the_petition_lines(world):
    _may(world)
    by_id = {line.id: line for line in score.lines(MAY)}
    assert (by_id["5.2"].numerator, by_id["5.2"].denominator, by_id["5.2"].points) == (4, 6, Decimal("4.00"))
    assert (by_id["5.3"].numerator, by_id["5.3"].denominator, by_id["5.3"].points) == (2, 6, Decimal("2.00"))
    assert by_id["5.3"].lost == Decimal("4.00")
