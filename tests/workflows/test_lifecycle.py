"""A dossier's life through the generic flow, for a commune, a district and an inter-linked procedure."""
import pytest

from tests import factories as f
from tests.world import at, receive
from workflows import services
from workflows.audit import verify_chain
from workflows.flows import DossierFlow
from workflows.models import DossierEvent, WorkItem
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def open_task(dossier):
    return WorkItem.objects.get(process_id=dossier.process_id, status__in=["NEW", "ASSIGNED"],
                                flow_task_type="HUMAN")


def test_it_carries_a_commune_dossier_from_receipt_to_return(world):
    w = world
    dossier = receive(w)
    assert dossier.status == Status.RECEIVED
    assert dossier.code == "000.01.06.H29-260302-0001"

    task = open_task(dossier)
    assert (task.flow_task, task.agency_id, task.role) == (DossierFlow.process_step, w.justice.pk, "specialist")
    assert task.owner_id == w.specialist.pk  # the agency's only specialist: assigned at creation

    dossier = services.complete_step(dossier, actor=w.specialist, note="Hồ sơ hợp lệ", now=at(2026, 3, 2, 14))
    assert dossier.status == Status.PROCESSING
    task = open_task(dossier)
    assert (task.agency_id, task.role, task.owner_id) == (w.pc.pk, "leader", w.leader.pk)

    dossier = services.decide(dossier, actor=w.leader, outcome="granted", now=at(2026, 3, 3, 10))
    assert dossier.status == Status.RESULT_READY
    task = open_task(dossier)
    assert (task.flow_task, task.agency_id) == (DossierFlow.return_result, w.counter.pk)
    assert task.owner_id is None  # two clerks at the counter: the task waits in its queue

    dossier = services.return_result(dossier, actor=w.clerk2, collected_by="Nguyễn Văn An", now=at(2026, 3, 3, 15))
    assert dossier.status == Status.RETURNED
    dossier.process.refresh_from_db()
    assert dossier.process.status == "DONE"
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == [
        "receive", "complete_step", "decide", "return_result",
    ]
    assert verify_chain(dossier).ok


def test_it_hands_an_interlinked_dossier_up_from_commune_to_district_to_province(world):
    w = world
    dossier = receive(w, w.linked_proc)
    holders = []
    for actor in (w.specialist, w.land_specialist, w.tax_specialist):
        task = open_task(dossier)
        holders.append(task.agency_id)
        dossier = services.complete_step(dossier, actor=actor, now=at(2026, 3, 3, 9))
    task = open_task(dossier)
    holders.append(task.agency_id)
    assert holders == [w.justice.pk, w.land.pk, w.tax.pk, w.province_pc.pk]
    dossier = services.decide(dossier, actor=w.province_leader, outcome="granted", now=at(2026, 3, 4, 9))
    # The result comes back to the counter that received it.
    assert open_task(dossier).agency_id == w.counter.pk
    dossier = services.return_result(dossier, actor=w.clerk, collected_by="Nguyễn Văn An", now=at(2026, 3, 4, 10))
    assert dossier.status == Status.RETURNED


def test_it_runs_a_district_procedure_received_at_the_district_counter(world):
    w = world
    proc = f.procedure(level_code="district", steps=[
        ("Thẩm tra", 0, "land_registration", "specialist", 60), ("Phê duyệt", 0, "people_committee", "leader", 40),
    ])
    dossier = receive(w, proc, clerk=w.district_clerk, agency=w.district_counter)
    assert open_task(dossier).agency_id == w.land.pk
    dossier = services.complete_step(dossier, actor=w.land_specialist, now=at(2026, 3, 2, 15))
    assert open_task(dossier).agency_id == w.district_pc.pk
    dossier = services.decide(dossier, actor=w.district_leader, outcome="denied", reasons="Không đủ điều kiện",
                              now=at(2026, 3, 3, 9))
    assert dossier.outcome == "denied"
    dossier = services.return_result(dossier, actor=w.district_clerk, collected_by="Lò Văn Bình",
                                     now=at(2026, 3, 3, 10))
    assert dossier.status == Status.RETURNED


