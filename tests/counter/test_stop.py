"""Dừng giải quyết at the counter (NĐ 118/2025 Art. 21): the 2025 rules' way for the applicant to end handling."""
import pytest
from django.urls import reverse

from tests.counter.conftest import result_ready
from tests.world import at, receive
from workflows import services
from workflows.models import Dossier, DossierEvent, WorkItem
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def url(name, dossier):
    return reverse(f"counter:{name}", args=[dossier.pk])


def test_a_clerk_stops_a_dossier_being_processed_at_the_applicants_request(clerk_client, world, frozen_now):
    dossier = services.start_processing(receive(world, now=frozen_now), actor=world.specialist)
    page = clerk_client.get(url("dossier", dossier)).content.decode()
    assert url("stop", dossier) in page and url("withdraw", dossier) not in page  # the 2025 rules
    screen = clerk_client.get(url("stop", dossier))
    assert screen.status_code == 200 and "Điều 21 Nghị định 118/2025/NĐ-CP" in screen.content.decode()
    response = clerk_client.post(url("stop", dossier), {"version": dossier.event_count, "channel": "online",
                                                        "reason": "Đề nghị dừng qua Cổng Dịch vụ công"})
    assert response.status_code == 302 and response["Location"] == url("dossier", dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED and dossier.closed_at is not None
    event = DossierEvent.objects.filter(dossier=dossier).latest("seq")
    assert (event.action, event.actor, event.data, event.note) == (
        "stop", world.clerk, {"channel": "online"}, "Đề nghị dừng qua Cổng Dịch vụ công")
    assert not WorkItem.objects.open_for(dossier).exists()
    after = clerk_client.get(url("dossier", dossier)).content.decode()
    assert "Đã dừng giải quyết hồ sơ" in after and url("stop", dossier) not in after


def test_a_dossier_received_before_the_reform_offers_withdrawal_not_a_stop(clerk_client, world):
    dossier = receive(world, now=at(2025, 6, 30, 9))
    page = clerk_client.get(url("dossier", dossier)).content.decode()
    assert url("withdraw", dossier) in page and url("stop", dossier) not in page
    assert clerk_client.get(url("stop", dossier)).status_code == 409


def test_a_stop_after_the_decision_is_refused_and_a_missing_reason_is_a_form_error(clerk_client, world, frozen_now):
    decided = result_ready(world, now=frozen_now)
    assert clerk_client.get(url("stop", decided)).status_code == 409
    response = clerk_client.post(url("stop", decided), {"version": decided.event_count, "channel": "counter",
                                                        "reason": "Muộn"})
    assert response.status_code == 409 and Dossier.objects.get(pk=decided.pk).status == Status.RESULT_READY
    open_one = receive(world, now=frozen_now)
    response = clerk_client.post(url("stop", open_one), {"version": open_one.event_count, "channel": "counter",
                                                         "reason": " "})
    assert response.status_code == 400 and "Cần ghi lý do đề nghị dừng giải quyết." in response.content.decode()
    assert Dossier.objects.get(pk=open_one.pk).status == Status.RECEIVED


def test_another_agencys_clerk_cannot_stop(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.other_clerk)
    assert client.post(url("stop", dossier), {"version": dossier.event_count, "channel": "counter",
                                              "reason": "x"}).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_the_counter_records_a_financial_obligation_met(clerk_client, world, frozen_now):
    dossier = services.start_processing(receive(world, now=frozen_now), actor=world.specialist)
    dossier = services.request_payment(dossier, actor=world.specialist, obligation="Lệ phí trước bạ")
    page = clerk_client.get(url("dossier", dossier)).content.decode()
    assert url("payment_received", dossier) in page
    response = clerk_client.post(url("payment_received", dossier), {"version": dossier.event_count,
                                                                    "note": "Biên lai số 7"})
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
