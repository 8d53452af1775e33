"""The status API's kept answer (onestop.api.status): per dossier and language, served beside its snapshot's
revision only, after the secret is checked; ended when an event commits; no query when it is served."""
import json

import pytest
from django.core.cache import cache
from django.utils import translation

from onestop.api import status as status_api
from tests.world import at
from workflows import services

pytestmark = pytest.mark.django_db


def receive(world, name):
    proc = world.commune_proc
    return services.receive(
        actor=world.clerk, procedure=proc, agency=world.counter, applicant=services.Applicant(name=name),
        document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9))


@pytest.fixture
def receipt(world, django_capture_on_commit_callbacks):
    receipt = receive(world, "Nguyễn Văn An")
    cache.clear()  # the receipt's commit left no tombstone here (on_commit does not run), but be sure
    return receipt


def lookup(api, code, secret, ip="203.0.113.7", **extra):
    return api().post("/api/status/", {"code": code, "secret": secret}, format="json", REMOTE_ADDR=ip, **extra)


def kept_key(code, language="vi"):
    with translation.override(language):
        return status_api.answer_key(code)


def mark(code, language="vi"):
    """Replace the kept answer's bytes (same revision, same sides): what is served next shows where it came from."""
    key = kept_key(code, language)
    rev, sides, _body = cache.get(key)
    cache.set(key, (rev, sides, json.dumps({"kept": code}).encode()))


def test_the_second_lookup_is_the_kept_answer_with_no_query(api, receipt, django_assert_num_queries):
    code, secret = receipt.dossier.code, receipt.secret
    first = lookup(api, code, secret)
    assert first.status_code == 200 and first.json()["status"] == "received"
    with django_assert_num_queries(0):
        again = lookup(api, code, secret)
    assert again.content == first.content and again["Content-Type"] == "application/json"
    assert again["Cache-Control"] == "private, no-store"
    mark(code)
    assert lookup(api, code, secret).json() == {"kept": code}


def test_a_committed_event_ends_the_kept_answer(api, receipt, world, django_capture_on_commit_callbacks):
    code, secret = receipt.dossier.code, receipt.secret
    lookup(api, code, secret)
    mark(code)
    marked = cache.get(kept_key(code))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_supplement(receipt.dossier, actor=world.specialist, items=["Bản sao sổ hộ khẩu"],
                                    reason="Thiếu giấy tờ", now=at(2026, 3, 2, 14))
    body = lookup(api, code, secret).json()
    assert body["status"] == "awaiting_supplement" and body["supplement_items"] == ["Bản sao sổ hộ khẩu"]
    assert "kept" not in body
    # read during the tombstone: nothing new kept (it may predate another commit); the old entry is dead
    assert cache.get(kept_key(code)) == marked
    assert lookup(api, code, secret).json()["status"] == "awaiting_supplement"


def test_another_dossier_never_gets_this_ones_bytes(api, receipt, world):
    other = receive(world, "Trần Thị Bình")
    lookup(api, receipt.dossier.code, receipt.secret)
    mark(receipt.dossier.code)
    theirs = lookup(api, other.dossier.code, other.secret)
    assert theirs.status_code == 200 and theirs.json()["code"] == other.dossier.code
    assert kept_key(other.dossier.code) != kept_key(receipt.dossier.code)
    # and twice over: the other dossier's own kept answer is its own
    assert lookup(api, other.dossier.code, other.secret).json()["code"] == other.dossier.code


def test_a_wrong_secret_never_gets_the_kept_answer(api, receipt):
    code = receipt.dossier.code
    lookup(api, code, receipt.secret)
    mark(code)
    wrong = lookup(api, code, "ABCDEFGH")
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found" and code not in wrong.content.decode()


def test_a_throttled_address_gets_429_even_with_a_kept_answer(api, receipt, settings):
    settings.PORTAL_LOOKUP_MAX_FAILURES = 2
    code = receipt.dossier.code
    lookup(api, code, receipt.secret)
    mark(code)
    for _ in range(2):
        assert lookup(api, code, "ABCDEFGH").status_code == 404
    blocked = lookup(api, code, receipt.secret)
    assert blocked.status_code == 429 and blocked.json()["code"] == "throttled"
    assert lookup(api, code, receipt.secret, ip="198.51.100.9").json() == {"kept": code}  # another address


def test_another_language_gets_its_own_answer(api, receipt):
    code, secret = receipt.dossier.code, receipt.secret
    vietnamese = lookup(api, code, secret).json()
    mark(code)
    english = lookup(api, code, secret, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["status_display"] == "Received" and english["status_display"] != vietnamese["status_display"]
    assert lookup(api, code, secret).json() == {"kept": code}


def test_the_answers_that_turn_with_time_follow_the_readers_instant(api, receipt, clock):
    code, secret = receipt.dossier.code, receipt.secret
    assert lookup(api, code, secret).json()["is_past_appointment"]  # the suite's instant is past the March date
    mark(code)
    clock.move_to(at(2026, 3, 2, 10))
    body = lookup(api, code, secret).json()
    assert "kept" not in body and not body["is_past_appointment"] and not body["is_overdue"]
