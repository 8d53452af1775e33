"""Step times from the province's approved internal process: a step with its own time (working days
or hours) gets it; the others share what is left of the limit by their percentages."""
import datetime as dt
from decimal import Decimal

import pytest

from procedures import catalog_io
from procedures.models import ProcedureStep
from tests.world import at, receive
from workflows import deadlines

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(hours=8)


def test_own_times_first_and_shares_of_the_rest():
    plan = [{"share": "20", "duration": "0.5", "duration_unit": "working_days"},
            {"share": "60"}, {"share": "20"}, {"share": "0", "duration": "2", "duration_unit": "working_hours"}]
    deadlines.allot_steps(plan, 3 * DAY, DAY)  # 24 h: 4 h + 2 h fixed, 18 h shared 60:20
    assert [s["allotted"] for s in plan] == [4 * 3600, int(18 * 3600 * 0.75), int(18 * 3600 * 0.25), 2 * 3600]


def test_without_own_times_the_shares_are_of_the_whole_limit():
    plan = [{"share": "70"}, {"share": "30"}]
    deadlines.allot_steps(plan, 3 * DAY, DAY)
    assert [s["allotted"] for s in plan] == [60480, 25920]  # 70 % and 30 % of 24 working hours


def test_a_received_dossier_pins_the_internal_process_times(world):
    ProcedureStep.objects.filter(procedure=world.commune_proc, order=2).update(
        duration_value=Decimal("4"), duration_unit="working_hours")
    d = receive(world, now=at(2026, 3, 2, 9))
    assert d.plan[1]["duration"] == "4.00" and d.plan[1]["allotted"] == 4 * 3600
    total = sum(s["allotted"] for s in d.plan)
    assert d.plan[0]["allotted"] == total - 4 * 3600


def test_the_catalog_reads_a_step_time_and_names_a_bad_one(world):
    kinds = {"justice": world.justice.kind_id, "people_committee": world.pc.kind_id}
    errors = catalog_io._RowErrors()
    steps = catalog_io._steps("Thẩm định | 0 | justice | specialist | 70 | 2,5 ngày\n"
                              "Ký | 0 | people_committee | leader | 30", 2, errors, kinds)
    assert steps[0][5:] == (Decimal("2.5"), "working_days") and steps[1][5:] == (None, "") and not errors
    catalog_io._steps("Ký | 0 | people_committee | leader | 30 | 3 tuần", 3, errors, kinds)
    assert errors == ["Dòng 3, cột steps: “Ký”: thời gian “3 tuần” không đúng dạng “<số> working_days” hoặc "
                      "“<số> working_hours” (hay “<số> ngày”, “<số> giờ”)"]
