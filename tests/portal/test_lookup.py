"""The public status lookup: code + secret or the QR token, same "not found" for every miss, throttled."""
import re

import pytest
from django.urls import reverse

from tests.world import at
from workflows import services
from workflows.codes import make_lookup_token
from workflows.models import SatisfactionRating

pytestmark = pytest.mark.django_db

URL = reverse("portal:index")


def lookup(client, code, secret, ip="203.0.113.7"):
    """Code and secret POSTed; the right ones answer with a redirect to the bookmarkable page, followed."""
    return client.post(URL, {"code": code, "secret": secret}, REMOTE_ADDR=ip, follow=True)


def normalized(response):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def test_a_citizen_sees_the_status_with_the_right_code_and_secret(client, receipt, world):
    dossier = receipt.dossier
    response = lookup(client, dossier.code.lower(), receipt.secret.lower())  # typed on a phone
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đã tiếp nhận" in page
    assert world.commune_proc.name in page
    assert world.counter.name in page
    assert "Thẩm định hồ sơ" in page and world.justice.name in page  # the current stage and agency
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_wrong_secret_an_unknown_code_and_another_dossiers_code_give_the_same_not_found(client, receipt, world):
    other = services.receive(
        actor=world.clerk, procedure=world.commune_proc, agency=world.counter,
        applicant=services.Applicant(name="Lò Thị Hoa"),
        document_ids=[d.pk for d in world.commune_proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 10),
    )
    wrong_secret = lookup(client, receipt.dossier.code, "ABCDEFGH")
    unknown_code = lookup(client, "000.01.06.H29-260302-9999", receipt.secret)
    other_code = lookup(client, other.dossier.code, receipt.secret)
    assert {r.status_code for r in (wrong_secret, unknown_code, other_code)} == {404}
    assert normalized(wrong_secret) == normalized(unknown_code) == normalized(other_code)
    assert "Không tìm thấy hồ sơ" in wrong_secret.content.decode()


def test_the_page_shows_no_personal_data_staff_names_or_staff_notes(client, receipt, world):
    w = world
    for user, (first, last) in ((w.specialist, ("Trần Thị", "Bình")), (w.leader, ("Hoàng Văn", "Cường")),
                                (w.clerk, ("Vàng Thị", "Dung"))):
        user.first_name, user.last_name = first, last
        user.save()
    d = services.complete_step(receipt.dossier, actor=w.specialist, note="Đã gọi 0912345678 xác minh",
                               now=at(2026, 3, 2, 14))
    d = services.decide(d, actor=w.leader, outcome="granted", reasons="", now=at(2026, 3, 3, 10))
    d = services.return_result(d, actor=w.clerk, collected_by="Nguyễn Văn An", note="Ông An nhận thay",
                               now=at(2026, 3, 3, 15))
    page = lookup(client, d.code, receipt.secret).content.decode()
    assert "Đã trả kết quả" in page
    for private in ("Nguyễn Văn An", "012345678901", "0912345678", "an@example.vn", "Bản Bình Lư",
                    "Trần Thị", "Bình</", "Hoàng Văn", "Vàng Thị", "specialist", "leader", "clerk",
                    "Đã gọi", "nhận thay"):
        assert private not in page, private


def test_it_lists_what_the_citizen_must_bring_while_awaiting_a_supplement(client, receipt, world):
    services.request_supplement(receipt.dossier, actor=world.specialist, items=["Bản sao sổ hộ khẩu"],
                                reason="Thiếu giấy tờ", now=at(2026, 3, 2, 14))
    page = lookup(client, receipt.dossier.code, receipt.secret).content.decode()
    assert "Chờ bổ sung" in page and "Bản sao sổ hộ khẩu" in page
    assert "Ông/bà cần làm gì" in page


def test_it_throttles_an_address_after_repeated_failures(client, receipt, settings):
    settings.PORTAL_LOOKUP_MAX_FAILURES = 3
    for _ in range(3):
        assert lookup(client, receipt.dossier.code, "WRONG123").status_code == 404
    blocked = lookup(client, receipt.dossier.code, receipt.secret)
    assert blocked.status_code == 429  # even the right secret waits: a guesser cannot tell
    assert "Tạm khóa tra cứu" in blocked.content.decode()
    assert lookup(client, receipt.dossier.code, receipt.secret, ip="198.51.100.9").status_code == 200


def test_the_qr_link_token_shows_the_status_and_a_forged_one_does_not(client, receipt):
    code = receipt.dossier.code
    ok = client.get(URL, {"t": make_lookup_token(code)})
    assert ok.status_code == 200 and code in ok.content.decode()
    forged = make_lookup_token(code)[:-2] + "xx"
    assert client.get(URL, {"t": forged}).status_code == 404
    assert client.get(URL, {"t": code}).status_code == 404


def test_the_status_page_runs_a_fixed_number_of_queries(client, receipt, world, django_assert_max_num_queries):
    d = services.complete_step(receipt.dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"t": make_lookup_token(d.code)})
    assert response.status_code == 200


def returned(receipt, w):
    d = services.complete_step(receipt.dossier, actor=w.specialist, now=at(2026, 3, 2, 14))
    d = services.decide(d, actor=w.leader, outcome="granted", now=at(2026, 3, 3, 10))
    return services.return_result(d, actor=w.clerk, collected_by="Nguyễn Văn An", now=at(2026, 3, 3, 15))


def test_a_citizen_rates_a_returned_dossier_once(client, receipt, world):
    d = returned(receipt, world)
    token = make_lookup_token(d.code)
    page = client.get(URL, {"t": token}).content.decode()
    assert "Đánh giá mức độ hài lòng" in page
    response = client.post(reverse("portal:rate"), {"token": token, "rating": "satisfied", "comment": "Nhanh"})
    assert response.status_code == 302
    again = client.post(reverse("portal:rate"), {"token": token, "rating": "not_satisfied"}, follow=True)
    assert "đã được đánh giá" in again.content.decode()
    rating = SatisfactionRating.objects.get(dossier=d)
    assert (rating.rating, rating.comment) == ("satisfied", "Nhanh")


def test_a_dossier_cannot_be_rated_before_its_result_is_returned(client, receipt):
    token = make_lookup_token(receipt.dossier.code)
    response = client.post(reverse("portal:rate"), {"token": token, "rating": "satisfied"}, follow=True)
    assert "Chỉ đánh giá được sau khi đã nhận kết quả" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_a_rating_with_a_forged_token_is_not_found(client, receipt, world):
    returned(receipt, world)
    response = client.post(reverse("portal:rate"), {"token": "forged:token:x", "rating": "satisfied"})
    assert response.status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_behind_a_trusted_proxy_each_citizen_is_throttled_by_their_own_address(client, receipt, settings):
    settings.PORTAL_LOOKUP_MAX_FAILURES = 2
    settings.PORTAL_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        client.post(URL, {"code": "X", "secret": "WRONG123"}, HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy)
    ok = client.post(URL, {"code": receipt.dossier.code, "secret": receipt.secret},
                     HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert ok.status_code == 303
    blocked = client.post(URL, {"code": receipt.dossier.code, "secret": receipt.secret},
                          HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy)
    assert blocked.status_code == 429
