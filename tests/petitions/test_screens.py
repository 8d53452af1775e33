"""The public petition page and the published answers; the handlers' inbox and steps."""
import pytest
from django.core.cache import cache
from django.urls import reverse

from petitions import services
from petitions.models import Petition, PetitionState
from tests.world import at, receive

pytestmark = pytest.mark.django_db
SEND = reverse("portal:petition_send")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _form(world, **kw):
    return {"agency": world.counter.pk, "name": "Lê Thị Hoa", "contact": "0912 345 678",
            "classification": "conduct", "text": "Cán bộ hướng dẫn chưa rõ ràng", **kw}


def test_the_public_page_sends_a_petition_and_names_its_number(client, world):
    page = client.get(SEND)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<h1>Gửi phản ánh, kiến nghị</h1>" in body and 'for="id_text"' in body
    response = client.post(SEND, _form(world), follow=True)
    p = Petition.objects.get()
    assert (p.channel, p.agency_id, p.petitioner_contact, p.state) == ("public", world.counter.pk, "0912345678",
                                                                       PetitionState.RECEIVED)
    assert response.redirect_chain == [(SEND, 303)]
    assert p.reference in response.content.decode()


@pytest.mark.parametrize("changes, field, message", [
    ({"text": ""}, "text", "Cần nhập nội dung phản ánh, kiến nghị."),
    ({"name": ""}, "name", "Cần nhập họ và tên."),
    ({"contact": "12345"}, "contact", "Số điện thoại không hợp lệ"),
    ({"contact": "an@"}, "contact", "Thư điện tử không hợp lệ."),
    ({"agency": "999999"}, "agency", "Nơi nhận phản ánh, kiến nghị không hợp lệ."),
    ({"dossier_code": "000.01.06.H29-260302-0001"}, "secret", "Cần nhập mã bí mật khi nêu mã hồ sơ."),
])
def test_the_public_form_shows_each_error_at_its_field(client, world, changes, field, message):
    response = client.post(SEND, _form(world, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Petition.objects.exists()


def test_a_dossier_is_named_with_its_code_and_secret(client, world):
    from workflows import services as dossier_services

    receipt = dossier_services.receive(
        actor=world.clerk, procedure=world.commune_proc, agency=world.counter,
        applicant=dossier_services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
        document_ids=[d.pk for d in world.commune_proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9))
    code = receipt.dossier.code
    wrong = client.post(SEND, _form(world, dossier_code=code, secret="WRONG123"))
    assert wrong.status_code == 400 and "Không tìm thấy hồ sơ" in wrong.content.decode()
    assert not Petition.objects.exists()
    client.post(SEND, _form(world, dossier_code=code.lower(), secret=receipt.secret))
    p = Petition.objects.get()
    assert p.dossier_id == receipt.dossier.pk
    assert receipt.dossier.events.filter(action="record_complaint", actor=None).exists()


def test_sending_is_limited_per_address(client, world, settings):
    from onestop.portal import petitions as page

    for _ in range(page.PETITIONS_PER_WINDOW):
        assert client.post(SEND, _form(world)).status_code == 303
    response = client.post(SEND, _form(world))
    assert response.status_code == 429 and "Tạm dừng nhận phản ánh" in response.content.decode()
    assert Petition.objects.count() == page.PETITIONS_PER_WINDOW


def _public(world, text):
    return services.receive(text=text, agency=world.counter, channel="public", petitioner_name="Lê Thị Hoa",
                            petitioner_contact="hoa@example.vn", now=at(2026, 4, 29, 9))


def test_the_published_list_shows_only_published_answers(client, world):
    shown = services.answer(_public(world, "Chờ lâu ở quầy"), actor=world.clerk, answer="Đã bố trí thêm quầy")
    shown = services.publish(shown, actor=world.clerk)
    services.answer(_public(world, "Chưa công khai"), actor=world.clerk, answer="Trả lời riêng")
    _public(world, "Đang xử lý")
    services.refuse(_public(world, "Bị từ chối"), actor=world.clerk, reason="Nặc danh")
    body = client.get(reverse("portal:petition_published")).content.decode()
    assert "Đã bố trí thêm quầy" in body and shown.reference in body
    for hidden in ("Chưa công khai", "Trả lời riêng", "Đang xử lý", "Bị từ chối", "Lê Thị Hoa", "hoa@example.vn"):
        assert hidden not in body


# --- the handlers' screens ----------------------------------------------------------------------


def test_the_inbox_lists_the_units_petitions_only(client, world):
    mine = _public(world, "Của xã Bình Lư")
    other = services.receive(text="Của xã Bản Bo", agency=world.other_counter, channel="public",
                             petitioner_name="An", petitioner_contact="0912345678")
    client.force_login(world.clerk)
    body = client.get(reverse("petitions:inbox")).content.decode()
    assert mine.reference in body and other.reference not in body
    assert client.get(reverse("petitions:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("petitions:act", args=[other.pk, "refuse"]), {"reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.state == PetitionState.RECEIVED


def test_a_clerk_of_another_unit_gets_404_and_a_specialist_403(client, world):
    p = _public(world, "Của xã Bình Lư")
    client.force_login(world.other_clerk)
    assert client.get(reverse("petitions:detail", args=[p.pk])).status_code == 404
    client.force_login(world.specialist)
    assert client.get(reverse("petitions:inbox")).status_code == 403
    client.logout()
    assert client.get(reverse("petitions:inbox")).status_code == 302  # to the login page


def test_the_handler_takes_each_step_from_the_detail_page(client, world):
    p = _public(world, "Chờ lâu")
    client.force_login(world.clerk)
    page = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert "Xử lý, trả lời (trong 15 ngày làm việc)" in page and f'action="/phan-anh/{p.pk}/answer/"' in page
    response = client.post(reverse("petitions:act", args=[p.pk, "answer"]), {"answer": "Đã xử lý"}, follow=True)
    assert "Đã ghi kết quả xử lý, trả lời." in response.content.decode()
    client.post(reverse("petitions:act", args=[p.pk, "publish"]))
    p.refresh_from_db()
    assert p.state == PetitionState.PUBLISHED


def test_a_step_from_the_wrong_state_is_a_409_on_the_page_not_a_500(client, world):
    p = _public(world, "Chờ lâu")
    client.force_login(world.clerk)
    response = client.post(reverse("petitions:act", args=[p.pk, "publish"]))
    assert response.status_code == 409
    assert "không thực hiện được thao tác này" in response.content.decode()
    # a clerk may not find it unsubstantiated: 403 on the page
    response = client.post(reverse("petitions:act", args=[p.pk, "answer"]), {"answer": "x", "unsubstantiated": "on"})
    assert response.status_code == 403
    # an empty answer: the form's error
    response = client.post(reverse("petitions:act", args=[p.pk, "answer"]), {"answer": ""})
    assert response.status_code == 400
    assert client.post(reverse("petitions:act", args=[p.pk, "nonsense"])).status_code == 404


def test_a_petition_is_entered_at_the_counter_about_a_dossier(client, world):
    d = receive(world, now=at(2026, 3, 2, 9))
    client.force_login(world.clerk)
    assert client.get(reverse("petitions:new")).status_code == 200
    bad = client.post(reverse("petitions:new"), {"agency": world.counter.pk, "dossier_code": "KHONG-CO",
                                                 "text": "Chậm"})
    assert bad.status_code == 400 and "Không tìm thấy hồ sơ." in bad.content.decode()
    response = client.post(reverse("petitions:new"), {"agency": world.counter.pk, "dossier_code": d.code,
                                                      "petitioner_name": "An", "text": "Chậm"})
    p = Petition.objects.get()
    assert response.status_code == 302 and (p.dossier_id, p.channel) == (d.pk, "counter")
    assert d.events.filter(action="record_complaint", actor=world.clerk).exists()
    page = client.get(reverse("counter:dossier", args=[d.pk])).content.decode()
    assert "Phản ánh, kiến nghị" in page and "Đã tiếp nhận, đang xử lý" in page  # listed on the dossier's page
