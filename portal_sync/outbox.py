"""The outbox: every dossier event becomes a sync record in the event's own transaction.

`workflows.audit.save_event` sends `event_saved` right after the event's row; `write_record`
answers with one INSERT. So a committed event always has its record, a rolled-back one never,
and delivery (portal_sync.delivery) may run late, fail and retry without losing any.
Events older than the link (a dossier received before the province turned sync on) get their
records from `backfill`, which delivery runs before sending a dossier's first record.
"""
from django.conf import settings
from django.db import transaction

from workflows import clock
from workflows.models import DossierEvent

from .models import SyncRecord


def enabled() -> bool:
    return bool(settings.PORTAL_SYNC_ENABLED)


def write_record(sender, event: DossierEvent, **kwargs):
    """Receiver of `audit.event_saved`: one INSERT inside the event's transaction."""
    if not enabled():
        return
    SyncRecord.objects.create(dossier_id=event.dossier_id, event=event, seq=event.seq, action=event.action,
                              created_at=event.at, next_attempt_at=event.at)
    dossier_id = event.dossier_id
    transaction.on_commit(lambda: _deliver_soon(dossier_id), robust=True)  # a failed send never fails the event


def _deliver_soon(dossier_id: int):
    from .tasks import deliver_dossier

    deliver_dossier.delay(dossier_id)


def backfill(dossier_id: int) -> int:
    """Write the records of the dossier's events that have none (events before sync was on)."""
    missing = (DossierEvent.objects.filter(dossier_id=dossier_id, sync_record__isnull=True)
               .order_by("seq").values_list("pk", "seq", "action", "at"))
    now = clock.now()
    records = [SyncRecord(dossier_id=dossier_id, event_id=pk, seq=seq, action=action, created_at=at,
                          next_attempt_at=now) for pk, seq, action, at in missing]
    SyncRecord.objects.bulk_create(records, ignore_conflicts=True)
    return len(records)
