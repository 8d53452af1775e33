"""What the dossier page says about the national portal: one query, nothing when sync is off and
the dossier never had a record."""
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from . import outbox
from .models import DossierSync, RecordState, SyncRecord, SyncState


@dataclass(frozen=True)
class SyncStatus:
    state: str
    label: str
    sent: int
    waiting: int
    dead: int
    last_acked_at: datetime | None
    next_attempt_at: datetime | None
    last_error: str


def sync_status(dossier) -> SyncStatus | None:
    counts = SyncRecord.objects.filter(dossier_id=dossier.pk).aggregate(
        sent=Count("pk", filter=Q(state=RecordState.SENT)), waiting=Count("pk", filter=Q(state=RecordState.PENDING)),
        dead=Count("pk", filter=Q(state=RecordState.DEAD)))
    if not any(counts.values()) and not outbox.enabled():
        return None
    sync = DossierSync.objects.filter(dossier_id=dossier.pk).first()
    state = sync.state if sync else SyncState.PENDING
    head = (SyncRecord.objects.filter(dossier_id=dossier.pk, state=RecordState.PENDING).order_by("seq")
            .values_list("next_attempt_at", flat=True).first()) if counts["waiting"] else None
    return SyncStatus(state=state, label=str(SyncState(state).label), sent=counts["sent"], waiting=counts["waiting"],
                      dead=counts["dead"], last_acked_at=sync.last_acked_at if sync else None,
                      next_attempt_at=head, last_error=sync.last_error if sync else "")
