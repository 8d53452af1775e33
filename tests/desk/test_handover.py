"""Completing a step and naming who holds the next one (Chuyển cho cán bộ)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.world import receive
from workflows import services
from workflows.models import Dossier, DossierEvent, WorkItem
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def url(name, dossier):
    return reverse(f"desk:{name}", args=[dossier.pk])


def open_item(dossier):
    return WorkItem.objects.get(process_id=dossier.process_id, status__in=("NEW", "ASSIGNED"))


@pytest.fixture
def leaders(world):
    """Two leaders at the commune's people's committee (the next step): no automatic hand-over."""
    world.leader2 = f.user("leader2", "leader", [world.pc], first_name="Hà", last_name="Vàng Thị")
    return world


def test_the_complete_form_lists_the_next_steps_eligible_holders(client, leaders, frozen_now):
    w = leaders
    f.user("retired_leader", "leader", [w.pc], is_active=False)
    dossier = receive(w, now=frozen_now)
    client.force_login(w.specialist)
    response = client.get(url("dossier", dossier))
    form = response.context["complete_form"]
    assert [h["name"] for h in form.holders] == ["leader", "Vàng Thị Hà"]  # not the inactive one, nor other agencies
    assert form.next_step["name"] == "Ký giấy xác nhận"
    page = response.content.decode()
    assert "Chuyển cho cán bộ" in page and f'<option value="{w.leader2.pk}">Vàng Thị Hà</option>' in page
    assert "Ký giấy xác nhận — UBND xã Bình Lư" in page


def test_a_named_colleague_holds_the_next_step(client, leaders, frozen_now):
    w = leaders
    dossier = receive(w, now=frozen_now)
    client.force_login(w.specialist)
    response = client.post(url("complete", dossier), {"version": dossier.event_count, "note": "Đủ điều kiện",
                                                      "next_assignee": w.leader2.pk})
    assert response.status_code == 302 and response["Location"] == reverse("desk:index")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.current_step == 1
    assert open_item(dossier).owner == w.leader2
    assert DossierEvent.objects.filter(dossier=dossier, action="complete_step", actor=w.specialist).exists()


def test_an_interlinked_step_can_be_handed_to_the_next_agencys_specialist(client, world, frozen_now):
    dossier = receive(world, world.linked_proc, now=frozen_now)
    client.force_login(world.specialist)
    holders = client.get(url("dossier", dossier)).context["complete_form"].holders
    assert [h["pk"] for h in holders] == [world.land_specialist.pk]
    client.post(url("complete", dossier), {"version": dossier.event_count, "next_assignee": world.land_specialist.pk})
    item = open_item(dossier)
    assert (item.agency, item.owner) == (world.land, world.land_specialist)


def test_no_choice_leaves_it_to_the_engine(client, leaders, world, frozen_now):
    dossier = receive(leaders, now=frozen_now)
    client.force_login(world.specialist)
    client.post(url("complete", dossier), {"version": dossier.event_count, "note": "", "next_assignee": ""})
    assert Dossier.objects.get(pk=dossier.pk).current_step == 1
    assert open_item(dossier).owner is None  # two eligible leaders: the agency's queue


def test_no_choice_with_one_eligible_member_goes_to_that_member(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    client.post(url("complete", dossier), {"version": dossier.event_count, "next_assignee": ""})
    assert open_item(dossier).owner == world.leader


@pytest.mark.parametrize("who", ["district_leader", "clerk", "inactive", "missing"])
def test_an_ineligible_colleague_is_a_form_error_and_nothing_changes(client, leaders, who, frozen_now):
    w = leaders
    users = {"district_leader": w.district_leader, "clerk": w.clerk,
             "inactive": f.user("retired_leader", "leader", [w.pc], is_active=False)}
    chosen = users[who].pk if who in users else 987654
    dossier = receive(w, now=frozen_now)
    client.force_login(w.specialist)
    response = client.post(url("complete", dossier), {"version": dossier.event_count, "note": "Ý kiến của tôi",
                                                      "next_assignee": chosen})
    assert response.status_code == 400
    page = response.content.decode()
    assert "không thuộc cơ quan hoặc không có vai trò xử lý bước này" in page and "Ý kiến của tôi" in page
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.current_step, fresh.event_count) == (0, dossier.event_count)
    assert open_item(dossier).owner == w.specialist


def test_a_garbled_choice_is_a_form_error(client, world, frozen_now):
    dossier = receive(world, now=frozen_now)
    client.force_login(world.specialist)
    response = client.post(url("complete", dossier), {"version": dossier.event_count, "next_assignee": "abc"})
    assert response.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).current_step == 0


def test_a_stale_hand_over_is_a_conflict_that_keeps_the_choice(client, leaders, frozen_now):
    w = leaders
    dossier = receive(w, now=frozen_now)
    seen = dossier.event_count
    services.start_processing(dossier, actor=w.specialist)  # a newer version than the form's
    client.force_login(w.specialist)
    response = client.post(url("complete", dossier), {"version": seen, "note": "Ghi chú giữ lại",
                                                      "next_assignee": w.leader2.pk})
    assert response.status_code == 409
    page = response.content.decode()
    assert "vừa được người khác cập nhật" in page and "Ghi chú giữ lại" in page
    assert f'<option value="{w.leader2.pk}" selected>' in page
    assert Dossier.objects.get(pk=dossier.pk).current_step == 0


def test_the_last_step_offers_no_hand_over(client, world, frozen_now):
    dossier = services.complete_step(receive(world, now=frozen_now), actor=world.specialist)
    client.force_login(world.leader)
    response = client.get(url("dossier", dossier))
    assert response.context["can_decide"] and not response.context["can_complete"]
    assert 'name="next_assignee"' not in response.content.decode()
    # The decision sends the result to the counter: there is no next step to hand to anyone.
    refused = client.post(url("complete", dossier), {"version": dossier.event_count,
                                                     "next_assignee": world.leader.pk})
    assert refused.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).current_step == 1


def _count(client, dossier):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("dossier", dossier))
    assert response.status_code == 200 and response.context["can_complete"]
    return len(ctx.captured_queries), len(response.context["complete_form"].holders)


def test_the_dossier_page_costs_the_same_queries_for_2_or_8_eligible_holders(client, leaders, frozen_now):
    dossier = receive(leaders, now=frozen_now)
    client.force_login(leaders.specialist)
    small, listed = _count(client, dossier)
    assert listed == 2
    for n in range(6):
        f.user(f"leader_extra{n}", "leader", [leaders.pc])
    large, listed = _count(client, dossier)
    assert listed == 8 and large == small
