"""A supplement not brought within the procedure's days ends the dossier with a stop notice (the 2025
rules; `Procedure.supplement_days`); the 2018 rules leave it waiting."""
import pytest

from documents.render import render_form
from notifications.models import Notification
from tests.documents.conftest import pdf_text
from tests.world import at, receive
from workflows import services
from workflows.errors import TransitionNotAllowed
from workflows.models import Dossier, StopReason, WorkItem
from workflows.statuses import NATIONAL_STATUS_CODE, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_days(world):
    world.commune_proc.supplement_days = 5
    world.commune_proc.save(update_fields=["supplement_days"])
    return world


MONDAY_9, MONDAY_11 = at(2026, 3, 2, 9), at(2026, 3, 2, 11)


def _awaiting(w, received=MONDAY_9, requested=MONDAY_11):
    d = receive(w, now=received)
    d = services.start_processing(d, actor=w.specialist, now=requested)
    return services.request_supplement(d, actor=w.specialist, items=["Tờ khai có chữ ký"], now=requested)


def test_the_request_sets_the_applicants_time_in_working_days(five_days):
    d = _awaiting(five_days)  # Monday 11:00: five working days later is the next Monday 11:00
    assert d.supplement_due_at == at(2026, 3, 9, 11)
    assert d.events.latest("seq").data["supplement_due_at"] == at(2026, 3, 9, 11).isoformat()


def test_past_the_time_the_dossier_is_stopped_once_with_a_notice(five_days, django_capture_on_commit_callbacks):
    d = _awaiting(five_days)
    with pytest.raises(TransitionNotAllowed):
        services.expire_supplement(d, now=at(2026, 3, 9, 10, 59))
    assert services.expire_due_supplements(now=at(2026, 3, 9, 10, 59)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_due_supplements(now=at(2026, 3, 9, 11, 30)) == 1
    d = Dossier.objects.get(pk=d.pk)
    assert (d.status, d.stop_reason) == (Status.STOPPED, StopReason.SUPPLEMENT_EXPIRED)
    assert d.closed_at == at(2026, 3, 9, 11, 30)
    assert NATIONAL_STATUS_CODE[d.status] == 8
    assert not WorkItem.objects.open_for(d).exists()
    event = d.events.latest("seq")
    assert (event.action, event.actor, event.from_status) == ("expire_supplement", None, Status.AWAITING_SUPPLEMENT)
    sms = Notification.objects.get(dossier=d, event=event, channel="sms")
    assert "quá thời hạn bổ sung hồ sơ" in sms.body and "09/03/2026 11:00" in sms.body
    assert services.expire_due_supplements(now=at(2026, 3, 20, 9)) == 0  # nothing left to stop

    _, text = pdf_text(render_form("stop_notice", d))
    assert "THÔNG BÁO" in text.upper() and d.code in text
    assert "Quá thời hạn bổ sung hồ sơ" in text and "Tờ khai có chữ ký" in text


def test_a_supplement_brought_in_time_clears_the_time(five_days):
    w = five_days
    d = services.supplement_received(_awaiting(w), actor=w.clerk, note="Đã nộp", now=at(2026, 3, 5, 9))
    assert d.supplement_due_at is None
    assert services.expire_due_supplements(now=at(2026, 3, 20, 9)) == 0
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_no_time_without_the_procedures_days_nor_under_the_2018_rules(world, five_days):
    old = _awaiting(world, received=at(2025, 6, 30, 9), requested=at(2025, 6, 30, 11))
    assert old.supplement_due_at is None
    world.commune_proc.supplement_days = None
    world.commune_proc.save(update_fields=["supplement_days"])
    new = _awaiting(world)
    assert new.supplement_due_at is None
    assert services.expire_due_supplements(now=at(2027, 1, 4, 9)) == 0
    assert set(Dossier.objects.values_list("status", flat=True)) == {Status.AWAITING_SUPPLEMENT}
