"""The same procedure code received on 30/6/2025 and on 1/7/2025 follows the old and the new rules:
its version (time limit, and the supplement time), its form set, its code, the units it may go to, and
how the applicant ends it early."""
import datetime as dt

import pytest

from documents.render import form_of
from procedures.versions import publish_new_version
from tests import factories as f
from tests.world import at
from workflows import codes, frames, services
from workflows.errors import InvalidInput
from workflows.statuses import Status

pytestmark = pytest.mark.django_db

REFORM = dt.date(2025, 7, 1)


@pytest.fixture
def versions(commune_b):
    w = commune_b
    w.old_proc = w.commune_proc
    w.old_proc.boundless_receipt = False  # the 2018 version: each commune received its own
    w.old_proc.save(update_fields=["boundless_receipt"])
    w.new_proc = publish_new_version(w.old_proc, REFORM, time_limit_value=2, boundless_receipt=True,
                                     supplement_days=5)
    return w


def _receive(w, procedure, now, unit=None):
    return services.receive(
        actor=w.clerk, procedure=procedure, agency=w.counter, applicant=services.Applicant(name="Lò Văn Thành"),
        document_ids=[d.pk for d in procedure.documents.filter(is_mandatory=True)], competent_unit=unit, now=now,
    ).dossier


def test_the_day_before_and_the_day_of_the_reform(versions):
    w = versions
    old = _receive(w, w.old_proc, at(2025, 6, 30, 9))
    new = _receive(w, w.new_proc, at(2025, 7, 1, 9))  # Tuesday; the old one Monday

    assert (frames.frame_of(old), frames.frame_of(new)) == (frames.FRAME_2018, frames.FRAME_2025)
    # time limit: 3 working days from Monday 9:00, 2 from Tuesday 9:00 — both end on Thursday 9:00
    assert old.due_at == at(2025, 7, 3, 9) and new.due_at == at(2025, 7, 3, 9)
    assert (old.procedure_id, new.procedure_id) == (w.old_proc.pk, w.new_proc.pk)
    # forms: the 2018 set has no stop notice, the 2025 set does; each receipt cites its own circular
    assert form_of("stop_notice", old) is None and form_of("stop_notice", new) is not None
    assert "01/2018" in form_of("receipt", old).basis and "03/2025" in form_of("receipt", new).basis
    # codes: the agency's identifier, the receipt day, the day's sequence of at least four digits
    assert old.code == "000.01.06.H29-250630-0001" and new.code == "000.01.06.H29-250701-0001"
    assert codes.SEQUENCE_MIN_DIGITS == 4
    # ending early: withdrawal before, a stop at the applicant's request after
    assert services.withdraw(old, actor=w.clerk, reason="Rút", now=at(2025, 7, 2, 9)).status == Status.WITHDRAWN
    assert services.stop(new, actor=w.clerk, reason="Dừng", now=at(2025, 7, 2, 9)).status == Status.STOPPED


def test_units_another_commune_is_refused_before_and_accepted_after(versions):
    w = versions
    with pytest.raises(InvalidInput):
        _receive(w, w.old_proc, at(2025, 6, 30, 9), unit=w.other_commune)
    assert _receive(w, w.new_proc, at(2025, 7, 1, 9), unit=w.other_commune).competent_unit == w.other_commune


def test_units_a_unit_gone_at_the_reform_can_no_longer_be_competent(versions):
    w = versions
    gone = f.unit("Xã đã sáp nhập", "commune", parent=w.district, code="03433", valid_to=REFORM)
    with pytest.raises(InvalidInput):
        _receive(w, w.new_proc, at(2025, 7, 1, 9), unit=gone)


def test_the_supplement_time_comes_with_the_new_version_and_rules(versions):
    w = versions
    old = services.request_supplement(_receive(w, w.old_proc, at(2025, 6, 30, 9)), actor=w.specialist,
                                      items=["Tờ khai"], now=at(2025, 6, 30, 10))
    new = services.request_supplement(_receive(w, w.new_proc, at(2025, 7, 1, 9)), actor=w.specialist,
                                      items=["Tờ khai"], now=at(2025, 7, 1, 10))
    assert old.supplement_due_at is None
    assert new.supplement_due_at == at(2025, 7, 8, 10)
