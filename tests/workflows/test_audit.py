"""The audit trail is append-only and tamper-evident."""
import pytest

from tests.workflows.test_verify_audit import tamper
from tests.world import receive
from workflows import services
from workflows.audit import verify_chain
from workflows.models import DossierEvent

pytestmark = pytest.mark.django_db


def lifecycle(w):
    dossier = receive(w)
    dossier = services.complete_step(dossier, actor=w.specialist, note="Đủ điều kiện")
    return services.decide(dossier, actor=w.leader, outcome="granted")


def test_the_chain_of_a_dossier_verifies(world):
    dossier = lifecycle(world)
    report = verify_chain(dossier)
    assert report.ok and report.checked == 3


def test_an_edited_event_is_detected_and_named(world):
    dossier = lifecycle(world)
    second = dossier.events.get(seq=2)
    # tampering happens outside the application (as the database owner, past the PostgreSQL trigger)
    tamper(f"UPDATE {DossierEvent._meta.db_table} SET note = %s WHERE id = %s", ["sửa", second.pk])
    report = verify_chain(dossier)
    assert not report.ok and report.broken_seq == 2


def test_a_deleted_event_is_detected(world):
    dossier = lifecycle(world)
    tamper(f"DELETE FROM {DossierEvent._meta.db_table} WHERE dossier_id = %s AND seq = 3", [dossier.pk])
    report = verify_chain(dossier)
    assert not report.ok


def test_the_code_offers_no_update_or_delete(world):
    dossier = lifecycle(world)
    event = dossier.events.first()
    event.note = "x"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        DossierEvent.objects.filter(dossier=dossier).update(note="x")
    with pytest.raises(PermissionError):
        DossierEvent.objects.filter(dossier=dossier).delete()


def test_each_service_call_writes_exactly_one_event_with_actor_and_statuses(world):
    w = world
    dossier = lifecycle(w)
    events = list(dossier.events.order_by("seq"))
    assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in events] == [
        ("receive", "", "received", w.clerk.pk),
        ("complete_step", "received", "processing", w.specialist.pk),
        ("decide", "processing", "result_ready", w.leader.pk),
    ]
    assert events[1].agency_id == w.justice.pk and events[1].note == "Đủ điều kiện"
