"""Indicator 2.1 as the national portal computes it (law-2025.md (b)), named apart from
onestop's own on-time rule (reporting/rules.py), which measures against the legal due date."""
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PortalClock:
    start: datetime
    appointment: datetime | None  # NgayHenTra: our current due/appointment
    result_ready_at: datetime | None = None
    returned_at: datetime | None = None
    stopped_at: datetime | None = None  # stopped or refused
    supplement_requests: tuple[tuple[datetime, datetime | None], ...] = ()  # (requested, completed)
    limit: timedelta | None = None  # used only without an appointment


def portal_end(c: PortalClock, period_end: datetime) -> datetime:
    """Result-ready wins over returned, over stopped; a dossier still waiting for a supplement
    ends at the request; a pending one ends at the period end."""
    for end in (c.result_ready_at, c.returned_at, c.stopped_at):
        if end is not None:
            return end
    for requested, completed in c.supplement_requests:
        if completed is None:
            return requested
    return period_end


def supplement_wait(c: PortalClock, end: datetime) -> timedelta:
    return sum(((done or end) - asked for asked, done in c.supplement_requests if asked < end),
               timedelta())


def portal_on_time(c: PortalClock, period_end: datetime) -> bool:
    """On time when end − supplement wait ≤ appointment; > 1 supplement request = late."""
    if len(c.supplement_requests) > 1:
        return False
    end = portal_end(c, period_end)
    effective = end - supplement_wait(c, end)
    if c.appointment is not None:
        return effective <= c.appointment
    return c.limit is not None and effective - c.start <= c.limit
