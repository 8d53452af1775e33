"""A period before the 2025 reform read by the units in force today: each ended commune's rows
count for its successor (the successor links are data); the totals do not change."""
import datetime as dt

import pytest

from reporting import reports
from reporting.periods import Period
from tests import factories as f
from tests.world import at, receive

pytestmark = pytest.mark.django_db
REFORM = dt.date(2025, 7, 1)


def test_rows_of_ended_communes_roll_into_their_successor(world):
    w = world
    for unit in (w.district, w.commune, w.other_commune):
        unit.valid_to = REFORM
        unit.save(update_fields=["valid_to"])
    merged = f.unit("Bình Lư", "commune", parent=w.province, code="03999", valid_from=REFORM)
    w.commune.successors.add(merged)
    w.other_commune.successors.add(merged)
    receive(w, now=at(2025, 3, 3, 9))
    receive(w, now=at(2025, 3, 4, 9))
    receive(w, now=at(2025, 3, 5, 9), clerk=w.other_clerk, agency=w.other_counter)
    march = Period.of("month", 2025, 3)

    as_then = reports.build(w.province, march, now=at(2025, 3, 31, 17))
    as_now = reports.build(w.province, march, now=at(2025, 3, 31, 17), by_successor=True)
    assert sorted((r["unit_id"], r["total"]) for r in as_then.rows) == sorted(
        [(w.commune.pk, 2), (w.other_commune.pk, 1)])
    assert [(r["unit_id"], r["unit_name"], r["total"]) for r in as_now.rows] == [(merged.pk, "Bình Lư", 3)]
    assert as_now.totals == as_then.totals
    assert reports.successor_map([w.commune.pk, w.province.pk]) == {w.commune.pk: merged.pk}
