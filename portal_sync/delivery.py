"""Delivery of the outbox to the national portal: per dossier, in seq order, each record once.

- **Order.** A dossier's records go one after the other; a record that cannot go stops the ones
  behind it (the portal refuses a gap: 409). Dossiers do not wait for each other.
- **One sender per dossier.** A short lease on `DossierSync` (a conditional UPDATE, no lock held
  over the network) keeps two workers — the task after a commit and the sweep — from interleaving.
- **Once.** The idempotency key `MaHoSo:seq` makes a resend after a lost answer harmless: the
  portal says "duplicate" and stores nothing.
- **A portal that lost records** (409, expecting an earlier seq than ours: restored from a backup) gets
  them again from the one it expects, once per delivery; any other refusal is a dead letter.
- **Retries.** No answer or a 5xx: the record waits (back-off doubling from 30 s to 30 min) and the
  sweep sends it again; after MAX_ATTEMPTS, or at once on a refusal (4xx), it becomes a dead
  letter, which an administrator retries from the admin (`retry_dead`).
"""
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q

from workflows import clock

from . import dataset, outbox
from .client import PortalClient, PortalRefused, PortalUnavailable
from .models import DossierSync, RecordState, SyncRecord, SyncState
from .protocol import snapshot_hash

logger = logging.getLogger("onestop.portal_sync")

SYNC_PATH = "/api/dongbo/hoso"
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=30)
MAX_ATTEMPTS = 60  # about a day of retries at the longest interval before a record is a dead letter
LEASE = timedelta(minutes=5)  # longer than a dossier's records take to send; a dead worker's lease lapses
SWEEP_BATCH = 500


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 30 min."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


@dataclass
class Outcome:
    sent: int = 0
    duplicates: int = 0
    failed: int = 0
    dead: int = 0
    skipped: bool = False  # another worker holds the dossier, or the portal is not configured
    errors: list = field(default_factory=list)


def _claim(dossier_id: int, now: datetime) -> bool:
    DossierSync.objects.get_or_create(dossier_id=dossier_id)
    return bool(DossierSync.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now),
                                           dossier_id=dossier_id).update(lease_until=now + LEASE))


def _release(dossier_id: int):
    DossierSync.objects.filter(dossier_id=dossier_id).update(lease_until=None)


def deliver_dossier(dossier_id: int, *, client: PortalClient | None = None, now: datetime | None = None) -> Outcome:
    """Send the dossier's due records in order until one cannot go."""
    client = client or PortalClient.from_settings()
    now = now or clock.now()
    if client is None or not _claim(dossier_id, now):
        return Outcome(skipped=True)
    try:
        outbox.backfill(dossier_id)
        return _send_due(dossier_id, client, now)
    finally:
        _release(dossier_id)


def _send_due(dossier_id: int, client: PortalClient, now: datetime, *, resent: bool = False) -> Outcome:
    outcome = Outcome()
    records = (SyncRecord.objects.filter(dossier_id=dossier_id).exclude(state=RecordState.SENT)
               .select_related("dossier", "event").order_by("seq"))
    for record in records:
        if record.state == RecordState.DEAD or record.next_attempt_at > now:
            break
        hoso = dataset.hoso(record.dossier, upto=record.event)
        body = {"IdempotencyKey": record.idempotency_key, "MaHoSo": record.dossier.code, "Seq": record.seq,
                "SuKien": record.action, "HoSo": hoso}
        try:
            answer = client.post_json(SYNC_PATH, body)
        except PortalUnavailable as error:
            _failed(record, now, str(error), dead=record.attempts + 1 >= MAX_ATTEMPTS, outcome=outcome)
            break
        except PortalRefused as error:
            expected = error.body.get("expected") if error.status == 409 else None
            if not resent and isinstance(expected, int) and 0 < expected < record.seq:
                # The portal lost records it had acknowledged (restored from a backup): send them again
                # from the one it expects, under their own keys, then this one. Once per delivery.
                _resend_from(dossier_id, expected, record.seq, now)
                again = _send_due(dossier_id, client, now, resent=True)
                return _merged(outcome, again)
            _failed(record, now, _refusal_text(error), dead=True, outcome=outcome)
            break
        _accepted(record, now, snapshot_hash(hoso), bool(answer.get("duplicate")), outcome)
    _settle_state(dossier_id)
    return outcome


def _resend_from(dossier_id: int, first: int, before: int, now: datetime):
    logger.warning("portal lost records %s–%s of dossier %s: sending them again", first, before - 1, dossier_id)
    SyncRecord.objects.filter(dossier_id=dossier_id, seq__gte=first, seq__lt=before).update(
        state=RecordState.PENDING, sent_at=None, next_attempt_at=now)


