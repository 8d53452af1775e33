"""The rules of handling that a province reads, signs and is ranked on — each one written once.

Every screen, figure, rollup, export, alert and API answer uses these names. A rule that a list
needs as SQL and a page needs for one dossier is written here in both forms, side by side; the
tests hold the two equal (tests/reporting/test_rules.py). The ADRs give the law behind each:

- **The clock stands still while the dossier waits for the applicant** (`WAITING_FOR_APPLICANT`;
  NĐ 61/2018 Art. 19, NĐ 118/2025 Art. 21; ADR 0011). Such a dossier is neither overdue nor at
  risk anywhere while it waits; its legal due time moves as the procedure's clock rule says
  (pause or restart, `workflows.deadlines.after_supplement`).
- **Handling ends when the result is ready for return** (decided and handed to the counter), or
  when the dossier is refused, stopped or withdrawn (`HANDLING_ENDED_AT`; ADR 0012). Timeliness
  is judged at that instant, so the applicant's collection never changes a dossier's timeliness
  or a closed period's figures; collecting after the appointment is a citizen-side figure.
- **Two notions of lateness, named** (ADR 0013): *overdue* — late against the legal time limit
  (`original_due_at`: the law's and the report's; an extension never moves it) — and *past the
  appointment* (`due_at`: the citizen's promise, what the counter shows). A screen showing both
  labels both. A dossier whose handling has ended is not overdue in processing.
"""
from django.db.models import Case, DateTimeField, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from procedures.models import OnlineLevel
from workflows.models import OPEN_TASK_STATUSES, Channel, ClockSpan
from workflows.statuses import Status

from .periods import LocalDay, Period, local_day_number

# --- the clock ---------------------------------------------------------------------------------

# Statuses in which the agency's clock does not run: the dossier waits for the applicant — to complete
# it (NĐ 61/2018 Art. 19) or to meet a financial obligation. A stop at the applicant's request
# (NĐ 118/2025 Art. 21) ends handling altogether (`HANDLING_ENDED_AT`).
WAITING_FOR_APPLICANT = frozenset({Status.AWAITING_SUPPLEMENT, Status.AWAITING_PAYMENT})



def ended_at_expr(prefix: str = ""):
    """The instant handling ended: the decision (result ready), else the refusal or withdrawal."""
    return Coalesce(f"{prefix}resolved_at", f"{prefix}closed_at", output_field=DateTimeField())


HANDLING_ENDED_AT = ended_at_expr()


def handling_ended_at(dossier):
    return dossier.resolved_at or dossier.closed_at


# Ended with a decision (granted or denied): the dossiers a report counts as resolved.
DECIDED = Q(resolved_at__isnull=False)
# Ended without one at the applicant's request to stop (a terminal status: it never changes later).
STOPPED = Q(resolved_at__isnull=True, status=Status.STOPPED)


def clock_running_q(prefix: str = "") -> Q:
    """Received, handling not ended, not waiting for the applicant: the agency's clock runs now.

    `prefix` reaches the dossier from another model (e.g. "process__dossier__" from a work item).
    """
    return (Q(**{f"{prefix}received_at__isnull": False, f"{prefix}resolved_at__isnull": True,
                 f"{prefix}closed_at__isnull": True})
            & ~Q(**{f"{prefix}status__in": WAITING_FOR_APPLICANT}))


def is_clock_running(dossier) -> bool:
    return (dossier.received_at is not None and handling_ended_at(dossier) is None
            and dossier.status not in WAITING_FOR_APPLICANT)


def overdue_q(now) -> Q:
    """Overdue (quá hạn giải quyết): the clock runs and the legal due time has passed."""
    return clock_running_q() & Q(original_due_at__lt=now)


def is_overdue(dossier, now) -> bool:
    return is_clock_running(dossier) and dossier.original_due_at is not None and dossier.original_due_at < now


def past_appointment_q(now) -> Q:
    """Past the appointment (quá hẹn trả): the clock runs and the promised return time has passed."""
    return clock_running_q() & Q(due_at__lt=now)


