"""Every legal transition is reachable through the services; every illegal one raises."""
import pytest

from tests.world import at, receive
from workflows import services
from workflows.errors import DomainError, InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import Dossier
from workflows.statuses import Status

pytestmark = pytest.mark.django_db

FSM_EDGES = {
    ("submitted", "received"), ("submitted", "refused"), ("received", "processing"),
    ("processing", "processing"), ("received", "awaiting_supplement"), ("processing", "awaiting_supplement"),
    ("awaiting_supplement", "processing"), ("received", "result_ready"), ("processing", "result_ready"),
    ("result_ready", "returned"), ("received", "awaiting_payment"), ("processing", "awaiting_payment"),
    ("awaiting_payment", "processing"),
} | {(s, "withdrawn") for s in ("submitted", "received", "processing", "awaiting_supplement", "awaiting_payment",
                                 "result_ready")} \
  | {(s, "stopped") for s in ("received", "processing", "awaiting_supplement", "awaiting_payment")} \
  | {(s, s) for s in ("received", "processing", "awaiting_supplement", "awaiting_payment")}  # extend keeps it


def test_the_state_machine_declares_exactly_the_designed_transitions():
    declared = {
        (t.source, t.target if t.target is not None else t.source)
        for t in Dossier._meta.get_field("status").get_all_transitions(Dossier)
    }
    # Expand "=" (extend) and the received→processing implied by complete_step.
    declared = {(s, t) for s, t in declared}
    assert declared == FSM_EDGES


@pytest.mark.parametrize("action", ["decide", "return_result", "supplement_received", "accept_online", "refuse"])
def test_actions_that_do_not_fit_a_received_dossier_raise(world, action):
    w = world
    dossier = receive(w)
    calls = {
        "decide": lambda: services.decide(dossier, actor=w.leader, outcome="granted"),
        "return_result": lambda: services.return_result(dossier, actor=w.clerk, collected_by="A"),
        "supplement_received": lambda: services.supplement_received(dossier, actor=w.clerk),
        "accept_online": lambda: services.accept_online(dossier, actor=w.clerk),
        "refuse": lambda: services.refuse(dossier, actor=w.clerk, reasons="x"),
    }
    with pytest.raises(DomainError) as exc:
        calls[action]()
    assert isinstance(exc.value, TransitionNotAllowed | PermissionDenied)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.event_count == 1


def test_a_returned_dossier_accepts_no_further_action(world):
    w = world
    dossier = receive(w)
    dossier = services.complete_step(dossier, actor=w.specialist)
    dossier = services.decide(dossier, actor=w.leader, outcome="granted")
    dossier = services.return_result(dossier, actor=w.clerk, collected_by="A")
    for call in (
        lambda: services.complete_step(dossier, actor=w.specialist),
        lambda: services.withdraw(dossier, actor=w.clerk, reason="x"),
        lambda: services.request_supplement(dossier, actor=w.specialist, items=["x"]),
        lambda: services.extend(dossier, actor=w.clerk, new_due_at=at(2027, 1, 1), reason="x"),
    ):
        with pytest.raises(TransitionNotAllowed):
            call()


def test_the_last_step_cannot_be_completed_only_decided(world):
    w = world
    dossier = receive(w)
    dossier = services.complete_step(dossier, actor=w.specialist)
    with pytest.raises(TransitionNotAllowed):
        services.complete_step(dossier, actor=w.leader)


def test_a_specialist_step_cannot_be_decided(world):
    w = world
    dossier = receive(w)
    with pytest.raises(TransitionNotAllowed):
        services.decide(dossier, actor=w.specialist, outcome="granted")


def test_the_status_field_cannot_be_assigned_directly(world):
    dossier = receive(world)
    with pytest.raises(AttributeError):
        dossier.status = Status.RETURNED


def test_a_missing_mandatory_document_is_refused_with_its_name(world):
    w = world
    with pytest.raises(InvalidInput) as exc:
        services.receive(actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
                         applicant=services.Applicant(name="A"), document_ids=[])
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" in str(exc.value)
    assert not Dossier.objects.exists()


def test_a_denial_needs_reasons(world):
    w = world
    dossier = services.complete_step(receive(w), actor=w.specialist)
    with pytest.raises(InvalidInput):
        services.decide(dossier, actor=w.leader, outcome="denied", reasons=" ")


def test_each_transition_declares_the_role_that_may_make_it(world):
    from django_fsm import has_transition_perm

    w = world
    dossier = receive(w)
    assert has_transition_perm(dossier.start_processing, w.specialist)
    assert not has_transition_perm(dossier.start_processing, w.clerk)
    assert has_transition_perm(dossier.stop, w.clerk)
    assert not has_transition_perm(dossier.stop, w.other_clerk)  # a clerk, but of another counter
    assert not has_transition_perm(dossier.stop, w.specialist)
    old = receive(w, now=at(2025, 6, 2, 9))  # the 2018 rules: withdrawal, the same who may
    assert has_transition_perm(old.withdraw, w.clerk)
    assert not has_transition_perm(old.withdraw, w.other_clerk)
    assert not has_transition_perm(old.withdraw, w.specialist)
