"""Counter actions on an existing dossier: accept or refuse online, supplements, return, forms."""
import pytest
from django.test import Client
from django.urls import reverse

from petitions import services as petition_services
from tests.counter.conftest import result_ready, submit_online
from tests.world import at, receive
from workflows import services
from workflows.models import Dossier
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def url(name, dossier, *args):
    return reverse(f"counter:{name}", args=[dossier.pk, *args])


def test_a_clerk_accepts_an_online_submission(clerk_client, world):
    online = submit_online(world)
    page = clerk_client.get(url("dossier", online)).content.decode()
    assert url("accept", online) in page and f'name="version" value="{online.event_count}"' in page
    response = clerk_client.post(url("accept", online), {"version": online.event_count, "note": "Đủ giấy tờ"})
    assert response["Location"] == url("dossier", online)
    online.refresh_from_db()
    assert online.status == Status.RECEIVED and online.due_at is not None


def test_a_clerk_refuses_an_online_submission_only_with_reasons(clerk_client, world):
    online = submit_online(world)
    missing = clerk_client.post(url("refuse", online), {"version": online.event_count, "reasons": ""})
    assert missing.status_code == 400
    clerk_client.post(url("refuse", online), {"version": online.event_count, "reasons": "Sai thẩm quyền"})
    online.refresh_from_db()
    assert online.status == Status.REFUSED and online.outcome_reasons == "Sai thẩm quyền"


