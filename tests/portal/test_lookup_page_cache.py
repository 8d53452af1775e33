"""The status page kept rendered (onestop.portal.pages): per dossier, language and door; ended
with its snapshot when an event commits; no CSRF token, no cookie; never for a wrong secret."""
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from onestop.portal import pages
from onestop.portal.views import status_token
from tests.world import at
from workflows import services
from workflows.codes import make_lookup_token

pytestmark = pytest.mark.django_db

URL = reverse("portal:index")


def qr(client, code, **extra):
    return client.get(URL, {"t": make_lookup_token(code)}, **extra)


def kept_key(code, door="t", language="vi"):
    with translation.override(language):
        return pages.page_key(code, door)


def mark_kept_page(code, door="t", language="vi"):
    """Replace the kept page's body (same revision): what is served next shows whether it came from the cache."""
    key = kept_key(code, door, language)
    rev, past, _body = cache.get(key)
    cache.set(key, (rev, past, b"<p>kept page</p>"))


def test_the_second_lookup_is_served_from_the_kept_page(client, receipt, django_assert_num_queries):
    code = receipt.dossier.code
    first = qr(client, code)
    assert first.status_code == 200 and "Đã tiếp nhận" in first.content.decode()
    mark_kept_page(code)
    with django_assert_num_queries(0):
        again = qr(client, code)
    assert again.status_code == 200 and again.content == b"<p>kept page</p>"


def test_a_committed_event_ends_the_kept_page(client, receipt, world, django_capture_on_commit_callbacks):
    code = receipt.dossier.code
    assert "Đã tiếp nhận" in qr(client, code).content.decode()
    mark_kept_page(code)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_supplement(receipt.dossier, actor=world.specialist, items=["Bản sao sổ hộ khẩu"],
                                    reason="Thiếu giấy tờ", now=at(2026, 3, 2, 14))
    page = qr(client, code).content.decode()
    assert "kept page" not in page and "Chờ bổ sung" in page and "Bản sao sổ hộ khẩu" in page


def test_without_the_commit_the_kept_page_stands(client, receipt, world):
    """The converse: only the event's commit ends it."""
    code = receipt.dossier.code
    qr(client, code)
    mark_kept_page(code)
    services.request_supplement(receipt.dossier, actor=world.specialist, items=["Bản sao sổ hộ khẩu"],
                                reason="Thiếu giấy tờ", now=at(2026, 3, 2, 14))  # on_commit never runs here
    assert qr(client, code).content == b"<p>kept page</p>"


