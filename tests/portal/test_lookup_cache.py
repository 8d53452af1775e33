"""The public lookup as cheap as a static page: a cached snapshot per dossier, no session, throttle kept.

The snapshot lives in Django's cache (local memory here, Redis in production) and is replaced
by a tombstone when an event of its dossier commits (`audit.event_committed`).
"""
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from onestop.screens import lookup as lookup_module
from tests.world import at
from workflows import services
from workflows.codes import make_lookup_token

pytestmark = pytest.mark.django_db

URL = reverse("portal:index")
API = "/api/status/"


def qr(client, code, **extra):
    return client.get(URL, {"t": make_lookup_token(code)}, **extra)


def api_lookup(client, code, secret, ip="203.0.113.7"):
    return client.post(API, {"code": code, "secret": secret}, content_type="application/json", REMOTE_ADDR=ip)


def test_a_cached_lookup_sends_no_query_on_either_door(client, receipt, django_assert_num_queries):
    code, secret = receipt.dossier.code, receipt.secret
    first_page = qr(client, code)  # fills the snapshot: the dossier, its events, its rating
    first_json = api_lookup(client, code, secret)
    with django_assert_num_queries(0):
        page = qr(client, code)
    with django_assert_num_queries(0):
        body = api_lookup(client, code, secret)
    with django_assert_num_queries(0):
        posted = client.post(URL, {"code": code, "secret": secret})
    with django_assert_num_queries(0):
        bookmarked = client.get(posted["Location"])  # POST, redirect, GET
    assert page.status_code == body.status_code == bookmarked.status_code == 200 and posted.status_code == 303
    assert page.content.decode().count("Thẩm định hồ sơ") == first_page.content.decode().count("Thẩm định hồ sơ") == 1
    assert body.json() == first_json.json() and body.json()["stage"]["name"] == "Thẩm định hồ sơ"


def test_filling_the_snapshot_takes_three_narrow_queries(receipt, django_assert_num_queries):
    with django_assert_num_queries(3):  # the dossier (with its procedure and counter), events, rating
        snapshot = lookup_module.status_snapshot(receipt.dossier.code)
    assert snapshot["code"] == receipt.dossier.code and not snapshot["absent"]
    assert [action for _, action, _ in snapshot["timeline"]] == ["receive"]


def test_an_unknown_code_is_cached_as_absent_so_a_miss_costs_what_a_hit_costs(client, django_assert_num_queries):
    assert api_lookup(client, "000.01.06.H29-260302-9999", "ABCD2345").status_code == 404
    with django_assert_num_queries(0):
        assert api_lookup(client, "000.01.06.H29-260302-9999", "ABCD2345").status_code == 404


def test_the_lookup_reads_no_session_and_sets_no_session_cookie(client, receipt, world):
    client.force_login(world.clerk)  # even a logged-in clerk's browser: the public page ignores the login
    code, secret = receipt.dossier.code, receipt.secret
    posted = client.post(URL, {"code": code, "secret": secret})
    for response in (qr(client, code), posted, client.get(posted["Location"]), api_lookup(client, code, secret),
                     client.get(URL), client.get(reverse("home"))):
        assert response.status_code in (200, 303)
        assert django_settings.SESSION_COOKIE_NAME not in response.cookies
        assert not response.wsgi_request.session.accessed
        assert "Đăng xuất" not in response.content.decode()  # no login state on a public page
    assert not api_lookup(client, code, secret).cookies  # the API sets no cookie at all


