"""The tamper-evident audit trail: appending events, verifying a dossier's chain, verifying every
dossier's (`verify_all`, nightly) and anchoring every chain head in a signed digest (`take_anchor`)."""
import datetime as dt
import hashlib
import heapq
import hmac
import itertools
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Collate
from django.dispatch import Signal
from django.utils import timezone

from . import clock
from .models import (
    AuditAnchor,
    AuditAnchorHead,
    AuditFinding,
    AuditRun,
    Dossier,
    DossierEvent,
    FindingKind,
)

logger = logging.getLogger("onestop.audit")

#: Sent after the transaction that wrote an event commits (notifications listen here).
event_committed = Signal()
#: Sent inside the transaction that writes an event, right after its row: what a receiver writes
#: commits or rolls back with the event (the national portal's outbox, portal_sync.outbox).
event_saved = Signal()


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
    event_saved.send(sender=DossierEvent, event=event)
    transaction.on_commit(lambda: event_committed.send(sender=DossierEvent, event=event))
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


HEAD_MISMATCH = "chain head does not match the dossier"


def verify_chain(dossier: Dossier) -> ChainReport:
    """Recompute every hash of the dossier's trail; name the first event that breaks it."""
    return check_events(dossier, DossierEvent.objects.filter(dossier=dossier).order_by("seq").iterator())


def check_events(dossier: Dossier, events: Iterable[DossierEvent]) -> ChainReport:
    """`verify_chain` over events already read (in seq order): the nightly run reads them per chunk."""
    prev_hash, expected_seq, checked = "", 1, 0
    for event in events:
        event.dossier = dossier  # the hash names the dossier's code; no query per event
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "previous-hash link does not match")
        if event.compute_hash() != event.hash:
            return ChainReport(False, checked, event.seq, "content does not match its hash")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if checked != dossier.event_count or prev_hash != dossier.last_event_hash:
        return ChainReport(False, checked, checked + 1, HEAD_MISMATCH)
    return ChainReport(True, checked)


# --- every dossier at once: the nightly verification ---------------------------------------------

CHUNK_SIZE = 500  # dossiers per chunk: one query for them, one for their events, one for their anchored heads
MAX_STORED_FINDINGS = 10_000  # a systemic fault (a bad restore or import) must not write a row per dossier
ANCHORS_WITH_HEADS = 2  # anchors whose heads stay in the database; older ones keep digest and signature
_DOSSIER_FIELDS = ("pk", "code", "status", "event_count", "last_event_hash", "unit_path")
_HEAD_FIELDS = ("code", "event_count", "last_event_hash")


@dataclass(frozen=True)
class Finding:
    kind: str
    reason: str
    code: str = ""
    seq: int | None = None
    dossier_id: int | None = None
    unit_path: str = ""


def check_dossier(dossier: Dossier, events: list[DossierEvent],
                  anchored: AuditAnchorHead | None = None) -> list[Finding]:
    """What is wrong with one dossier: its chain, its status against its trail, its head against the anchor."""
    def finding(kind, reason, seq=None):
        return Finding(kind, reason, dossier.code, seq, dossier.pk, dossier.unit_path)

    found = []
    report = check_events(dossier, events)
    if not report.ok:
        kind = FindingKind.HEAD if report.reason == HEAD_MISMATCH else FindingKind.CHAIN
        found.append(finding(kind, report.reason, report.broken_seq))
    # Each event records the status the dossier had after it: the latest one must be the dossier's.
    last = next((event for event in reversed(events) if event.to_status), None)
    if last is None:
        found.append(finding(FindingKind.STATUS, "no event records the dossier's status"))
    elif last.to_status != dossier.status:
        found.append(finding(FindingKind.STATUS,
                             f"the trail ends in {last.to_status!r}, the dossier is {dossier.status!r}", last.seq))
    if anchored is not None:
        problem = _against_anchor(dossier, events, anchored)
        if problem:
            found.append(finding(FindingKind.ANCHOR, problem, anchored.event_count or None))
    return found


def _against_anchor(dossier: Dossier, events: list[DossierEvent], anchored: AuditAnchorHead) -> str:
    """Empty while the anchored head is the head, or a prefix of the trail (events appended since)."""
    count, anchored_hash = anchored.event_count, anchored.last_event_hash
    if dossier.event_count < count:
        return f"{dossier.event_count} events, {count} anchored"
    if dossier.event_count == count:
        return "" if dossier.last_event_hash == anchored_hash else "the head differs from the anchored head"
    if count == 0:
        return ""
    at_anchor = next((event for event in events if event.seq == count), None)
    if at_anchor is None or at_anchor.hash != anchored_hash:
        return f"event {count} differs from the anchored head"
    return ""


