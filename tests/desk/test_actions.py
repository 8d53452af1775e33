"""Desk actions: claim, assign, unassign, complete, supplement, extend, decide — through the services."""
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.world import receive
from workflows import services
from workflows.models import DossierEvent, WorkItem
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def url(name, dossier, *args):
    return reverse(f"desk:{name}", args=[dossier.pk, *args])


def open_item(dossier):
    return WorkItem.objects.get(process_id=dossier.process_id, status__in=("NEW", "ASSIGNED"))


def fresh(dossier):
    dossier.refresh_from_db()
    return dossier


def test_the_dossier_page_shows_documents_steps_due_times_and_timeline(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    response = client.get(url("dossier", dossier))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" in page  # documents
    assert "Thẩm định hồ sơ" in page and "Ký giấy xác nhận" in page  # steps
    assert "Tiếp nhận hồ sơ" in page  # timeline
    assert response.context["remaining_hours"] > 0 and response.context["task_remaining_hours"] is not None
    assert response.context["can_complete"] and not response.context["can_decide"]


def test_a_specialist_claims_work_from_the_queue(client, team, frozen_now):
    dossier = receive(team, now=frozen_now)
    client.force_login(team.specialist2)
    response = client.post(url("claim", dossier), {"version": dossier.event_count})
    assert response["Location"] == url("dossier", dossier)
    assert fresh(dossier).status == Status.PROCESSING
    assert open_item(dossier).owner == team.specialist2


def test_a_leader_assigns_and_unassigns_work(client, team, frozen_now):
    dossier = receive(team, now=frozen_now)
    client.force_login(team.justice_leader)
    client.post(url("assign", dossier), {"version": dossier.event_count, "assignee": team.specialist2.pk})
    assert open_item(dossier).owner == team.specialist2
    client.post(url("unassign", dossier), {"version": fresh(dossier).event_count})
    assert open_item(dossier).owner is None


def test_assigning_to_someone_outside_the_agency_is_refused(client, team, frozen_now):
    dossier = receive(team, now=frozen_now)
    client.force_login(team.justice_leader)
    response = client.post(url("assign", dossier), {"version": dossier.event_count, "assignee": team.clerk.pk})
    assert response.status_code == 403 and "không thuộc cơ quan" in response.content.decode()
    missing = client.post(url("assign", dossier), {"version": dossier.event_count, "assignee": 987654})
    assert missing.status_code == 403
    assert open_item(dossier).owner is None


def test_a_specialist_completes_a_step_with_a_note(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    response = client.post(url("complete", dossier), {"version": dossier.event_count, "note": "Hồ sơ hợp lệ"})
    assert response["Location"] == reverse("desk:index")
    dossier = fresh(dossier)
    assert dossier.current_step == 1 and open_item(dossier).owner == world.leader
    assert DossierEvent.objects.filter(dossier=dossier, action="complete_step", note="Hồ sơ hợp lệ").exists()


def test_a_stale_completion_gets_a_clear_message_and_keeps_the_note(client, team, frozen_now):
    dossier = receive(team, now=frozen_now)
    seen = dossier.event_count
    services.assign(dossier, actor=team.specialist2, assignee=team.specialist2)
    client.force_login(team.specialist2)
    response = client.post(url("complete", dossier), {"version": seen, "note": "Ý kiến rất dài của tôi"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được người khác cập nhật" in page and "Ý kiến rất dài của tôi" in page
    assert f'name="version" value="{fresh(dossier).event_count}"' in page
    assert fresh(dossier).current_step == 0


def test_a_specialist_requests_a_supplement(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    empty = client.post(url("supplement", dossier), {"version": dossier.event_count, "items": "  "})
    assert empty.status_code == 400
    client.post(url("supplement", dossier), {"version": dossier.event_count,
                                             "items": "Bản sao CCCD\nGiấy xác nhận cư trú", "reason": "Thiếu"})
    dossier = fresh(dossier)
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    event = DossierEvent.objects.get(dossier=dossier, action="request_supplement")
    assert event.data["items"] == ["Bản sao CCCD", "Giấy xác nhận cư trú"]


def test_a_specialist_proposes_an_extension(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    # A week later at 16:00 sharp: the form's field has no seconds.
    new_due = timezone.localtime(dossier.due_at + timezone.timedelta(days=7))
    new_due = new_due.replace(hour=16, minute=0, second=0, microsecond=0)
    bad = client.post(url("extend", dossier), {"version": dossier.event_count, "new_due_at": "sớm", "reason": "x"})
    assert bad.status_code == 400
    client.post(url("extend", dossier), {"version": dossier.event_count,
                                         "new_due_at": new_due.strftime("%Y-%m-%dT%H:%M"), "reason": "Cần xác minh"})
    dossier = fresh(dossier)
    assert dossier.extension_count == 1 and dossier.due_at == new_due


def test_an_extension_to_an_earlier_date_is_refused_with_the_reason(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    earlier = timezone.localtime(dossier.due_at - timezone.timedelta(hours=1))
    response = client.post(url("extend", dossier), {"version": dossier.event_count,
                                                    "new_due_at": earlier.strftime("%Y-%m-%dT%H:%M"), "reason": "x"})
    assert response.status_code == 400 and "phải sau ngày hẹn hiện tại" in response.content.decode()


def test_a_leader_grants_or_denies_with_reasons(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    dossier = services.complete_step(dossier, actor=world.specialist)
    client.force_login(world.leader)
    assert client.get(url("dossier", dossier)).context["can_decide"]
    no_reason = client.post(url("decide", dossier), {"version": dossier.event_count, "outcome": "denied"})
    assert no_reason.status_code == 400 and "Cần nêu rõ lý do" in no_reason.content.decode()
    client.post(url("decide", dossier), {"version": dossier.event_count, "outcome": "denied",
                                         "reasons": "Không đủ điều kiện"})
    dossier = fresh(dossier)
    assert dossier.status == Status.RESULT_READY and dossier.outcome == "denied"
    assert dossier.outcome_reasons == "Không đủ điều kiện"


def test_a_specialist_cannot_decide(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    response = client.post(url("decide", dossier), {"version": dossier.event_count, "outcome": "granted"},
                           follow=True)
    assert response.redirect_chain == [(url("dossier", dossier), 302)]  # the fresh page, which offers no decision
    assert [str(m) for m in response.context["messages"]] and not response.context["can_decide"]
    assert fresh(dossier).status == Status.RECEIVED


def test_another_agencys_dossier_is_not_found_at_the_desk(client, world, fake_documents, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.land_specialist)
    assert client.get(url("dossier", dossier)).status_code == 404
    assert client.post(url("complete", dossier), {"version": dossier.event_count}).status_code == 404
    assert client.get(url("form", dossier, "control_slip")).status_code == 404
    assert fake_documents == []


def test_the_desk_serves_the_dossiers_forms(client, world, fake_documents, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    response = client.get(url("form", dossier, "control_slip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert fake_documents == [("control_slip", dossier.pk, None)]