def _merged(first: Outcome, second: Outcome) -> Outcome:
    """The two outcomes added up (`skipped` is the first's: a sweep that ran is not skipped)."""
    return Outcome(sent=first.sent + second.sent, duplicates=first.duplicates + second.duplicates,
                   failed=first.failed + second.failed, dead=first.dead + second.dead,
                   skipped=first.skipped, errors=first.errors + second.errors)


def _refusal_text(error: PortalRefused) -> str:
    if error.status == 409:
        return f"Cổng từ chối vì sai thứ tự: Cổng chờ bản ghi số {error.body.get('expected')}."
    return f"Cổng từ chối ({error.status}): {error.body.get('message') or error.body.get('status') or ''}".strip()


@transaction.atomic
def _accepted(record: SyncRecord, now: datetime, sent_hash: str, duplicate: bool, outcome: Outcome):
    record.state, record.sent_at, record.duplicate, record.sent_hash = RecordState.SENT, now, duplicate, sent_hash
    record.attempts, record.last_error = record.attempts + 1, ""
    record.save(update_fields=["state", "sent_at", "duplicate", "sent_hash", "attempts", "last_error"])
    sync = DossierSync.objects.get(dossier_id=record.dossier_id)
    sync.last_seq_acked = max(sync.last_seq_acked, record.seq)
    sync.first_acked_at = sync.first_acked_at or now
    sync.last_acked_at, sync.last_error = now, ""
    sync.save(update_fields=["last_seq_acked", "first_acked_at", "last_acked_at", "last_error"])
    outcome.sent += 1
    outcome.duplicates += duplicate


@transaction.atomic
def _failed(record: SyncRecord, now: datetime, reason: str, *, dead: bool, outcome: Outcome):
    record.attempts += 1
    record.last_error = reason[:2000]
    if dead:
        record.state = RecordState.DEAD
        outcome.dead += 1
    else:
        record.next_attempt_at = now + backoff(record.attempts)
        outcome.failed += 1
    record.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
    DossierSync.objects.filter(dossier_id=record.dossier_id).update(last_error=record.last_error)
    outcome.errors.append(reason)
    logger.warning("portal sync of dossier %s seq %s failed (%s): %s", record.dossier_id, record.seq,
                   "dead letter" if dead else f"retry at {record.next_attempt_at:%H:%M:%S}", reason)


def _settle_state(dossier_id: int):
    """The dossier's sync state from its records: dead > failing > pending > synced."""
    waiting = SyncRecord.objects.filter(dossier_id=dossier_id).exclude(state=RecordState.SENT)
    if waiting.filter(state=RecordState.DEAD).exists():
        state = SyncState.DEAD
    elif waiting.filter(attempts__gt=0).exists():
        state = SyncState.FAILING
    elif waiting.exists():
        state = SyncState.PENDING
    else:
        state = SyncState.SYNCED
    last = SyncRecord.objects.filter(dossier_id=dossier_id).order_by("-seq").values_list("seq", flat=True).first()
    DossierSync.objects.filter(dossier_id=dossier_id).update(state=state, last_seq_written=last or 0)


def due_dossiers(now: datetime, limit: int = SWEEP_BATCH) -> list[int]:
    """Dossiers with a pending record due by `now`, oldest first (the partial index `sync_record_due`)."""
    ids = (SyncRecord.objects.filter(state=RecordState.PENDING, next_attempt_at__lte=now)
           .order_by("next_attempt_at").values_list("dossier_id", flat=True)[:limit * 4])
    return list(dict.fromkeys(ids))[:limit]


def deliver_due(*, client: PortalClient | None = None, now: datetime | None = None) -> Outcome:
    """The sweep: every dossier with a record due (after a failure, a missed task, a restart)."""
    client = client or PortalClient.from_settings()
    now = now or clock.now()
    total = Outcome()
    if client is None:
        total.skipped = True
        return total
    for dossier_id in due_dossiers(now):
        total = _merged(total, deliver_dossier(dossier_id, client=client, now=now))
    return total


def retry_dead(records) -> int:
    """The administrator's retry: dead letters wait again, from their first attempt; the next sweep sends them."""
    now = clock.now()
    count = records.filter(state=RecordState.DEAD).update(state=RecordState.PENDING, attempts=0,
                                                          next_attempt_at=now, last_error=F("last_error"))
    dossier_ids = set(records.values_list("dossier_id", flat=True))
    for dossier_id in dossier_ids:
        _settle_state(dossier_id)
    return count
