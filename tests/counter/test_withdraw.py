"""Rút hồ sơ at the counter: a confirmation screen with the reason, through services.withdraw.

Withdrawal is the 2018 rules' way (NĐ 61/2018): these dossiers are received before 1 July 2025.
Under the 2025 rules the applicant asks to stop handling instead (tests/counter/test_stop.py).
"""
import pytest
from django.urls import reverse

from tests import factories as f
from tests.counter.conftest import result_ready, submit_online
from tests.world import at, receive
from workflows import services
from workflows.models import Dossier, DossierEvent, WorkItem
from workflows.statuses import Status

pytestmark = pytest.mark.django_db
OLD = at(2025, 6, 2, 9)  # a Monday under the 2018 rules


def url(name, dossier):
    return reverse(f"counter:{name}", args=[dossier.pk])


def open_items(dossier):
    return WorkItem.objects.filter(process_id=dossier.process_id, status__in=("NEW", "ASSIGNED"))


def test_a_clerk_withdraws_a_dossier_being_processed(clerk_client, world, frozen_now):
    dossier = services.start_processing(receive(world, now=OLD), actor=world.specialist)
    task = open_items(dossier).get()
    page = clerk_client.get(url("dossier", dossier)).content.decode()
    assert url("withdraw", dossier) in page
    screen = clerk_client.get(url("withdraw", dossier))
    assert screen.status_code == 200
    assert f'name="version" value="{dossier.event_count}"' in screen.content.decode()

    response = clerk_client.post(url("withdraw", dossier), {"version": dossier.event_count,
                                                            "reason": "Công dân đổi ý, có đơn đề nghị"})
    assert response.status_code == 302 and response["Location"] == url("dossier", dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN and dossier.closed_at is not None
    event = DossierEvent.objects.filter(dossier=dossier).latest("seq")
    assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
        "withdraw", world.clerk, Status.PROCESSING, Status.WITHDRAWN, "Công dân đổi ý, có đơn đề nghị")
    assert not open_items(dossier).exists()
    task.refresh_from_db()
    assert task.status == "CANCELED"
    after = clerk_client.get(url("dossier", dossier)).content.decode()
    assert "Đã ghi nhận công dân rút hồ sơ" in after and dossier.code in after
    assert url("withdraw", dossier) not in after  # nothing left to withdraw


def test_an_online_submission_can_be_withdrawn_before_it_is_accepted(clerk_client, world):
    online = submit_online(world)
    response = clerk_client.post(url("withdraw", online), {"version": online.event_count, "reason": "Nộp nhầm"})
    assert response.status_code == 302
    online.refresh_from_db()
    assert online.status == Status.WITHDRAWN and not open_items(online).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_withdrawing_without_a_reason_is_a_form_error(clerk_client, world, reason, frozen_now):
    dossier = receive(world, now=OLD)
    response = clerk_client.post(url("withdraw", dossier), {"version": dossier.event_count, "reason": reason})
    assert response.status_code == 400  # the counter's convention for form errors (shared.perform_action)
    assert "Cần ghi lý do rút hồ sơ." in response.content.decode()
    assert response.context["form"].errors["reason"]
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status == Status.RECEIVED and fresh.event_count == dossier.event_count
    assert open_items(dossier).count() == 1


def test_a_stale_withdrawal_gets_a_clear_message_and_keeps_the_reason(clerk_client, world, frozen_now):
    dossier = receive(world, now=OLD)
    seen = dossier.event_count
    services.start_processing(dossier, actor=world.specialist)  # someone acted since the screen was drawn
    response = clerk_client.post(url("withdraw", dossier), {"version": seen, "reason": "Lý do rất dài của công dân"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được người khác cập nhật" in page and "Lý do rất dài của công dân" in page
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert f'name="version" value="{fresh.event_count}"' in page  # resubmitting acts on the dossier as it is now
    assert fresh.status == Status.PROCESSING
    assert not DossierEvent.objects.filter(dossier=dossier, action="withdraw").exists()


def test_another_agencys_clerk_cannot_withdraw(client, world, frozen_now):
    dossier = receive(world, now=OLD)
    client.force_login(world.other_clerk)
    assert client.get(url("withdraw", dossier)).status_code == 404
    assert client.post(url("withdraw", dossier), {"version": dossier.event_count, "reason": "x"}).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_a_clerk_who_sees_the_dossier_but_not_at_its_counter_is_forbidden(client, world, frozen_now):
    # A clerk of the agency holding the current step sees the dossier, but only the receiving
    # counter records a withdrawal.
    outsider = f.user("justice_clerk", "clerk", [world.justice])
    dossier = receive(world, now=OLD)
    client.force_login(outsider)
    page = client.get(url("dossier", dossier))
    assert page.status_code == 200 and url("withdraw", dossier) not in page.content.decode()
    assert client.get(url("withdraw", dossier)).status_code == 403
    response = client.post(url("withdraw", dossier), {"version": dossier.event_count, "reason": "x"})
    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_a_specialist_cannot_use_the_counters_withdrawal(client, world, frozen_now):
    dossier = receive(world, now=OLD)
    client.force_login(world.specialist)
    assert client.post(url("withdraw", dossier), {"version": dossier.event_count, "reason": "x"}).status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_a_returned_dossier_cannot_be_withdrawn(clerk_client, world, frozen_now):
    dossier = result_ready(world, now=OLD)
    dossier = services.return_result(dossier, actor=world.clerk, collected_by="Nguyễn Văn An")
    page = clerk_client.get(url("dossier", dossier))
    assert page.context["can_withdraw"] is False
    assert url("withdraw", dossier) not in page.content.decode()
    screen = clerk_client.get(url("withdraw", dossier))
    assert screen.status_code == 409 and 'name="reason"' not in screen.content.decode()
    response = clerk_client.post(url("withdraw", dossier), {"version": dossier.event_count, "reason": "Muộn"})
    assert response.status_code == 409 and "không hợp lệ với trạng thái" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED
    assert not DossierEvent.objects.filter(dossier=dossier, action="withdraw").exists()


def test_a_garbled_version_is_a_bad_request(clerk_client, world, frozen_now):
    dossier = receive(world, now=OLD)
    response = clerk_client.post(url("withdraw", dossier), {"version": "abc", "reason": "x"})
    assert response.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
