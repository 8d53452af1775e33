"""POST /api/dossiers/: reception at the counter through the receive service."""
import pytest

from tests import factories as f
from workflows import codes
from workflows.models import Dossier

pytestmark = pytest.mark.django_db


def body(world, **over):
    proc = world.commune_proc
    data = {
        "procedure": proc.pk, "agency": world.counter.pk,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "012345678901", "phone": "0912345678"},
        "document_ids": [d.pk for d in proc.documents.filter(is_mandatory=True)],
    }
    data.update(over)
    return data


def test_a_clerk_receives_a_dossier_and_gets_its_code_and_secret_once(api, world):
    response = api(world.clerk).post("/api/dossiers/", body(world), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    dossier = Dossier.objects.get(code=data["code"])
    assert data["status"] == "received" and data["due_at"] and data["channel"] == "counter"
    assert codes.secret_matches(data["secret"], dossier.lookup_secret_hash)
    assert [e["action"] for e in data["timeline"]] == ["receive"]
    detail = api(world.clerk).get(f"/api/dossiers/{dossier.pk}/").json()
    assert "secret" not in detail


def test_a_missing_mandatory_document_is_a_400_naming_it(api, world):
    response = api(world.clerk).post("/api/dossiers/", body(world, document_ids=[]), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert response.json()["details"]["missing"] == ["Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"]
    assert not Dossier.objects.exists()


def test_bad_references_and_fields_are_400s_with_the_field_named(api, world):
    client = api(world.clerk)
    for over, field in (({"procedure": 987654}, "procedure"), ({"agency": "x"}, "agency"),
                        ({"applicant": {"name": ""}}, "applicant"), ({"channel": "online"}, "channel"),
                        ({"document_ids": ["a"]}, "document_ids")):
        response = client.post("/api/dossiers/", body(world, **over), format="json")
        assert response.status_code == 400, over
        assert field in response.json()["errors"], over
    other_doc = f.procedure(code="5.000001").documents.first()
    response = client.post("/api/dossiers/", body(world, document_ids=[other_doc.pk]), format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_a_procedure_of_another_level_or_without_a_route_is_refused(api, world):
    district_proc = f.procedure(code="2.000002", level_code="district")
    response = api(world.clerk).post("/api/dossiers/", body(world, procedure=district_proc.pk, document_ids=[
        d.pk for d in district_proc.documents.all()]), format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    unrouted = f.procedure(code="3.000003", steps=[("Thẩm định", 0, "police", "specialist", 100)])
    response = api(world.clerk).post("/api/dossiers/", body(world, procedure=unrouted.pk, document_ids=[
        d.pk for d in unrouted.documents.all()]), format="json")
    assert response.status_code == 400 and response.json()["code"] == "routing_error"


def test_only_a_clerk_of_the_agency_receives(api, world):
    for user in (world.specialist, world.other_clerk, world.supervisor):
        response = api(user).post("/api/dossiers/", body(world), format="json")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", user
    assert api().post("/api/dossiers/", body(world), format="json").status_code == 401
    assert not Dossier.objects.exists()
