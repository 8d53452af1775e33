"""One endpoint per service action: success, each domain error as 4xx, the wrong role, stale versions."""
import datetime as dt

import pytest

from tests import factories as f
from tests.world import at, receive
from workflows import services
from workflows.models import Dossier
from workflows.services import Applicant

pytestmark = pytest.mark.django_db


def post(client, dossier, action, **body):
    return client.post(f"/api/dossiers/{dossier.pk}/{action}/", body, format="json")


def ok(response, status="") -> dict:
    assert response.status_code == 200, response.json()
    if status:
        assert response.json()["status"] == status
    return response.json()


def error(response, http: int, code: str) -> dict:
    assert response.status_code == http, response.json()
    assert response.json()["code"] == code and response.json()["message"]
    return response.json()


@pytest.fixture
def online(world):
    world.commune_proc.online_level = "full"
    world.commune_proc.save()
    return services.submit_online(
        procedure=world.commune_proc, agency=world.counter, applicant=Applicant(name="Lò Thị Hoa"),
        document_ids=[d.pk for d in world.commune_proc.documents.all()], now=at(2026, 3, 2, 8),
    ).dossier


def test_a_clerk_accepts_an_online_submission_and_a_specialist_may_not(api, world, online):
    error(post(api(world.specialist), online, "accept"), 404, "not_found")  # not in her scope yet
    body = ok(post(api(world.clerk), online, "accept", note="Đủ hồ sơ"), "received")
    assert body["received_at"] and body["due_at"] and body["version"] == 2
    error(post(api(world.clerk), online, "accept"), 409, "transition_not_allowed")


def test_a_clerk_refuses_an_online_submission_only_with_reasons(api, world, online):
    error(post(api(world.clerk), online, "refuse", reasons="  "), 400, "invalid_input")
    error(post(api(world.clerk), online, "refuse"), 400, "invalid_input")  # reasons missing
    body = ok(post(api(world.clerk), online, "refuse", reasons="Sai thủ tục"), "refused")
    assert body["outcome_reasons"] == "Sai thủ tục"


def test_the_specialist_starts_the_step_and_the_clerk_may_not(api, world, dossier):
    error(post(api(world.clerk), dossier, "start"), 403, "permission_denied")
    body = ok(post(api(world.specialist), dossier, "start"), "processing")
    assert body["open_work"]["owner"] == "specialist"


def test_complete_step_hands_over_and_the_last_step_cannot_be_completed(api, world, dossier):
    error(post(api(world.clerk), dossier, "complete-step"), 403, "permission_denied")
    body = ok(post(api(world.specialist), dossier, "complete-step", note="Đủ điều kiện"), "processing")
    assert body["current_step"] == 1 and body["open_work"]["role"] == "leader"
    error(post(api(world.leader), dossier, "complete-step"), 409, "transition_not_allowed")


def test_complete_step_names_a_valid_next_assignee(api, world, dossier):
    body = ok(post(api(world.specialist), dossier, "complete-step", next_assignee=world.leader.pk))
    assert body["open_work"]["owner"] == "leader"
    error(post(api(world.leader), dossier, "complete-step", next_assignee=987654), 400, "invalid_input")


def test_request_supplement_needs_items_and_the_counter_receives_the_supplement(api, world, dossier):
    error(post(api(world.specialist), dossier, "request-supplement", items=[" "]), 400, "invalid_input")
    body = ok(post(api(world.specialist), dossier, "request-supplement", items=["Bản sao CCCD"], reason="Thiếu"),
              "awaiting_supplement")
    assert body["supplement_count"] == 1
    error(post(api(world.specialist), dossier, "supplement-received"), 403, "permission_denied")
    ok(post(api(world.clerk), dossier, "supplement-received", note="Đã nhận"), "processing")
    error(post(api(world.clerk), dossier, "supplement-received"), 409, "transition_not_allowed")


def test_extend_moves_the_appointment_once_and_checks_the_new_date(api, world, frozen_now):
    fresh = receive(world, now=frozen_now)
    later = fresh.due_at + dt.timedelta(days=7)
    error(post(api(world.clerk), fresh, "extend", new_due_at=fresh.due_at.isoformat(), reason="Chậm"),
          400, "invalid_input")
    error(post(api(world.clerk), fresh, "extend", new_due_at=later.isoformat(), reason=""), 400, "invalid_input")
    error(post(api(world.other_clerk), fresh, "extend", new_due_at=later.isoformat(), reason="x"),
          404, "not_found")  # out of her scope: as if it did not exist
    body = ok(post(api(world.clerk), fresh, "extend", new_due_at=later.isoformat(), reason="Chờ xác minh"),
              "received")
    assert body["extension_count"] == 1 and body["original_due_at"] != body["due_at"]
    again = later + dt.timedelta(days=7)
    error(post(api(world.clerk), fresh, "extend", new_due_at=again.isoformat(), reason="Lần hai"),
          409, "transition_not_allowed")


def test_extend_too_close_to_the_due_time_is_refused(api, world, dossier, frozen_now):
    # Received in March; it is long past due now: too late to apologise in advance.
    late = (frozen_now + dt.timedelta(days=30)).isoformat()
    error(post(api(world.clerk), dossier, "extend", new_due_at=late, reason="Chậm"), 409, "transition_not_allowed")