def test_a_clerk_records_the_supplement_received(clerk_client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    dossier = services.request_supplement(dossier, actor=world.specialist, items=["Bản sao CCCD"])
    assert "Đã nhận đủ hồ sơ bổ sung" in clerk_client.get(url("dossier", dossier)).content.decode()
    clerk_client.post(url("supplement_received", dossier), {"version": dossier.event_count, "note": "Bản sao CCCD"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_returning_a_result_records_who_collected_it_and_when(clerk_client, world, frozen_now):
    dossier = result_ready(world, now=frozen_now)
    page = clerk_client.get(url("dossier", dossier)).content.decode()
    assert 'value="Nguyễn Văn An"' in page and "autofocus" in page
    response = clerk_client.post(url("return", dossier), {"version": dossier.event_count, "collected_by": "Lò Văn Ba",
                                                          "note": "Nhận thay, có giấy ủy quyền"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.collected_by == "Lò Văn Ba"
    assert dossier.returned_at == frozen_now
    assert "Lò Văn Ba" in clerk_client.get(url("dossier", dossier)).content.decode()


def test_returning_without_a_collector_is_a_form_error(clerk_client, world, frozen_now):
    dossier = result_ready(world, now=frozen_now)
    response = clerk_client.post(url("return", dossier), {"version": dossier.event_count, "collected_by": ""})
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


def test_a_return_another_clerk_made_first_gets_a_clear_message_and_no_stale_form(clerk_client, world, frozen_now):
    dossier = result_ready(world, now=frozen_now)
    seen = dossier.event_count
    other = Client()
    other.force_login(world.clerk2)
    other.post(url("return", dossier), {"version": seen, "collected_by": "Người thứ nhất"})
    response = clerk_client.post(url("return", dossier), {"version": seen, "collected_by": "Người thứ hai",
                                                          "note": "ghi chú của tôi"})
    # POST, redirect, GET: the message on the fresh page, which offers no return any more
    assert response.status_code == 302 and response["Location"] == url("dossier", dossier)
    page = clerk_client.get(response["Location"]).content.decode()
    assert "vừa được người khác cập nhật" in page
    assert url("return", dossier) not in page and "Người thứ nhất" in page
    assert Dossier.objects.get(pk=dossier.pk).collected_by == "Người thứ nhất"


def test_a_stale_form_whose_action_is_still_valid_keeps_the_input(clerk_client, world, frozen_now):
    dossier = result_ready(world, now=frozen_now)
    seen = dossier.event_count
    # status unchanged
    dossier = petition_services.record_complaint(dossier, actor=world.clerk2, text="Chờ lâu").dossier
    assert dossier.event_count > seen and dossier.status == Status.RESULT_READY
    response = clerk_client.post(url("return", dossier), {"version": seen, "collected_by": "Người thứ hai",
                                                          "note": "ghi chú của tôi"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Người thứ hai" in page and "ghi chú của tôi" in page
    assert f'name="version" value="{dossier.event_count}"' in page


def test_a_garbled_version_is_a_bad_request_not_an_error_page(clerk_client, world, frozen_now):
    dossier = result_ready(world, now=frozen_now)
    response = clerk_client.post(url("return", dossier), {"version": "abc", "collected_by": "A"})
    assert response.status_code == 400


def test_an_action_not_allowed_in_the_current_status_is_a_conflict_with_a_message(clerk_client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    response = clerk_client.post(url("return", dossier), {"version": dossier.event_count, "collected_by": "A"},
                                 follow=True)
    assert response.redirect_chain == [(url("dossier", dossier), 302)]
    assert "không hợp lệ với trạng thái" in response.content.decode()


def test_another_agencys_dossier_is_not_found(client, world, frozen_now):
    dossier = result_ready(world, now=frozen_now)
    client.force_login(world.other_clerk)
    assert client.get(url("dossier", dossier)).status_code == 404
    assert client.get(url("receipt", dossier)).status_code == 404
    assert client.get(url("form", dossier, "receipt")).status_code == 404
    assert client.post(url("return", dossier), {"version": dossier.event_count, "collected_by": "X"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


def test_a_late_return_shows_the_apology_that_was_issued(clerk_client, world, fake_documents):
    dossier = receive(world, now=at(2026, 3, 2, 9))
    dossier = services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 2, 10))
    dossier = services.extend(dossier, actor=world.leader, new_due_at=at(2026, 3, 10, 16),
                              reason="Cần xác minh thêm tại thôn", now=at(2026, 3, 3, 9))
    dossier = services.decide(dossier, actor=world.leader, outcome="granted", now=at(2026, 3, 9, 9))
    clerk_client.post(url("return", dossier), {"version": dossier.event_count, "collected_by": "Nguyễn Văn An"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    response = clerk_client.get(url("dossier", dossier))
    page = response.content.decode()
    assert response.context["resolved_late"] is True  # decided 9/3, after the legal due time 5/3
    assert "Phiếu xin lỗi và hẹn lại ngày trả kết quả đã phát hành" in page
    assert "Cần xác minh thêm tại thôn" in page and "16:00 10/03/2026" in page
    assert url("form", dossier, "apology") in page
    assert clerk_client.get(url("form", dossier, "apology")).status_code == 200
    assert fake_documents[-1] == ("apology", dossier.pk, None)


def test_an_unknown_form_is_not_found(clerk_client, world, fake_documents, frozen_now):
    dossier = receive(world, now=frozen_now)
    assert clerk_client.get(url("form", dossier, "passport")).status_code == 404
    assert fake_documents == []


def test_the_tracking_book_is_served_for_a_valid_range(clerk_client, world, fake_documents):
    response = clerk_client.get(reverse("counter:tracking_book"), {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    import datetime as dt

    assert fake_documents == [("tracking_book", world.counter.pk, dt.date(2026, 3, 1), dt.date(2026, 3, 31))]


def test_a_bad_tracking_book_range_is_a_bad_request(clerk_client, world, fake_documents):
    assert clerk_client.get(reverse("counter:tracking_book"), {"from": "hôm qua"}).status_code == 400
    backwards = {"from": "2026-03-31", "to": "2026-03-01"}
    assert clerk_client.get(reverse("counter:tracking_book"), backwards).status_code == 400
    assert fake_documents == []


def test_the_receipt_prints_as_a_real_pdf_once_with_the_secret(clerk_client, world):
    procedure = world.commune_proc
    clerk_client.post(reverse("counter:receive", args=[procedure.pk]), {
        "agency": world.counter.pk, "applicant_name": "Lò Thị Mai", "action": "confirm",
        "documents": [d.pk for d in procedure.documents.filter(is_mandatory=True)],
    })
    dossier = Dossier.objects.get()
    first = clerk_client.get(url("form", dossier, "receipt"))
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert clerk_client.get(url("form", dossier, "receipt")).status_code == 200  # a reprint, without the secret


def test_a_form_that_does_not_apply_is_refused_with_a_message(clerk_client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    response = clerk_client.get(url("form", dossier, "apology"))
    assert response.status_code == 409
