"""The citizen reads the national portal's word for the status beside ours; staff download forms under
the form's number, never an internal name (issue 13 item 5)."""
import pytest
from django.urls import reverse

from workflows.statuses import NATIONAL_STATUS_CODE, NATIONAL_STATUS_WORDS, Status, national_status_word

pytestmark = pytest.mark.django_db


def test_every_status_has_the_national_portals_word():
    assert set(NATIONAL_STATUS_CODE) == set(Status)
    assert national_status_word(Status.RESULT_READY) == "Đã xử lý xong"
    assert national_status_word(Status.AWAITING_SUPPLEMENT) == "Yêu cầu bổ sung giấy tờ"
    assert len(set(map(str, NATIONAL_STATUS_WORDS.values()))) == 10


def test_the_status_page_shows_the_national_portals_word(client, receipt):
    response = client.post(reverse("portal:index"), {"code": receipt.dossier.code, "secret": receipt.secret},
                           REMOTE_ADDR="203.0.113.9", follow=True)
    page = response.content.decode()
    assert "Đã tiếp nhận" in page
    assert "Trạng thái trên Cổng Dịch vụ công quốc gia: Được tiếp nhận" in page


def test_a_form_downloads_under_its_number(client, receipt, world):
    client.force_login(world.clerk)
    response = client.get(reverse("counter:form", args=[receipt.dossier.pk, "receipt"]))
    assert response["Content-Disposition"] == f'inline; filename="mau-01-{receipt.dossier.code}.pdf"'
