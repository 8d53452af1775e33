"""Figures keyed by procedure keep the versions of one national code apart."""
import datetime as dt

import pytest

from procedures.models import ProcedureStep
from procedures.versions import publish_new_version
from reporting import metrics
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_late_steps_by_step_are_named_from_their_own_version():
    old = f.procedure(code="1.000001", steps=[("Thẩm định", 0, "justice", "specialist", 60),
                                             ("Ký", 0, "people_committee", "leader", 40)])
    new = publish_new_version(old, dt.date(2025, 7, 1))
    ProcedureStep.objects.filter(procedure=new, order=1).update(name="Thẩm định và xác minh")
    key = {"process__dossier__procedure__code": "1.000001", "process__dossier__procedure__name": old.name,
           "step_index": 0, "steps": 1, "late_steps": 1, "over_seconds": 3600}
    rows = metrics.finish_attribution([{**key, "process__dossier__procedure_id": old.pk},
                                       {**key, "process__dossier__procedure_id": new.pk}], "step")
    assert [r["step_name"] for r in rows] == ["Thẩm định", "Thẩm định và xác minh"]


def test_the_audit_filter_lists_every_version_with_its_start(world):
    from onestop.oversight.forms import _version_label

    old = world.commune_proc
    new = publish_new_version(old, dt.date(2025, 7, 1))
    assert _version_label(new) == f"{new} (hiệu lực từ 01/07/2025)"
    assert old.valid_from is None and _version_label(old) == str(old)  # the first version: no date to add
