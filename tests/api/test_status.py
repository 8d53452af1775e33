"""Public status: code + secret → the portal page's facts; same 404 for every miss; throttled."""
import pytest

from onestop.screens import lookup as portal_lookup
from tests.world import at
from workflows import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(world):
    proc = world.commune_proc
    return services.receive(
        actor=world.clerk, procedure=proc, agency=world.counter,
        applicant=services.Applicant(name="Nguyễn Văn An", id_number="012345678901", phone="0912345678",
                                     email="an@example.vn"),
        document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9),
    )


def lookup(client, code, secret, ip="203.0.113.7", method="post"):
    if method == "get":
        return client.get("/api/status/", {"code": code, "secret": secret}, REMOTE_ADDR=ip)
    return client.post("/api/status/", {"code": code, "secret": secret}, format="json", REMOTE_ADDR=ip)


def test_a_citizen_gets_the_status_stage_and_appointment(api, receipt, world):
    response = lookup(api(), receipt.dossier.code.lower(), receipt.secret.lower())
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "received" and body["national_status_code"] == 2
    assert body["stage"] == {"step": 1, "of": 2, "name": "Thẩm định hồ sơ", "agency": world.justice.name}
    assert body["due_at"] and "applicant" not in body  # no name at all, as on the portal page
    assert body["what_to_do"] and [e["label"] for e in body["timeline"]] == ["Tiếp nhận hồ sơ"]
    assert response["Cache-Control"] == "private, no-store"
    assert lookup(api(), receipt.dossier.code, receipt.secret, method="get").json() == body


def test_it_shows_no_personal_data_staff_names_or_notes(api, receipt, world):
    world.specialist.first_name, world.specialist.last_name = "Trần Thị", "Bình"
    world.specialist.save()
    d = services.complete_step(receipt.dossier, actor=world.specialist, note="Đã gọi 0912345678",
                               now=at(2026, 3, 2, 14))
    services.request_supplement(d, actor=world.leader, items=["Bản sao sổ hộ khẩu"], reason="Thiếu",
                                now=at(2026, 3, 3, 9))
    response = lookup(api(), receipt.dossier.code, receipt.secret)
    text = response.content.decode()
    for private in ("012345678901", "0912345678", "an@example.vn", "Nguyễn Văn An", "N. V. An", "Trần Thị",
                    "specialist", "leader", "Đã gọi"):
        assert private not in text, private
    assert response.json()["supplement_items"] == ["Bản sao sổ hộ khẩu"]
    assert response.json()["status"] == "awaiting_supplement"


def test_a_wrong_secret_and_an_unknown_code_get_the_same_404(api, receipt):
    wrong = lookup(api(), receipt.dossier.code, "ABCDEFGH")
    unknown = lookup(api(), "000.01.06.H29-260302-9999", receipt.secret)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json() and wrong.json()["code"] == "not_found"


def test_missing_fields_are_a_400(api):
    response = api().post("/api/status/", {"code": "X"}, format="json")
    assert response.status_code == 400 and "secret" in response.json()["errors"]


def test_failures_are_throttled_per_address_sharing_the_portals_budget(api, receipt, settings, rf):
    settings.PORTAL_LOOKUP_MAX_FAILURES = 3
    portal_lookup.record_failure(rf.post("/tra-cuu/", REMOTE_ADDR="203.0.113.7"))  # one miss on the portal page
    for _ in range(2):
        assert lookup(api(), receipt.dossier.code, "WRONG123").status_code == 404
    blocked = lookup(api(), receipt.dossier.code, receipt.secret)
    assert blocked.status_code == 429 and blocked.json()["code"] == "throttled"
    assert int(blocked["Retry-After"]) > 0
    assert lookup(api(), receipt.dossier.code, receipt.secret, ip="198.51.100.9").status_code == 200


def test_successful_lookups_are_never_throttled(api, receipt, settings):
    settings.PORTAL_LOOKUP_MAX_FAILURES = 2
    for _ in range(5):
        assert lookup(api(), receipt.dossier.code, receipt.secret).status_code == 200
