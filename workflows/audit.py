"""The tamper-evident audit trail: appending events and verifying a dossier's chain."""
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal

from . import clock
from .models import Dossier, DossierEvent

#: Sent after the transaction that wrote an event commits (notifications listen here).
event_committed = Signal()


def stage_event(dossier: Dossier, *, actor, action: str, from_status: str, step_index=None,
                agency_id=None, note: str = "", data: dict | None = None) -> DossierEvent:
    """Build the next event of the chain and advance the dossier's chain head.

    The caller saves the dossier (its head fields) and then the event, in one transaction.
    """
    event = DossierEvent(
        dossier=dossier, seq=dossier.event_count + 1, at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None, action=action,
        from_status=from_status or "", to_status=dossier.status, step_index=step_index,
        agency_id=agency_id, note=note or "", data=data or {}, prev_hash=dossier.last_event_hash,
    )
    event.hash = event.compute_hash()
    dossier.event_count = event.seq
    dossier.last_event_hash = event.hash
    return event


def save_event(event: DossierEvent) -> DossierEvent:
    event.dossier_id = event.dossier.pk
    event.save(force_insert=True)
    transaction.on_commit(lambda: event_committed.send(sender=DossierEvent, event=event))
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(dossier: Dossier) -> ChainReport:
    """Recompute every hash of the dossier's trail; name the first event that breaks it."""
    prev_hash, expected_seq, checked = "", 1, 0
    for event in DossierEvent.objects.filter(dossier=dossier).order_by("seq").iterator():
        event.dossier = dossier  # the hash names the dossier's code; no query per event
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "previous-hash link does not match")
        if event.compute_hash() != event.hash:
            return ChainReport(False, checked, event.seq, "content does not match its hash")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if checked != dossier.event_count or prev_hash != dossier.last_event_hash:
        return ChainReport(False, checked, checked + 1, "chain head does not match the dossier")
    return ChainReport(True, checked)
