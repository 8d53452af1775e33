"""The admin's read-only download links for the forms and the tracking book."""
import pytest
from django.urls import reverse

from tests.documents.conftest import pdf_text


@pytest.fixture
def admin_client_(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_the_dossier_page_links_the_forms_that_apply(admin_client_, received):
    response = admin_client_.get(reverse("admin:workflows_dossier_change", args=[received.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("admin:workflows_dossier_form", args=[received.pk, "receipt"]) in page
    assert reverse("admin:workflows_dossier_form", args=[received.pk, "control_slip"]) in page
    assert reverse("admin:workflows_dossier_form", args=[received.pk, "apology"]) not in page
    assert reverse("admin:workflows_dossier_tracking_book") in page


def test_an_admin_downloads_a_receipt_as_pdf(admin_client_, received):
    response = admin_client_.get(reverse("admin:workflows_dossier_form", args=[received.pk, "receipt"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"mau-01-{received.code}.pdf" in response["Content-Disposition"]
    _reader, text = pdf_text(response.content)
    assert received.code in text and "Mã bí mật" not in text


def test_a_form_that_does_not_apply_returns_to_the_dossier_with_a_message(admin_client_, received):
    url = reverse("admin:workflows_dossier_form", args=[received.pk, "apology"])
    response = admin_client_.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:workflows_dossier_change", args=[received.pk])
    assert "chưa được gia hạn" in response.content.decode()


def test_an_unknown_kind_is_not_found(admin_client_, received):
    response = admin_client_.get(reverse("admin:workflows_dossier_form", args=[received.pk, "nope"]))
    assert response.status_code == 404


def test_an_admin_downloads_the_tracking_book_and_bad_dates_get_a_message(admin_client_, world, received):
    url = reverse("admin:workflows_dossier_tracking_book")
    response = admin_client_.get(url, {"agency": world.counter.pk, "from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert received.code in pdf_text(response.content)[1]
    bad = admin_client_.get(url, {"agency": world.counter.pk, "from": "2026-03-31", "to": "2026-03-01"}, follow=True)
    assert bad.status_code == 200 and "Ngày bắt đầu" in bad.content.decode()
    garbled = admin_client_.get(url, {"agency": "x", "from": "y"}, follow=True)
    assert garbled.status_code == 200 and "khoảng thời gian hợp lệ" in garbled.content.decode()


def test_staff_without_admin_access_cannot_download(client, world, received):
    client.force_login(world.clerk)
    response = client.get(reverse("admin:workflows_dossier_form", args=[received.pk, "receipt"]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
