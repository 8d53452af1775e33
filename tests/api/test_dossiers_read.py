"""Staff dossier list and detail: scoping, filters, masking, timeline, pagination, auth."""
import pytest

from tests.world import at, receive
from workflows import clock, services

pytestmark = pytest.mark.django_db


def codes(response):
    assert response.status_code == 200, response.json()
    return [d["code"] for d in response.json()["results"]]


def test_anonymous_callers_get_401_with_a_machine_readable_code(api, dossier):
    for path in ("/api/dossiers/", f"/api/dossiers/{dossier.pk}/", "/api/metrics/"):
        response = api().get(path)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated" and response.json()["message"]
        assert response["WWW-Authenticate"].startswith("Token")


def test_a_bad_token_is_401(api, dossier):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/dossiers/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_a_user_without_a_working_role_gets_403(api, world):
    from tests import factories as f

    admin_of_catalog = f.user("catalog", "catalog_admin")
    response = api(admin_of_catalog).get("/api/dossiers/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_clerk_lists_only_the_dossiers_of_her_agency_with_personal_data_masked(api, world, dossier):
    receive(world, clerk=world.other_clerk, agency=world.other_counter, name="Lò Văn Bình")
    response = api(world.clerk).get("/api/dossiers/")
    assert codes(response) == [dossier.code]
    row = response.json()["results"][0]
    assert row["applicant_id_number"] == "********8901"
    assert row["applicant_phone"] == "091****678"
    assert row["status"] == "received" and row["national_status_code"] == 2 and row["version"] == 1
    assert codes(api(world.other_clerk).get("/api/dossiers/")) != [dossier.code]


def test_the_supervisor_sees_the_districts_subtree(api, world, dossier):
    other = receive(world, clerk=world.other_clerk, agency=world.other_counter, now=at(2026, 3, 3, 9))
    assert set(codes(api(world.supervisor).get("/api/dossiers/"))) == {dossier.code, other.code}
    assert codes(api(world.supervisor).get("/api/dossiers/", {"unit": world.other_commune.pk})) == [other.code]


def test_the_list_filters_by_status_procedure_agency_period_and_text(api, world, dossier):
    later = receive(world, procedure=world.linked_proc, now=at(2026, 3, 10, 9), name="Lò Thị Hoa")
    services.complete_step(later, actor=world.specialist, now=at(2026, 3, 10, 10))
    client = api(world.clerk)
    assert codes(client.get("/api/dossiers/", {"status": "processing"})) == [later.code]
    assert codes(client.get("/api/dossiers/", {"status": ["processing", "received"]})) == [later.code, dossier.code]
    assert codes(client.get("/api/dossiers/", {"procedure": world.commune_proc.pk})) == [dossier.code]
    assert codes(client.get("/api/dossiers/", {"agency": world.counter.pk})) == [later.code, dossier.code]
    assert codes(client.get("/api/dossiers/", {"received_from": "2026-03-03"})) == [later.code]
    assert codes(client.get("/api/dossiers/", {"received_to": "2026-03-02"})) == [dossier.code]
    assert codes(client.get("/api/dossiers/", {"q": "Hoa"})) == [later.code]
    bad = client.get("/api/dossiers/", {"status": "lost", "received_from": "yesterday"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"status", "received_from"}


def test_overdue_and_at_risk_filters_use_the_clock(api, world, dossier):
    client = api(world.clerk)
    with clock.service_clock(at(2026, 3, 2, 10)):  # just received: neither
        assert codes(client.get("/api/dossiers/", {"overdue": "true"})) == []
        assert codes(client.get("/api/dossiers/", {"overdue": "false"})) == [dossier.code]
    with clock.service_clock(dossier.at_risk_at):
        assert codes(client.get("/api/dossiers/", {"at_risk": "true"})) == [dossier.code]
        assert client.get("/api/dossiers/").json()["results"][0]["is_at_risk"] is True
    with clock.service_clock(at(2026, 4, 1, 9)):
        assert codes(client.get("/api/dossiers/", {"overdue": "true"})) == [dossier.code]
        assert codes(client.get("/api/dossiers/", {"at_risk": "true"})) == []
        assert client.get("/api/dossiers/").json()["results"][0]["is_overdue"] is True


def test_the_list_is_paginated_newest_first_with_a_bounded_number_of_queries(
        api, world, django_assert_max_num_queries):
    made = [receive(world, now=at(2026, 3, 2, 8 + n)).code for n in range(5)]
    client = api(world.clerk)
    with django_assert_max_num_queries(6):  # token+user, roles, memberships, count, page
        first = client.get("/api/dossiers/", {"page_size": 2})
    body = first.json()
    assert body["count"] == 5 and body["next"].endswith("page=2&page_size=2")
    second = client.get("/api/dossiers/", {"page_size": 2, "page": 2}).json()
    third = client.get("/api/dossiers/", {"page_size": 2, "page": 3}).json()
    assert [d["code"] for d in body["results"] + second["results"] + third["results"]] == made[::-1]


def test_the_detail_shows_personal_data_plan_open_work_and_the_timeline_without_hashes(
        api, world, dossier, django_assert_max_num_queries):
    services.complete_step(dossier, actor=world.specialist, note="Hồ sơ đủ", now=at(2026, 3, 2, 14))
    client = api(world.clerk)
    with django_assert_max_num_queries(8):  # token+user, roles, memberships, dossier, work, files, events
        response = client.get(f"/api/dossiers/{dossier.pk}/")
    body = response.json()
    assert body["applicant"]["id_number"] == "012345678901" and body["applicant"]["phone"] == "0912345678"
    assert [s["name"] for s in body["plan"]] == ["Thẩm định hồ sơ", "Ký giấy xác nhận"]
    assert body["open_work"]["agency"]["id"] == world.pc.pk and body["open_work"]["role"] == "leader"
    assert [e["action"] for e in body["timeline"]] == ["receive", "complete_step"]
    assert body["timeline"][1]["actor"]["username"] == "specialist" and body["timeline"][1]["note"] == "Hồ sơ đủ"
    assert "hash" not in body["timeline"][0] and "prev_hash" not in body["timeline"][0]
    assert body["version"] == 2 and body["status"] == "processing"


def test_another_agencys_dossier_is_404_like_an_unknown_one(api, world, dossier):
    response = api(world.other_clerk).get(f"/api/dossiers/{dossier.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert response.json() == api(world.other_clerk).get("/api/dossiers/987654/").json()  # existence not revealed
    assert api(world.clerk).get("/api/dossiers/987654/").status_code == 404
    assert api(world.clerk).get("/api/dossiers/99999999999999999999/").status_code == 404


def test_the_count_is_capped_and_paging_stops_at_its_depth(api, world, monkeypatch):
    from onestop.api.pagination import ScopedPagination

    monkeypatch.setattr(ScopedPagination, "count_cap", 3)
    monkeypatch.setattr(ScopedPagination, "max_rows", 4)
    made = [receive(world, now=at(2026, 3, 2, 8 + n)).code for n in range(5)]
    client = api(world.clerk)
    first = client.get("/api/dossiers/", {"page_size": 2}).json()
    assert (first["count"], first["count_capped"]) == (3, True)
    second = client.get("/api/dossiers/", {"page_size": 2, "page": 2}).json()
    assert [d["code"] for d in first["results"] + second["results"]] == made[::-1][:4]
    assert second["next"] is None  # row 5 lies past the depth: narrow the list with its filters
    assert client.get("/api/dossiers/", {"page_size": 2, "page": 3}).status_code == 404
    narrowed = client.get("/api/dossiers/", {"received_to": "2026-03-01"}).json()
    assert (narrowed["count"], narrowed["count_capped"], narrowed["results"]) == (0, False, [])