class _Recorder:
    """Counts every finding, stores the first MAX_STORED_FINDINGS, one bulk INSERT per chunk."""

    def __init__(self, run: AuditRun):
        self.run, self.pending, self.stored = run, [], 0

    def add(self, findings: Iterable[Finding]):
        for f in findings:
            self.run.finding_count += 1
            if self.stored + len(self.pending) < MAX_STORED_FINDINGS:
                self.pending.append(AuditFinding(
                    run=self.run, dossier_id=f.dossier_id, code=f.code, unit_path=f.unit_path, kind=f.kind,
                    seq=f.seq, reason=f.reason[:300]))

    def flush(self):
        if self.pending:
            AuditFinding.objects.bulk_create(self.pending)
            self.stored += len(self.pending)
            self.pending = []


@contextmanager
def _snapshot():
    """A chunk's reads as of one instant, so an event a service appends between reading the heads and
    reading the events is no false finding (REPEATABLE READ on PostgreSQL; a SQLite read transaction
    is a snapshot already). Inside an outer transaction (tests) that one is the snapshot."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _chunks(anchor: AuditAnchor | None, chunk_size: int):
    """(dossiers, their events by dossier id, their anchored heads by code), chunk after chunk by pk."""
    last_pk = 0
    while True:
        with _snapshot():
            dossiers = list(Dossier.objects.filter(pk__gt=last_pk).order_by("pk").only(*_DOSSIER_FIELDS)[:chunk_size])
            if not dossiers:
                return
            first_pk, last_pk = dossiers[0].pk, dossiers[-1].pk
            # A pk range rather than a list of ids: every dossier of the range is in this chunk.
            rows = DossierEvent.objects.filter(dossier_id__gte=first_pk, dossier_id__lte=last_pk).order_by(
                "dossier_id", "seq")
            events = {pk: list(group) for pk, group in itertools.groupby(rows, key=lambda e: e.dossier_id)}
            heads = {} if anchor is None else {
                head.code: head for head in anchor.heads.filter(code__in=[d.code for d in dossiers])}
        yield dossiers, events, heads
        if len(dossiers) < chunk_size:
            return


def latest_anchor() -> AuditAnchor | None:
    return AuditAnchor.objects.order_by("-taken_at", "-pk").first()


def verify_all(*, chunk_size: int = CHUNK_SIZE) -> AuditRun:
    """Verify every dossier's trail and compare its head with the latest anchor; record the run.

    Bounded memory and a constant number of queries per chunk of dossiers, whatever their number.
    """
    run = AuditRun.objects.create(started_at=timezone.now())
    recorder = _Recorder(run)
    try:
        anchor = latest_anchor()
        if anchor is not None:
            run.anchor = anchor
            problem = check_anchor(anchor)
            if problem:
                recorder.add([Finding(FindingKind.ANCHOR_INVALID, f"anchor of {anchor.day:%Y-%m-%d}: {problem}")])
                anchor = None  # heads that fail their signature are no reference
        for dossiers, events, heads in _chunks(anchor, chunk_size):
            for dossier in dossiers:
                trail = events.get(dossier.pk, [])
                run.events_checked += len(trail)
                recorder.add(check_dossier(dossier, trail, heads.get(dossier.code)))
            run.checked += len(dossiers)
            recorder.flush()
        if anchor is not None:
            recorder.add(_missing(anchor))
            recorder.flush()
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.save()
        raise
    run.finished_at = timezone.now()
    run.save()
    log = logger.error if run.finding_count else logger.info
    log("audit run %s: %s dossiers, %s events, %s findings", run.pk, run.checked, run.events_checked,
        run.finding_count)
    return run


def _missing(anchor: AuditAnchor) -> Iterator[Finding]:
    """Anchored dossiers that no longer exist (one anti-join, streamed)."""
    gone = anchor.heads.filter(~Exists(Dossier.objects.filter(code=OuterRef("code")))).order_by("position")
    for code, event_count in gone.values_list("code", "event_count").iterator(chunk_size=2000):
        yield Finding(FindingKind.ANCHOR, "the anchored dossier no longer exists", code, event_count or None)


# --- the daily anchor: a signed digest of every chain head --------------------------------------

ANCHOR_VERSION = "onestop.audit-anchor.v1"


def anchor_key() -> bytes:
    key = getattr(settings, "ONESTOP_AUDIT_ANCHOR_KEY", "")
    if not key:
        raise ImproperlyConfigured("ONESTOP_AUDIT_ANCHOR_KEY is not set (see docs/deploy.md).")
    return key.encode()


def key_id(key: bytes | None = None) -> str:
    """Names the key an anchor was signed with, so a changed key is told apart from a forged signature."""
    return hashlib.sha256(b"onestop.audit-anchor.key-id:" + (key or anchor_key())).hexdigest()[:16]


def head_line(code: str, event_count: int, last_event_hash: str) -> bytes:
    """One head as the digest reads it; the digest is sha256 over these lines in code point order of code."""
    return f"{code}\t{event_count}\t{last_event_hash}\n".encode()


def sign(anchor: AuditAnchor) -> str:
    taken_at = anchor.taken_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    message = "\n".join([ANCHOR_VERSION, anchor.day.isoformat(), taken_at, str(anchor.dossier_count),
                         anchor.digest])
    return hmac.new(anchor_key(), message.encode(), hashlib.sha256).hexdigest()


def check_anchor(anchor: AuditAnchor) -> str:
    """Empty when the signature holds and the stored heads are the ones that were signed."""
    if anchor.key_id != key_id():
        return "signed with another key (was ONESTOP_AUDIT_ANCHOR_KEY changed?)"
    if not hmac.compare_digest(anchor.signature, sign(anchor)):
        return "the signature does not match"
    digest, count = hashlib.sha256(), 0
    heads = anchor.heads.order_by("position").values_list(*_HEAD_FIELDS).iterator(chunk_size=2000)
    for code, event_count, head in _in_code_order(heads):
        digest.update(head_line(code, event_count, head))
        count += 1
    if count != anchor.dossier_count or digest.hexdigest() != anchor.digest:
        return "its stored heads are not the ones it signed"
    return ""


def _in_code_order(heads):
    """Pass the heads through, refusing any out of code point order (the digest would not be canonical)."""
    previous = None
    for head in heads:
        if previous is not None and head[0] <= previous:
            raise RuntimeError(f"dossier codes out of code point order at {head[0]!r}")
        previous = head[0]
        yield head


def _code_order():
    """Code point order in the database, the digest's order (a locale's collation would differ)."""
    if connection.vendor == "postgresql":
        return Collate("code", "C")
    if connection.vendor == "sqlite":
        return Collate("code", "BINARY")
    return "code"


def _carried(run: AuditRun | None) -> list[tuple[str, int, str]]:
    """The anchored heads of the dossiers `run` found disagreeing with its anchor, in code order."""
    if run is None or run.anchor_id is None:
        return []
    codes = run.findings.filter(kind=FindingKind.ANCHOR).values("code")
    heads = AuditAnchorHead.objects.filter(anchor_id=run.anchor_id, code__in=codes).values_list(*_HEAD_FIELDS)
    return sorted(heads)


def take_anchor(*, carry_from: AuditRun | None = None, chunk_size: int = 2000) -> AuditAnchor:
    """Anchor every dossier's head: stream them in code order, keep the heads, sign their digest.

    `carry_from`: a run whose anchor findings must outlive this anchor. For those dossiers the head
    anchored before is anchored again, not the one that disagreed with it, so the next run reports
    them again instead of taking the rewrite for the truth.
    """
    now, key = timezone.now(), anchor_key()
    carried = _carried(carry_from)
    with transaction.atomic():
        anchor = AuditAnchor.objects.create(day=timezone.localdate(now), taken_at=now, digest="", signature="",
                                            key_id=key_id(key))
        # One SELECT: every head as of one instant, streamed.
        current = Dossier.objects.order_by(_code_order()).values_list(*_HEAD_FIELDS).iterator(chunk_size=chunk_size)
        # A carried head sorts after the current head of the same code (merge is stable): the last one wins.
        merged = heapq.merge(current, carried, key=lambda head: head[0])
        heads = (list(group)[-1] for _code, group in itertools.groupby(merged, key=lambda head: head[0]))
        digest, count, batch = hashlib.sha256(), 0, []
        for code, event_count, head in _in_code_order(heads):
            digest.update(head_line(code, event_count, head))
            batch.append(AuditAnchorHead(anchor=anchor, position=count, code=code, event_count=event_count,
                                         last_event_hash=head))
            count += 1
            if len(batch) >= chunk_size:
                AuditAnchorHead.objects.bulk_create(batch)
                batch = []
        AuditAnchorHead.objects.bulk_create(batch)
        anchor.dossier_count, anchor.digest = count, digest.hexdigest()
        anchor.signature = sign(anchor)
        anchor.save(update_fields=["dossier_count", "digest", "signature"])
        keep = list(AuditAnchor.objects.order_by("-taken_at", "-pk").values_list("pk", flat=True)[:ANCHORS_WITH_HEADS])
        AuditAnchorHead.objects.exclude(anchor_id__in=keep).delete()
    logger.info("audit anchor %s: %s heads, digest %s", anchor.pk, count, anchor.digest)
    return anchor


def export_anchor(anchor: AuditAnchor, out) -> None:
    """Write an anchor for storage apart from the database (binary file object): a header, a blank line,
    then the head lines exactly as digested, so `sha256sum` of the lines after the blank line is the digest."""
    header = [f"# {ANCHOR_VERSION}", f"day: {anchor.day.isoformat()}",
              f"taken_at: {anchor.taken_at.astimezone(dt.UTC).isoformat(timespec='microseconds')}",
              f"dossier_count: {anchor.dossier_count}", f"digest: {anchor.digest}",
              f"signature: {anchor.signature}", f"key_id: {anchor.key_id}", "", ""]
    out.write("\n".join(header).encode())
    heads = anchor.heads.order_by("position").values_list(*_HEAD_FIELDS).iterator(chunk_size=2000)
    for head in heads:
        out.write(head_line(*head))
