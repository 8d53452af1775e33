"""Who may see and act: agency membership and roles, supervisors' subtrees."""
import pytest

from tests.world import receive
from workflows import services
from workflows.access import dossiers_for, work_items_for
from workflows.errors import PermissionDenied

pytestmark = pytest.mark.django_db


def test_a_clerk_of_another_commune_can_neither_see_nor_act_on_the_dossier(world):
    w = world
    dossier = receive(w)
    assert not dossiers_for(w.other_clerk).filter(pk=dossier.pk).exists()
    assert dossiers_for(w.clerk).filter(pk=dossier.pk).exists()
    with pytest.raises(PermissionDenied):
        services.withdraw(dossier, actor=w.other_clerk, reason="x")
    with pytest.raises(PermissionDenied):
        services.receive(actor=w.other_clerk, procedure=w.commune_proc, agency=w.counter,
                         applicant=services.Applicant(name="A"),
                         document_ids=[d.pk for d in w.commune_proc.documents.all()])


def test_only_the_holder_agency_and_role_may_act_on_a_step(world):
    w = world
    dossier = receive(w)
    for intruder in (w.leader, w.clerk, w.land_specialist):
        with pytest.raises(PermissionDenied):
            services.complete_step(dossier, actor=intruder)
    dossier.refresh_from_db()
    assert dossier.event_count == 1


def test_a_district_agency_sees_the_commune_dossier_it_holds_work_for(world):
    w = world
    dossier = receive(w, w.linked_proc)
    assert not dossiers_for(w.land_specialist).filter(pk=dossier.pk).exists()
    services.complete_step(dossier, actor=w.specialist)
    assert dossiers_for(w.land_specialist).filter(pk=dossier.pk).exists()
    assert work_items_for(w.land_specialist).filter(process_id=dossier.process_id).count() == 1


def test_a_district_supervisor_sees_the_subtree_only(world):
    w = world
    inside = receive(w)
    assert dossiers_for(w.supervisor).filter(pk=inside.pk).exists()
    outside_unit = w.province
    from tests import factories as f

    province_counter = f.agency(outside_unit, "one_stop", "Trung tâm PVHCC tỉnh", "000.00.99.H29")
    province_clerk = f.user("province_clerk", "clerk", [province_counter])
    proc = f.procedure(level_code="province", steps=[("Phê duyệt", 0, "people_committee", "leader", 100)])
    outside = receive(w, proc, clerk=province_clerk, agency=province_counter)
    assert not dossiers_for(w.supervisor).filter(pk=outside.pk).exists()


def test_a_leader_assigns_queued_work_and_the_assignee_must_belong_to_the_agency(world):
    from tests import factories as f
    from workflows.models import WorkItem

    w = world
    second = f.user("specialist2", "specialist", [w.justice])
    dossier = receive(w)  # two specialists now: the step waits in the justice queue
    task = WorkItem.objects.get(process_id=dossier.process_id, step_index=0)
    assert task.owner_id is None
    with pytest.raises(PermissionDenied):
        services.assign(dossier, actor=w.leader, assignee=w.land_specialist)
    dossier = services.assign(dossier, actor=second, assignee=second)
    task.refresh_from_db()
    assert task.owner_id == second.pk
    with pytest.raises(PermissionDenied):
        services.complete_step(dossier, actor=w.specialist)
    dossier = services.unassign(dossier, actor=second)
    dossier = services.start_processing(dossier, actor=w.specialist)
    assert dossier.status == "processing"


def test_the_listed_holders_and_the_engine_apply_one_rule(world):
    """`eligible_users` (lists) and `eligible_user_ids` (the hand-over's fixed SQL) agree."""
    from tests import factories as f
    from workflows.flows import eligible_user_ids, eligible_users

    agency = world.justice
    f.user("second_specialist", "specialist", [agency])
    f.user("inactive_specialist", "specialist", [agency], is_active=False)
    f.user("leader_only", "leader", [agency])
    listed = set(eligible_users(agency.pk, "specialist").values_list("pk", flat=True))
    assert len(listed) == 2 and set(eligible_user_ids(agency.pk, "specialist")) == listed
    for pk in listed:
        assert eligible_user_ids(agency.pk, "specialist", only=pk) == [pk]