def is_past_appointment(dossier, now) -> bool:
    return is_clock_running(dossier) and dossier.due_at is not None and dossier.due_at < now


def at_risk_q(now) -> Q:
    """At risk (sắp đến hạn): the clock runs, only the at-risk window is left before the appointment."""
    return clock_running_q() & Q(at_risk_at__lte=now, due_at__gte=now)


def is_at_risk(dossier, now) -> bool:
    return (is_clock_running(dossier) and dossier.at_risk_at is not None and dossier.at_risk_at <= now
            and dossier.due_at is not None and dossier.due_at >= now)


def collected_after_appointment_q() -> Q:
    """Collected after the appointment: the citizen's side, never the agency's timeliness."""
    return Q(returned_at__isnull=False, returned_at__gt=F("due_at"))


def is_collected_after_appointment(dossier) -> bool:
    return dossier.returned_at is not None and dossier.due_at is not None and dossier.returned_at > dossier.due_at


# --- timeliness of a resolved dossier (trước hạn / đúng hạn / quá hạn) ---------------------------
# On querysets annotated by `annotate_clock`: ended_at, ended_day, due_day (local day numbers).

LATE = Q(ended_at__gt=F("original_due_at"))
EARLY = Q(ended_day__lt=F("due_day")) & ~LATE  # an earlier local day than the legal due time
ON_TIME = ~EARLY & ~LATE  # the due day, not after the due instant


def annotate_clock(qs, offset_seconds: int):
    """Add `ended_at` and the local day numbers of the end and of the legal due time."""
    return qs.annotate(ended_at=HANDLING_ENDED_AT).annotate(
        ended_day=LocalDay("ended_at", offset_seconds), due_day=LocalDay("original_due_at", offset_seconds))


def timeliness(dossier) -> str | None:
    """'early', 'on_time' or 'late' for a resolved dossier; None until it is resolved."""
    ended = dossier.resolved_at
    if ended is None or dossier.original_due_at is None:
        return None
    if ended > dossier.original_due_at:
        return "late"
    if local_day_number(ended) < local_day_number(dossier.original_due_at):
        return "early"
    return "on_time"


# --- a dossier in a reporting period ---------------------------------------------------------


def handled_q(period: Period) -> Q:
    """Handled in the period: received before its end and not ended before its start."""
    return Q(received_at__lt=period.end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=period.start))


def ended_in_q(period: Period) -> Q:
    return Q(ended_at__gte=period.start, ended_at__lt=period.end)


def pending_at_q(instant, field: str = "ended_at") -> Q:
    """Still being handled at the instant (the end of a period): not ended before it.

    `field` names the annotation holding `HANDLING_ENDED_AT` (or `ended_at_expr(prefix)`).
    """
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": instant})