def test_a_page_read_during_the_tombstone_is_not_kept(client, receipt, world, django_capture_on_commit_callbacks):
    code = receipt.dossier.code
    with django_capture_on_commit_callbacks(execute=True):
        services.complete_step(receipt.dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    assert qr(client, code).status_code == 200  # read what may predate another commit: rendered, not kept
    assert cache.get(kept_key(code)) is None


def test_the_kept_page_has_no_csrf_token_and_sets_no_cookie(receipt):
    client = Client(enforce_csrf_checks=True)
    code = receipt.dossier.code
    for response in (qr(client, code), qr(client, code)):  # rendered and kept, then served from the cache
        text = response.content.decode()
        assert response.status_code == 200 and "csrfmiddlewaretoken" not in text
        assert not response.cookies  # no CSRF cookie, no session cookie
        assert not response.wsgi_request.session.accessed
        assert f'action="{reverse("portal:language")}"' in text
    # its language switch works without a token (it only sets the display-language cookie)
    switched = client.post(reverse("portal:language"), {"language": "en", "next": URL})
    assert switched.status_code == 302 and switched.cookies["django_language"].value == "en"
    assert ">Received<" in qr(client, code).content.decode()


def test_the_language_switch_returns_to_the_readers_own_address(client, receipt):
    code = receipt.dossier.code
    token = make_lookup_token(code)
    qr(client, code)
    other = client.get(URL, {"t": token, "from": "zalo"}).content.decode()  # served from the kept page
    assert 'name="next" value="/tra-cuu/?t=' in other and "from=zalo" in other


def test_another_language_gets_its_own_page(client, receipt):
    code = receipt.dossier.code
    assert "Đã tiếp nhận" in qr(client, code).content.decode()
    english = qr(client, code, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Received<" in english and "Đã tiếp nhận" not in english
    assert cache.get(kept_key(code, language="vi")) and cache.get(kept_key(code, language="en"))
    assert kept_key(code, language="vi") != kept_key(code, language="en")
    assert "Đã tiếp nhận" in qr(client, code).content.decode()  # the Vietnamese page is still its own


def test_a_wrong_secret_never_gets_a_kept_page(client, receipt):
    code, secret = receipt.dossier.code, receipt.secret
    posted = client.post(URL, {"code": code, "secret": secret})
    assert client.get(posted["Location"]).status_code == 200  # the bookmark's page is kept …
    assert cache.get(kept_key(code, door="s"))
    wrong = client.post(URL, {"code": code, "secret": "ABCDEFGH"})
    # … but a wrong secret gets none
    assert wrong.status_code == 404 and "Quá trình xử lý" not in wrong.content.decode()
    forged = client.get(URL, {"s": status_token(code, "not the secret's hash")})  # a token for another secret
    assert forged.status_code == 404 and "Quá trình xử lý" not in forged.content.decode()
    altered = client.get(URL, {"t": make_lookup_token(code) + "x"})
    assert altered.status_code == 404 and "Quá trình xử lý" not in altered.content.decode()


def test_a_reissued_secret_voids_the_bookmark_even_with_a_kept_page(client, receipt, world,
                                                                    django_capture_on_commit_callbacks):
    code, secret = receipt.dossier.code, receipt.secret
    bookmark = client.post(URL, {"code": code, "secret": secret})["Location"]
    assert client.get(bookmark).status_code == 200
    assert cache.get(kept_key(code, door="s"))
    with django_capture_on_commit_callbacks(execute=True):
        services.reissue_secret(receipt.dossier, actor=world.clerk, id_checked_note="CCCD đối chiếu")
    assert client.get(bookmark).status_code == 404


def test_the_past_appointment_notice_follows_the_readers_instant(client, receipt, clock):
    code = receipt.dossier.code
    assert "quá hạn hẹn trả" in qr(client, code).content.decode()  # the suite's instant is past the March date
    clock.move_to(at(2026, 3, 2, 10))
    assert "quá hạn hẹn trả" not in qr(client, code).content.decode()  # the kept page is not for this instant


def test_a_page_with_a_form_needing_a_token_is_not_kept():
    assert pages.keepable({"dossier": object()})
    assert not pages.keepable({"rating_form": object()}) and not pages.keepable({"supplement_form": object()})


def test_a_message_to_show_gets_its_own_render(client, receipt):
    code = receipt.dossier.code
    qr(client, code)
    mark_kept_page(code)
    client.cookies["messages"] = "anything"
    assert b"kept page" not in qr(client, code).content


def test_the_lookup_door_writes_never_caches_headers(client, receipt, rf):
    """The portal's own never_cache writes what Django's does, on a kept page and on any other answer."""
    from django.http import HttpResponse
    from django.views.decorators.cache import never_cache

    from onestop.portal.views import _never_cache

    code = receipt.dossier.code
    reference = never_cache(lambda request: HttpResponse("x"))(rf.get("/"))
    for response in (qr(client, code), qr(client, code), client.get(URL)):
        assert response["Cache-Control"] == reference["Cache-Control"]
        assert response["Expires"]
    def preset(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public"
        return response
    assert _never_cache(preset)(rf.get("/"))["Cache-Control"] == never_cache(preset)(rf.get("/"))["Cache-Control"]