def test_online_submission_waits_at_the_counter_then_follows_the_same_flow(world):
    w = world
    w.commune_proc.online_level = "partial"
    w.commune_proc.save()
    receipt = services.submit_online(
        procedure=w.commune_proc, agency=w.counter, applicant=services.Applicant(name="Trần Thị Hoa"),
        document_ids=[], now=at(2026, 3, 2, 20),
    )
    dossier = receipt.dossier
    assert dossier.status == Status.SUBMITTED and dossier.received_at is None and dossier.due_at is None
    task = open_task(dossier)
    assert (task.flow_task, task.agency_id) == (DossierFlow.review_submission, w.counter.pk)
    dossier = services.accept_online(dossier, actor=w.clerk, now=at(2026, 3, 3, 8))
    assert dossier.status == Status.RECEIVED and dossier.received_at == at(2026, 3, 3, 8)
    assert open_task(dossier).flow_task == DossierFlow.process_step


def test_a_refused_online_submission_ends_the_flow(world):
    w = world
    w.commune_proc.online_level = "full"
    w.commune_proc.save()
    dossier = services.submit_online(
        procedure=w.commune_proc, agency=w.counter, applicant=services.Applicant(name="Trần Thị Hoa"),
        document_ids=[], now=at(2026, 3, 2, 20),
    ).dossier
    dossier = services.refuse(dossier, actor=w.clerk, reasons="Sai thẩm quyền", now=at(2026, 3, 3, 8))
    assert dossier.status == Status.REFUSED
    assert not WorkItem.objects.filter(process_id=dossier.process_id, status__in=["NEW", "ASSIGNED"]).exists()


def test_a_supplement_request_sends_the_dossier_to_the_counter_and_back_to_the_same_step(world):
    w = world
    dossier = receive(w)
    dossier = services.request_supplement(dossier, actor=w.specialist, items=["Bản sao CCCD"],
                                          reason="Thiếu giấy tờ", now=at(2026, 3, 2, 10))
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    assert open_task(dossier).flow_task == DossierFlow.await_supplement
    dossier = services.supplement_received(dossier, actor=w.clerk, now=at(2026, 3, 5, 9))
    assert dossier.status == Status.PROCESSING
    task = open_task(dossier)
    assert (task.flow_task, task.step_index, task.agency_id) == (DossierFlow.process_step, 0, w.justice.pk)


def test_withdrawal_cancels_the_open_work(world):
    w = world
    dossier = receive(w, now=at(2025, 6, 2, 9))  # the 2018 rules: the applicant withdraws
    dossier = services.withdraw(dossier, actor=w.clerk, reason="Công dân xin rút", now=at(2025, 6, 2, 11))
    assert dossier.status == Status.WITHDRAWN
    assert not WorkItem.objects.filter(process_id=dossier.process_id, status__in=["NEW", "ASSIGNED"]).exists()


def test_codes_run_per_agency_and_day(world):
    w = world
    codes = [receive(w, now=at(2026, 3, 2, 9)).code, receive(w, now=at(2026, 3, 2, 10)).code,
             receive(w, now=at(2026, 3, 3, 9)).code,
             receive(w, clerk=w.other_clerk, agency=w.other_counter, now=at(2026, 3, 2, 9)).code]
    assert codes == ["000.01.06.H29-260302-0001", "000.01.06.H29-260302-0002",
                     "000.01.06.H29-260303-0001", "000.04.06.H29-260302-0001"]


def test_a_hand_over_can_name_the_next_holder_who_must_be_eligible(world):
    from workflows.errors import PermissionDenied

    w = world
    second_leader = f.user("leader2", "leader", [w.pc])  # two leaders: no automatic assignment
    dossier = receive(w)
    with pytest.raises(PermissionDenied):
        services.complete_step(dossier, actor=w.specialist, next_assignee=w.land_specialist)
    dossier = services.complete_step(dossier, actor=w.specialist, next_assignee=second_leader)
    assert open_task(dossier).owner_id == second_leader.pk


def test_with_several_eligible_members_the_step_waits_in_the_agency_queue(world):
    w = world
    f.user("leader2", "leader", [w.pc])
    dossier = services.complete_step(receive(w), actor=w.specialist)
    assert open_task(dossier).owner_id is None