def test_a_committed_event_makes_the_next_lookup_read_the_database(client, receipt, world,
                                                                    django_capture_on_commit_callbacks,
                                                                    django_assert_num_queries):
    code, secret = receipt.dossier.code, receipt.secret
    assert api_lookup(client, code, secret).json()["status"] == "received"
    with django_capture_on_commit_callbacks(execute=True):
        services.request_supplement(receipt.dossier, actor=world.specialist, items=["Bản sao sổ hộ khẩu"],
                                    reason="Thiếu giấy tờ", now=at(2026, 3, 2, 14))
    body = api_lookup(client, code, secret).json()
    assert body["status"] == "awaiting_supplement" and body["supplement_items"] == ["Bản sao sổ hộ khẩu"]
    assert [e["label"] for e in body["timeline"]][-1] == "Yêu cầu bổ sung, hoàn thiện hồ sơ"
    page = qr(client, code).content.decode()
    assert "Chờ bổ sung" in page and "Bản sao sổ hộ khẩu" in page


def test_without_the_commit_the_cached_snapshot_is_what_the_lookup_shows(client, receipt, world):
    """The converse: the snapshot is really served from the cache until an event commits."""
    code, secret = receipt.dossier.code, receipt.secret
    assert api_lookup(client, code, secret).json()["status"] == "received"
    services.request_supplement(receipt.dossier, actor=world.specialist, items=["Bản sao sổ hộ khẩu"],
                                reason="Thiếu giấy tờ", now=at(2026, 3, 2, 14))  # on_commit never runs here
    assert api_lookup(client, code, secret).json()["status"] == "received"


def test_a_snapshot_read_before_an_event_commits_is_not_stored_over_its_tombstone(
        receipt, world, django_capture_on_commit_callbacks, django_assert_num_queries):
    code = receipt.dossier.code
    stale = lookup_module._read(code)  # a request read the dossier …
    with django_capture_on_commit_callbacks(execute=True):  # … an event commits …
        services.complete_step(receipt.dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    from django.core.cache import cache

    assert not cache.add(lookup_module._snapshot_key(code), stale, 60)  # … its store is refused
    with django_assert_num_queries(3):
        fresh = lookup_module.status_snapshot(code)
    with django_assert_num_queries(3):  # until the tombstone expires, every lookup reads the database
        lookup_module.status_snapshot(code)
    assert fresh["stage"]["name"] == "Ký giấy xác nhận" and stale["stage"]["name"] == "Thẩm định hồ sơ"


def test_a_wrong_secret_is_refused_against_a_cached_snapshot(client, receipt):
    code = receipt.dossier.code
    assert qr(client, code).status_code == 200  # the snapshot is cached
    wrong = api_lookup(client, code, "ABCDEFGH")
    unknown = api_lookup(client, "000.01.06.H29-260302-9999", receipt.secret)
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    assert client.post(URL, {"code": code, "secret": "ABCDEFGH"}).status_code == 404
    assert api_lookup(client, code, receipt.secret).status_code == 200


def test_the_throttle_still_applies_to_cached_lookups(client, receipt, settings, django_assert_max_num_queries):
    settings.PORTAL_LOOKUP_MAX_FAILURES = 3
    code = receipt.dossier.code
    assert api_lookup(client, code, receipt.secret).status_code == 200  # cached
    for _ in range(3):
        assert api_lookup(client, code, "WRONG123").status_code == 404
    assert api_lookup(client, code, receipt.secret).status_code == 429  # even the right secret waits
    assert qr(client, code, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert api_lookup(client, code, receipt.secret, ip="198.51.100.9").status_code == 200


def test_the_page_is_rendered_in_the_readers_language_and_at_the_readers_instant(client, receipt, clock):
    code = receipt.dossier.code
    assert "Đã tiếp nhận" in qr(client, code).content.decode()  # cached in Vietnamese …
    english = qr(client, code, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and ">Received<" in english.content.decode()  # … read in English
    due = receipt.dossier.due_at
    assert due < at(2026, 12, 2)  # the suite's instant: past the appointment of a March dossier
    assert "quá hạn hẹn trả" in qr(client, code).content.decode()
    clock.move_to(at(2026, 3, 2, 10))
    assert "quá hạn hẹn trả" not in qr(client, code).content.decode()  # the same snapshot, another instant
