"""The 2025 actions through the API: a stop at the applicant's request, the financial obligation, and a
receipt for another commune's competent unit by an authorised person."""
import pytest

from tests.api.test_dossier_actions import error, ok, post
from tests.api.test_receive import body
from workflows.models import Dossier

pytestmark = pytest.mark.django_db


def test_the_clerk_stops_a_dossier_at_the_applicants_request(api, world, dossier):
    error(post(api(world.clerk), dossier, "stop", reason=" "), 400, "invalid_input")
    error(post(api(world.clerk), dossier, "stop", reason="Dừng", channel="fax"), 400, "invalid_input")
    error(post(api(world.specialist), dossier, "stop", reason="Dừng"), 403, "permission_denied")
    data = ok(post(api(world.clerk), dossier, "stop", reason="Công dân đề nghị", channel="postal"), "stopped")
    assert data["timeline"][-1]["action"] == "stop"
    error(post(api(world.clerk), dossier, "stop", reason="Lần nữa"), 409, "transition_not_allowed")


def test_the_financial_obligation_is_asked_by_the_step_and_recorded_paid_by_the_counter(api, world, dossier):
    ok(post(api(world.specialist), dossier, "start"), "processing")
    error(post(api(world.specialist), dossier, "request-payment", obligation=""), 400, "invalid_input")
    ok(post(api(world.specialist), dossier, "request-payment", obligation="Lệ phí 50.000 đồng"), "awaiting_payment")
    error(post(api(world.specialist), dossier, "payment-received"), 403, "permission_denied")
    ok(post(api(world.clerk), dossier, "payment-received", note="Biên lai số 15"), "processing")


def test_a_receipt_for_another_commune_by_an_authorised_person(api, commune_b):
    w = commune_b
    applicant = {"name": "Lò Văn Thành", "capacity": "authorised", "subject_name": "Lò Thị Hiền",
                 "authorisation": "Giấy ủy quyền số 12/UQ"}
    response = api(w.clerk).post("/api/dossiers/", body(w, applicant=applicant, competent_unit=w.other_commune.pk,
                                                        return_agency=w.other_counter.pk), format="json")
    assert response.status_code == 201, response.json()
    d = Dossier.objects.get(code=response.json()["code"])
    assert (d.competent_unit, d.return_agency, d.subject_name) == (w.other_commune, w.other_counter, "Lò Thị Hiền")

    missing = {**applicant, "authorisation": ""}
    response = api(w.clerk).post("/api/dossiers/", body(w, applicant=missing), format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    w.commune_proc.boundless_receipt = False
    w.commune_proc.save(update_fields=["boundless_receipt"])
    response = api(w.clerk).post("/api/dossiers/", body(w, competent_unit=w.other_commune.pk), format="json")
    assert response.status_code == 400 and "địa giới" in response.json()["message"]
    assert Dossier.objects.count() == 1
