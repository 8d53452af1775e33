"""The error pages a citizen or an official may meet speak Vietnamese, in the site's frame."""
import pytest
from django.template.loader import render_to_string
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_an_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and "Not Found" not in page


@override_settings(DEBUG=False)
def test_a_clerk_at_oversight_gets_a_vietnamese_403(client, world):
    client.force_login(world.clerk)
    response = client.get("/oversight/")
    assert response.status_code == 403 and "Không có quyền truy cập" in response.content.decode()


def test_the_500_page_renders_without_a_request():
    page = render_to_string("500.html")
    assert "Lỗi hệ thống" in page and "chưa được ghi nhận" in page


@override_settings(DEBUG=False)
def test_a_form_sent_without_its_token_gets_a_vietnamese_page(world):
    """A citizen whose page stayed open too long, or whose browser blocks cookies: Django's CSRF check
    answers with our page, not its English one."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clerk)
    response = client.post("/counter/", {"q": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Phiên làm việc đã hết hạn" in page and "CSRF verification failed" not in page
