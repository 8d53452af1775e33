"""The public catalog: units, agencies, fields, procedures with documents and steps."""
import datetime as dt

import pytest

from procedures.models import OnlineLevel
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_anyone_lists_procedures_in_code_order_with_time_limit_fee_and_online_level(api, world):
    response = api().get("/api/catalog/procedures/")
    assert response.status_code == 200
    codes = [p["code"] for p in response.json()["results"]]
    assert codes == sorted(codes) and {"1.004873", "9.000001"} <= set(codes)
    row = next(p for p in response.json()["results"] if p["code"] == "1.004873")
    assert row["time_limit"] == "3 ngày làm việc"
    assert row["online_level"] == "none" and row["field"]["name"] == "Hộ tịch"


def test_a_procedure_detail_lists_its_documents_and_steps(api, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = api().get(f"/api/catalog/procedures/{world.commune_proc.pk}/")
    body = response.json()
    assert [d["name"] for d in body["documents"]] == [
        "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", "Giấy tờ khác"]
    assert body["documents"][0]["is_mandatory"] is True
    assert [(s["order"], s["agency_kind"], s["role"]) for s in body["steps"]] == [
        (1, "justice", "specialist"), (2, "people_committee", "leader")]


def test_procedures_filter_by_unit_level_field_online_level_and_text(api, world):
    f.procedure(code="2.000001", name="Thủ tục cấp huyện", level_code="district", online_level=OnlineLevel.FULL,
                field=f.field("Đất đai"))
    client = api()

    def codes(**params):
        response = client.get("/api/catalog/procedures/", params)
        assert response.status_code == 200, response.json()
        return [p["code"] for p in response.json()["results"]]

    assert codes(unit=world.district.pk) == ["2.000001"]
    assert codes(level="commune") == ["1.004873", "9.000001"]
    assert codes(field=world.commune_proc.field_id) == ["1.004873", "9.000001"]
    assert codes(online_level="full") == ["2.000001"]
    assert codes(q="hôn nhân") == ["1.004873"]
    assert codes(q="9.0000") == ["9.000001"]


def test_an_unknown_unit_or_level_is_a_400_with_the_field_named(api, world):
    response = api().get("/api/catalog/procedures/", {"unit": 999999})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and "unit" in response.json()["errors"]
    assert api().get("/api/catalog/units/", {"level": "hamlet"}).status_code == 400


def test_units_agencies_and_fields_are_listed_and_filtered(api, world):
    client = api()
    units = client.get("/api/catalog/units/", {"parent": world.district.pk}).json()["results"]
    assert [u["name"] for u in units] == ["Bình Lư", "Bản Bo"]  # tree (path) order: created first, first
    agencies = client.get("/api/catalog/agencies/", {"unit": world.commune.pk, "kind": "one_stop"}).json()
    assert [a["name"] for a in agencies["results"]] == ["Bộ phận Một cửa xã Bình Lư"]
    assert agencies["results"][0]["is_one_stop_counter"] is True
    fields = client.get("/api/catalog/fields/", {"q": "hộ"}).json()["results"]
    assert [x["name"] for x in fields] == ["Hộ tịch"]
    assert client.get(f"/api/catalog/units/{world.commune.pk}/").json()["level"] == "commune"
    assert client.get("/api/catalog/units/999999/").status_code == 404
    assert client.get(f"/api/catalog/agencies/{world.land.pk}/").json()["kind"] == "land_registration"
    assert client.get(f"/api/catalog/fields/{world.commune_proc.field_id}/").json()["name"] == "Hộ tịch"
    assert client.get("/api/catalog/fields/99999999999999999999999/").status_code == 404  # beyond bigint
    missing = client.get("/api/catalog/fields/999999/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_catalog_lists_are_paginated_with_a_stable_order(api, world):
    for n in range(5):
        f.procedure(code=f"8.00000{n}", name=f"Thủ tục {n}")
    client = api()
    first = client.get("/api/catalog/procedures/", {"page_size": 3}).json()
    second = client.get("/api/catalog/procedures/", {"page_size": 3, "page": 2}).json()
    assert first["count"] == 7 and first["next"] and first["previous"] is None
    seen = [p["code"] for p in first["results"] + second["results"]]
    assert seen == sorted(seen) and len(set(seen)) == 6
    assert client.get("/api/catalog/procedures/", {"page": 99}).status_code == 404
    assert len(client.get("/api/catalog/procedures/", {"page_size": 1000}).json()["results"]) == 7


def test_expired_procedures_are_not_in_the_catalog(api, world):
    f.procedure(code="7.000001", valid_to=dt.date(2020, 1, 1))
    codes = [p["code"] for p in api().get("/api/catalog/procedures/").json()["results"]]
    assert "7.000001" not in codes


def test_procedures_show_the_version_in_force_on_a_date(api, world):
    from procedures.versions import publish_new_version

    old = world.commune_proc
    new = publish_new_version(old, dt.date(2025, 7, 1), time_limit_value=5)
    client = api()

    def version(on=None):
        params = {"q": old.code, **({"on": on} if on else {})}
        rows = [r for r in client.get("/api/catalog/procedures/", params).json()["results"] if r["code"] == old.code]
        assert len(rows) == 1  # one version per code and date
        return rows[0]

    before, after = version("2025-06-30"), version("2025-07-01")
    assert (before["id"], before["valid_to"]) == (old.pk, "2025-07-01")
    assert (after["id"], after["valid_from"], after["time_limit_value"]) == (new.pk, "2025-07-01", "5.0")
    assert version()["id"] == new.pk  # today
    assert client.get(f"/api/catalog/procedures/{old.pk}/").status_code == 404  # ended: not today's
    assert client.get(f"/api/catalog/procedures/{old.pk}/", {"on": "2025-01-15"}).status_code == 200
    bad = client.get("/api/catalog/procedures/", {"on": "30/06/2025"})
    assert bad.status_code == 400 and "on" in str(bad.json())