def span_covers_q(instant, prefix: str = "") -> Q:
    """The clock span in force just before `instant` (a span ends where the next begins)."""
    return (Q(**{f"{prefix}started_at__lt": instant})
            & (Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": instant})))


def span_overdue_q(instant, prefix: str = "") -> Q:
    """That span had the clock running and its legal due time before the instant."""
    return span_covers_q(instant, prefix) & Q(**{f"{prefix}waiting": False, f"{prefix}legal_due_at__lt": instant})


def overdue_at_q(instant) -> Q:
    """Overdue at a past or present instant, from the clock's history: what was true then.

    With `pending_at_q(instant)`, the pending-overdue count of a period; at `now` it agrees with
    `overdue_q(now)` (the same rule from the dossier's current columns).
    """
    return Exists(ClockSpan.objects.filter(span_overdue_q(instant), dossier_id=OuterRef("pk")))


def was_overdue_at(dossier, spans, instant) -> bool:
    """`pending_at_q(instant) & overdue_at_q(instant)` for one dossier and its clock spans."""
    ended = handling_ended_at(dossier)
    if dossier.received_at is None or dossier.received_at >= instant or (ended is not None and ended < instant):
        return False
    covering = [s for s in spans if s.started_at < instant and (s.ended_at is None or s.ended_at >= instant)]
    return any(not s.waiting and s.legal_due_at < instant for s in covering)


# --- processing steps (the delay audit, indicator 2) -----------------------------------------

# A finished step is late if it ended after its own due time or used more than its allotted working time.
STEP_FINISHED_LATE = Q(finished__gt=F("due_at")) | Q(working_seconds__gt=F("allotted_seconds"))


def step_late_q(now) -> Q:
    """A late step: finished late (above), or still open past its due time."""
    return (
        Q(finished__isnull=False, due_at__isnull=False, finished__gt=F("due_at"))
        | Q(working_seconds__gt=F("allotted_seconds"))
        | Q(finished__isnull=True, due_at__lt=now, status__in=OPEN_TASK_STATUSES)
    )


def step_over_seconds():
    """Working seconds beyond the allotment (0 for a step within it)."""
    return Case(When(working_seconds__gt=F("allotted_seconds"), then=F("working_seconds") - F("allotted_seconds")),
                default=Value(0), output_field=IntegerField())


# --- the official evaluation, TT 01/2018/TT-VPCP Art. 13–14 (chấm điểm) ---------------------------
# Per resolved dossier (Art. 14.1: indicators 1, 2, 3, 4, 6, 7) as SQL cases scored 0/1/2, on a
# queryset annotated by `annotate_clock`; per counter and agency (Art. 14.2: 5, 6, 8, 9) in
# reporting.evaluation.


def step_score():
    """Indicator 2 for one step: less working time than allotted 2, exactly it 1, more 0."""
    return Case(
        When(working_seconds__gt=F("allotted_seconds"), then=Value(0)),
        When(working_seconds=F("allotted_seconds"), then=Value(1)),
        default=Value(2), output_field=IntegerField(),
    )


def indicator1():
    """Total time vs the legal limit: early 2, on time 1, late 0."""
    return Case(When(LATE, then=Value(0)), When(EARLY, then=Value(2)), default=Value(1), output_field=IntegerField())


# Contacts to complete a dossier: the supplements asked after receipt and the counter's guidances
# before it (workflows.CounterGuidance), both "lần phải liên hệ để hoàn thiện hồ sơ".
NO_CONTACT = Q(supplement_count=0, guidance_count=0)
ONE_CONTACT = Q(supplement_count=1, guidance_count=0) | Q(supplement_count=0, guidance_count=1)


def indicator3():
    """Times the applicant had to come back to complete the dossier: none 2, once 1, more 0."""
    return Case(When(NO_CONTACT, then=Value(2)), When(ONE_CONTACT, then=Value(1)),
                default=Value(0), output_field=IntegerField())


def indicator4():
    """Bodies contacted to complete it: none 2; only the counter 1; recorded outside the counter 0."""
    return Case(When(NO_CONTACT, then=Value(2)), When(channel=Channel.OUTSIDE, then=Value(0)),
                default=Value(1), output_field=IntegerField())


def indicator6():
    """Public disclosure of the procedure: posted at the counter and published electronically 2, one of them 1."""
    both = Q(procedure__posted_at_counter=True, procedure__published_electronically=True)
    either = Q(procedure__posted_at_counter=True) | Q(procedure__published_electronically=True)
    return Case(When(both, then=Value(2)), When(either, then=Value(1)), default=Value(0),
                output_field=IntegerField())


def indicator7(complained):
    """Attitude: a substantiated complaint or a late result 0; else early 2, on time 1.

    `complained` is a boolean expression: a complaint recorded and not found unsubstantiated.
    """
    return Case(When(complained, then=Value(0)), When(LATE, then=Value(0)), When(EARLY, then=Value(2)),
                default=Value(1), output_field=IntegerField())


def counts_toward_complaints():
    """Complaints that count against a dossier (not found unsubstantiated or slanderous, Art. 13.7.c)."""
    return Q(unsubstantiated=False)


ONE_STOP_CHANNELS = (Channel.COUNTER, Channel.ONLINE, Channel.POSTAL)
ONLINE_SERVICE = ~Q(online_level=OnlineLevel.NONE)