def test_the_leader_decides_and_denial_needs_reasons(api, world, dossier):
    error(post(api(world.specialist), dossier, "decide", outcome="granted"), 409, "transition_not_allowed")
    services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    error(post(api(world.leader), dossier, "decide", outcome="denied"), 400, "invalid_input")
    error(post(api(world.leader), dossier, "decide", outcome="maybe"), 400, "invalid_input")
    body = ok(post(api(world.leader), dossier, "decide", outcome="granted"), "result_ready")
    assert body["outcome"] == "granted" and body["resolved_at"]


def test_the_clerk_returns_the_result_to_a_named_person(api, world, dossier):
    error(post(api(world.clerk), dossier, "return", collected_by="An"), 409, "transition_not_allowed")
    d = services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 3, 3, 9))
    error(post(api(world.clerk), dossier, "return", collected_by=" "), 400, "invalid_input")
    error(post(api(world.leader), dossier, "return", collected_by="An"), 403, "permission_denied")
    body = ok(post(api(world.clerk), dossier, "return", collected_by="Nguyễn Văn An"), "returned")
    assert body["collected_by"] == "Nguyễn Văn An" and body["open_work"] is None


def test_the_clerk_records_a_withdrawal_with_a_reason(api, world):
    dossier = receive(world, now=at(2025, 6, 2, 9))  # withdrawal is the 2018 rules' way
    error(post(api(world.clerk), dossier, "withdraw", reason=""), 400, "invalid_input")
    error(post(api(world.specialist), dossier, "withdraw", reason="Rút"), 403, "permission_denied")
    ok(post(api(world.clerk), dossier, "withdraw", reason="Công dân đề nghị"), "withdrawn")
    error(post(api(world.clerk), dossier, "withdraw", reason="Lần nữa"), 409, "transition_not_allowed")


def test_work_is_claimed_assigned_and_returned_to_the_queue(api, world, dossier):
    colleague = f.user("specialist2", "specialist", [world.justice])
    # The only specialist of the agency got the step on receipt; he puts it back in the queue.
    assert ok(post(api(world.specialist), dossier, "unassign"))["open_work"]["owner"] is None
    error(post(api(world.specialist), dossier, "unassign"), 409, "transition_not_allowed")
    error(post(api(world.specialist), dossier, "assign", assignee=world.clerk.pk), 403, "permission_denied")
    error(post(api(world.specialist), dossier, "assign", assignee=colleague.pk), 403, "permission_denied")
    error(post(api(world.specialist), dossier, "assign", assignee=987654), 400, "invalid_input")
    assert ok(post(api(world.specialist), dossier, "assign", assignee=world.specialist.pk))["open_work"]["owner"] \
        == "specialist"
    error(post(api(colleague), dossier, "unassign"), 403, "permission_denied")
    assert ok(post(api(world.specialist), dossier, "unassign"))["open_work"]["owner"] is None


def test_a_stale_version_is_a_409_conflict_and_changes_nothing(api, world, dossier):
    first = post(api(world.specialist), dossier, "complete-step", version=1)
    ok(first)
    second = post(api(world.specialist), dossier, "request-supplement", version=1, items=["Tờ khai"])
    error(second, 409, "conflict")
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.event_count, fresh.current_step) == ("processing", 2, 1)


def test_two_clerks_acting_on_the_same_version_one_wins_the_other_gets_409(api, world, dossier):
    d = services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 3, 3, 9))
    version = Dossier.objects.get(pk=dossier.pk).event_count
    ok(post(api(world.clerk), dossier, "return", version=version, collected_by="An"), "returned")
    error(post(api(world.clerk2), dossier, "withdraw", version=version, reason="Rút"), 409, "conflict")


def test_actions_on_another_agencys_dossier_are_404_like_on_nothing(api, world, dossier):
    assert post(api(world.other_clerk), dossier, "withdraw", reason="x").json() == post(
        api(world.other_clerk), Dossier(pk=987654), "withdraw", reason="x").json()
    error(post(api(world.other_clerk), dossier, "withdraw", reason="x"), 404, "not_found")
    error(post(api(world.supervisor), dossier, "withdraw", reason="x"), 403, "permission_denied")  # sees, not acts
    error(api(world.clerk).post("/api/dossiers/987654/withdraw/", {"reason": "x"}, format="json"), 404, "not_found")
    assert api().post(f"/api/dossiers/{dossier.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 401


def test_a_malformed_body_is_a_400_not_a_500(api, world, dossier):
    client = api(world.clerk)
    for raw in (b"[1, 2]", b"{not json", b'"text"'):
        response = client.post(f"/api/dossiers/{dossier.pk}/withdraw/", raw, content_type="application/json")
        error(response, 400, "invalid_input")
    error(post(client, dossier, "withdraw", reason="x", version=-1), 400, "invalid_input")


def test_a_change_committed_while_a_request_runs_makes_it_a_409_even_without_a_version(
        api, world, dossier, monkeypatch):
    from onestop.api.dossiers import DossierViewSet

    load = DossierViewSet._visible

    def load_then_someone_else_acts(self, pk):
        seen = load(self, pk)  # the request has read the dossier …
        services.request_supplement(Dossier.objects.get(pk=pk), actor=world.specialist, items=["Tờ khai"],
                                    now=at(2026, 3, 2, 10))  # … and another user acts before it writes
        return seen

    monkeypatch.setattr(DossierViewSet, "_visible", load_then_someone_else_acts)
    error(post(api(world.clerk), dossier, "withdraw", reason="Rút"), 409, "conflict")
    assert Dossier.objects.get(pk=dossier.pk).status == "awaiting_supplement"
