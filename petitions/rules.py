"""The petitions' time limits and the named predicates the screens and the scoreboard share.

QĐ 766/QĐ-TTg indicator 5.2 (law-2025.md section (b)): a petition is refused within 2 working days,
more information is asked for within 5, it is handled (answered) within 15 and the answer is
published within 2 after it. The limits are working days on the receiving unit's working calendar
(`procedures.calendar`, the one the dossier clock uses), counted as the dossier clock counts them
(`workflows.deadlines`): from the start of counting of the instant (a petition received after the
same-day cut-off or on a day off counts from the next working day's opening), N working days of
office time later. Handling counts again from the instant the asked-for information arrived.

Each predicate is a query expression (`*_q`) so the scoreboard counts with it in one query, and the
same rule in Python (`handled_on_time`) for a page showing one petition; tests hold them equal.
Rows recorded before the lifecycle existed have no due instants: a step with no limit is on time.
"""
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q

from procedures.calendar import WorkingCalendar, load_calendar

from .models import Petition, PetitionState

REFUSE_DAYS = 2    # từ chối xử lý
ASK_DAYS = 5       # đề nghị bổ sung thông tin
HANDLE_DAYS = 15   # xử lý, trả lời
PUBLISH_DAYS = 2   # công khai kết quả xử lý

OPEN_STATES = (PetitionState.RECEIVED, PetitionState.AWAITING_INFO)


def calendar_of(agency) -> WorkingCalendar:
    """The receiving unit's calendar (the unit of the agency that handles the petition)."""
    return load_calendar(agency.unit_id if agency is not None else None)


def working_days_after(cal: WorkingCalendar, start: datetime, days: int) -> datetime:
    """`days` working days of office time from the start of counting of `start` (the convention of
    workflows.deadlines.supplement_due)."""
    return cal.add_working_time(cal.start_of_counting(start), cal.working_day_length * days)


def receipt_dues(cal: WorkingCalendar, received_at: datetime) -> dict:
    """The due instants set at receipt."""
    return {
        "refuse_due_at": working_days_after(cal, received_at, REFUSE_DAYS),
        "ask_due_at": working_days_after(cal, received_at, ASK_DAYS),
        "handle_due_at": working_days_after(cal, received_at, HANDLE_DAYS),
    }


def handle_due_after_info(cal: WorkingCalendar, info_received_at: datetime) -> datetime:
    return working_days_after(cal, info_received_at, HANDLE_DAYS)


def publish_due(cal: WorkingCalendar, answered_at: datetime) -> datetime:
    return working_days_after(cal, answered_at, PUBLISH_DAYS)


# --- the predicates (query expressions) ------------------------------------------------------


def _by(done: str, due: str) -> Q:
    """The step `done` happened by its due instant `due` (no due instant: no limit)."""
    return Q(**{f"{due}__isnull": True}) | Q(**{f"{done}__lte": F(due)})


def _not_past(due: str, as_of: datetime) -> Q:
    return Q(**{f"{due}__isnull": True}) | Q(**{f"{due}__gte": as_of})


def refused_on_time_q() -> Q:
    return Q(state=PetitionState.REFUSED) & _by("refused_at", "refuse_due_at")


def asked_on_time_q() -> Q:
    """No information was asked for, or it was asked within the limit."""
    return Q(asked_at__isnull=True) | _by("asked_at", "ask_due_at")


def answered_on_time_q() -> Q:
    return Q(resolved_at__isnull=False) & _by("resolved_at", "handle_due_at")


def published_on_time_q(as_of: datetime) -> Q:
    """Published within the limit, or not yet and its limit not yet past at `as_of`."""
    return ((Q(published_at__isnull=False) & _by("published_at", "publish_due_at"))
            | (Q(published_at__isnull=True) & _not_past("publish_due_at", as_of)))


def pending_on_time_q(as_of: datetime) -> Q:
    """Open and not late at `as_of`: waiting for the petitioner's information, or its handling
    limit not past."""
    return (Q(resolved_at__isnull=True, state__in=OPEN_STATES)
            & (Q(state=PetitionState.AWAITING_INFO) | _not_past("handle_due_at", as_of)))


def handled_on_time_q(as_of: datetime) -> Q:
    """QĐ 766 5.2: every step taken so far within its limit, judged at `as_of` for what is pending."""
    return refused_on_time_q() | (
        ~Q(state=PetitionState.REFUSED) & asked_on_time_q()
        & ((answered_on_time_q() & published_on_time_q(as_of)) | pending_on_time_q(as_of))
    )


def re_raised_q():
    """Raised again: a later petition names this one as the one it raises again."""
    return Exists(Petition.objects.filter(re_raised_from=OuterRef("pk")))


def satisfied_q(as_of: datetime) -> Q:
    """QĐ 766 5.3's numerator: not disliked, not raised again and handled on time."""
    return handled_on_time_q(as_of) & Q(disliked=False) & ~re_raised_q()


# --- the same rule in Python, for one petition ----------------------------------------------


def _done_by(done, due) -> bool:
    return due is None or (done is not None and done <= due)


def handled_on_time(petition: Petition, as_of: datetime) -> bool:
    """`handled_on_time_q` for one loaded petition (no query)."""
    p = petition
    if p.state == PetitionState.REFUSED:
        return _done_by(p.refused_at, p.refuse_due_at)
    if p.asked_at is not None and not _done_by(p.asked_at, p.ask_due_at):
        return False
    if p.resolved_at is not None:
        if not _done_by(p.resolved_at, p.handle_due_at):
            return False
        if p.published_at is not None:
            return _done_by(p.published_at, p.publish_due_at)
        return p.publish_due_at is None or p.publish_due_at >= as_of
    if p.state == PetitionState.AWAITING_INFO:
        return True
    return p.state in OPEN_STATES and (p.handle_due_at is None or p.handle_due_at >= as_of)


def current_due(petition: Petition):
    """(label key, instant) of the next limit the handler works against, or None."""
    p = petition
    if p.state == PetitionState.RECEIVED:
        return p.handle_due_at
    if p.state == PetitionState.ANSWERED:
        return p.publish_due_at
    return None


def is_late(petition: Petition, now: datetime) -> bool:
    due = current_due(petition)
    return due is not None and due < now
