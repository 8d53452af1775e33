"""No 500 on any input: the probes that found one, and the error shape of every /api/ answer.

Deep JSON nesting (Python's decoder recursed into RecursionError), a year 9999 (9999-12-31
plus a day overflows) in the extension, the dossier list and the counter's tracking book,
and Django's own 404 pages under /api/ (HTML, not the error shape).
"""
import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from onestop.api.parsers import nesting_exceeds
from tests.counter.conftest import install_fake_documents, install_site_apps
from tests.world import receive
from workflows import services
from workflows.errors import InvalidInput
from workflows.models import Dossier

pytestmark = pytest.mark.django_db

DEEP = b"[" * 100_000 + b"]" * 100_000  # 200 kB of nested arrays
DEEP_OBJECT = b'{"a":' * 20_000 + b"1" + b"}" * 20_000
ACTIONS = ["accept", "refuse", "start", "complete-step", "request-supplement", "supplement-received", "extend",
           "decide", "return", "withdraw", "assign", "unassign"]


@pytest.fixture(autouse=True)
def _site_apps(settings):
    install_site_apps(settings)


@pytest.fixture
def fresh(world, frozen_now):
    """A dossier received now: far enough from its due time to be extended."""
    return receive(world, now=frozen_now)


def shaped(response, status: int, code: str | None = None) -> dict:
    """The response is `status` with the API's error shape (and `code`, if given)."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body["code"], str) and isinstance(body["message"], str) and body["message"]
    if code:
        assert body["code"] == code, body
    return body


def raw_post(client, path, data: bytes, content_type="application/json"):
    return client.post(path, data, content_type=content_type)


# --- JSON bodies: depth and size ----------------------------------------------------------


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
def test_deeply_nested_json_is_a_400_on_every_json_endpoint(api, world, fresh, body):
    clerk = api(world.clerk)
    shaped(raw_post(api(), "/api/status/", body), 400, "invalid_input")
    shaped(raw_post(clerk, "/api/dossiers/", body), 400, "invalid_input")
    for action in ACTIONS:
        response = raw_post(clerk, f"/api/dossiers/{fresh.pk}/{action}/", body)
        assert "lồng nhau" in shaped(response, 400, "invalid_input")["message"], action


def test_nesting_within_the_limit_is_parsed_and_brackets_in_strings_do_not_count(api, world, fresh, settings):
    depth = settings.API_MAX_JSON_DEPTH
    body = {"reason": "[" * 5000 + '"\\"{' * 100, "extra": json.loads("[" * (depth - 1) + "]" * (depth - 1))}
    response = api(world.clerk).post(f"/api/dossiers/{fresh.pk}/withdraw/", body, format="json")
    assert response.status_code != 500 and "lồng nhau" not in response.content.decode()
    assert not nesting_exceeds(json.dumps(body).encode(), depth)
    assert nesting_exceeds(b"[" * (depth + 1) + b"]" * (depth + 1), depth)
    assert not nesting_exceeds(b'["[[[[[[[[[[[[[[", "\\"[[[[[[[[[[[[[["]', depth)


def test_a_body_over_the_limit_is_a_413_before_it_is_decoded(api, world, fresh, settings):
    oversized = json.dumps({"reason": "x" * settings.API_MAX_BODY_BYTES}).encode()
    body = shaped(raw_post(api(world.clerk), f"/api/dossiers/{fresh.pk}/withdraw/", oversized), 413,
                  "payload_too_large")
    assert "vượt quá giới hạn" in body["message"]
    shaped(raw_post(api(), "/api/status/", oversized), 413, "payload_too_large")
    # past Django's own cap too (DATA_UPLOAD_MAX_MEMORY_SIZE, read before the parser)
    huge = b'{"reason": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
    shaped(raw_post(api(), "/api/status/", huge), 413, "payload_too_large")
    assert Dossier.objects.get(pk=fresh.pk).status == fresh.status


def test_malformed_json_and_other_media_types_have_the_error_shape(api, world, fresh):
    clerk = api(world.clerk)
    for raw in (b"{not json", b"\xff\xfe", b'{"reason": NaN}', b"1" * 5000):
        shaped(raw_post(clerk, f"/api/dossiers/{fresh.pk}/withdraw/", raw), 400, "invalid_input")
    shaped(raw_post(api(), "/api/status/", b"code=a&secret=b", "application/x-www-form-urlencoded"), 415,
           "unsupported_media_type")
    shaped(raw_post(clerk, "/api/dossiers/", b"<x/>", "application/xml"), 415, "unsupported_media_type")
    shaped(api().get("/api/catalog/units/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")


# --- dates: a window of 2000–2100 --------------------------------------------------------


@pytest.mark.parametrize("new_due_at", ["9999-12-31T23:59:59+07:00", "9999-12-31T23:59:59-12:00",
                                        "0001-01-01T00:00:00+07:00", "2101-01-01T08:00:00+07:00"])
def test_an_extension_outside_the_window_is_a_400_through_the_api(api, world, fresh, new_due_at):
    response = api(world.clerk).post(f"/api/dossiers/{fresh.pk}/extend/",
                                     {"new_due_at": new_due_at, "reason": "Chờ xác minh"}, format="json")
    assert "31/12/2100" in shaped(response, 400, "invalid_input")["message"]
    assert Dossier.objects.get(pk=fresh.pk).extension_count == 0


def test_the_service_refuses_a_year_9999_extension_whatever_its_caller(world, fresh):
    with pytest.raises(InvalidInput, match="2000"):
        services.extend(fresh, actor=world.clerk, reason="x", new_due_at=dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC))


@pytest.mark.parametrize("value", ["9999-12-31T23:59", "0001-01-01T00:00", "2101-01-01T08:00"])
def test_an_extension_outside_the_window_is_a_form_error_on_the_desk(client, world, fresh, value):
    client.force_login(world.specialist)
    response = client.post(reverse("desk:extend", args=[fresh.pk]),
                           {"version": fresh.event_count, "new_due_at": value, "reason": "Cần xác minh"})
    assert response.status_code == 400
    assert "01/01/2000" in response.content.decode() and "31/12/2100" in response.content.decode()
    assert Dossier.objects.get(pk=fresh.pk).extension_count == 0


def test_an_extension_inside_the_window_still_works_on_the_desk(client, world, fresh):
    client.force_login(world.specialist)
    later = timezone.localtime(fresh.due_at + timezone.timedelta(days=7)).replace(hour=16, minute=0)
    client.post(reverse("desk:extend", args=[fresh.pk]), {
        "version": fresh.event_count, "new_due_at": later.strftime("%Y-%m-%dT%H:%M"), "reason": "Cần xác minh"})
    assert Dossier.objects.get(pk=fresh.pk).extension_count == 1


@pytest.mark.parametrize("query", [{"received_to": "9999-12-31"}, {"received_from": "9999-12-31"},
                                   {"received_from": "0001-01-01"}, {"received_to": "1999-12-31"}])
def test_the_dossier_list_refuses_a_date_outside_the_window(api, world, fresh, query):
    body = shaped(api(world.clerk).get("/api/dossiers/", query), 400, "invalid_input")
    assert "2000" in body["message"] and set(body["errors"]) == set(query)


def test_the_dossier_list_accepts_the_windows_ends(api, world, fresh):
    response = api(world.clerk).get("/api/dossiers/", {"received_from": "2000-01-01", "received_to": "2100-12-31"})
    assert response.status_code == 200 and response.json()["count"] == 1


def test_the_catalog_and_the_metrics_refuse_a_date_outside_the_window(api, world):
    shaped(api().get("/api/catalog/procedures/", {"on": "9999-12-31"}), 400, "invalid_input")
    shaped(api(world.supervisor).get("/api/metrics/", {"period_to": "9999-12-31"}), 400, "invalid_input")
    shaped(api(world.supervisor).get("/api/metrics/", {"period_from": "0001-01-01"}), 400, "invalid_input")


@pytest.mark.parametrize("query", [{"from": "2026-01-01", "to": "9999-12-31"},
                                   {"from": "9999-12-31", "to": "9999-12-31"},
                                   {"from": "0001-01-01", "to": "2026-01-01"}])
def test_the_tracking_book_refuses_a_date_outside_the_window(client, world, monkeypatch, query):
    calls = install_fake_documents(monkeypatch)
    client.force_login(world.clerk)
    response = client.get(reverse("counter:tracking_book"), query)
    assert response.status_code == 400 and "31/12/2100" in response.content.decode()
    assert calls == []


def test_the_real_tracking_book_renders_at_the_windows_end(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("counter:tracking_book"), {"from": "2100-12-01", "to": "2100-12-31"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- every /api/ answer has the error shape -----------------------------------------------


@pytest.mark.parametrize("path", ["/api/nothing/", "/api/dossiers/abc/", "/api/dossiers/-1/", "/api/dossiers/1.5/",
                                  "/api/catalog/units/x/", "/api/dossiers/1/files/abc/", "/api/dossiers/1/nothing/"])
def test_an_unrouted_address_under_api_is_a_json_404(api, world, path):
    shaped(api(world.clerk).get(path), 404, "not_found")
    shaped(api().post(path, {}, format="json"), 404, "not_found")


def test_outside_api_a_404_is_still_a_page(client):
    response = client.get("/khong-co/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")


def test_a_junk_id_a_wrong_method_and_a_bad_page_have_the_error_shape(api, world, fresh):
    clerk = api(world.clerk)
    shaped(clerk.get("/api/dossiers/99999999999999999999999/"), 404, "not_found")
    shaped(clerk.get(f"/api/dossiers/{fresh.pk}/files/99999999999999999999999/"), 404, "not_found")
    shaped(api().get("/api/catalog/units/99999999999999999999999/"), 404, "not_found")
    shaped(clerk.get("/api/dossiers/", {"page": 99}), 404, "not_found")
    shaped(api().get("/api/catalog/fields/", {"page": "x"}), 404, "not_found")
    shaped(api().delete("/api/status/"), 405, "method_not_allowed")
    shaped(clerk.put(f"/api/dossiers/{fresh.pk}/", {}, format="json"), 405, "method_not_allowed")
    shaped(clerk.get(f"/api/dossiers/{fresh.pk}/extend/"), 405, "method_not_allowed")
    shaped(clerk.get("/api/dossiers/", {"agency": "abc"}), 400, "invalid_input")
    shaped(api().get("/api/dossiers/"), 401, "not_authenticated")
    shaped(api(world.supervisor).post("/api/dossiers/", {}, format="json"), 400, "invalid_input")


def test_too_many_query_parameters_is_a_json_400(api, world, settings):
    query = "&".join(f"q{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    shaped(api(world.clerk).get(f"/api/dossiers/?{query}"), 400, "invalid_input")  # Django's SuspiciousOperation
    shaped(api().get(f"/api/status/?{query}"), 400, "invalid_input")
