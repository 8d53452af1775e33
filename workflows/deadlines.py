"""The dossier clock (thời hạn giải quyết) on top of the working calendar.

Rules (docs/decisions/0004-dossier-clock.md):
- the legal time limit counts from receipt; a receipt after the same-day cut-off or outside
  office hours counts from the next working day's opening (NĐ 61/2018 Art. 18);
- working-day and working-hour limits are working time on the receiving unit's calendar;
  calendar-day limits are calendar days, ending at the close of the last day (moved to
  the next working day when it falls on a day off); "same day" ends at today's close;
- a supplement either restarts the limit when the complete dossier arrives (the lawful
  default, Art. 19.4) or pauses it and shifts the due time by the paused working time;
- each step gets its share of the limit as working time, due from when it was handed over.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from procedures.calendar import WorkingCalendar, load_calendar
from procedures.models import Procedure, SupplementClockRule, TimeLimitUnit

from .errors import InvalidInput, TransitionNotAllowed


@dataclass(frozen=True)
class Deadline:
    counting_from: datetime
    due_at: datetime
    working_total: timedelta


def calendar_for(dossier) -> WorkingCalendar:
    """The receiving unit's calendar, loaded once per dossier object (one service call)."""
    cal = getattr(dossier, "_calendar", None)
    if cal is None:
        cal = load_calendar(dossier.receiving_unit_id, getattr(dossier, "calendar_revision", None))
        dossier._calendar = cal
    return cal


def legal_deadline(procedure: Procedure, cal: WorkingCalendar, start: datetime) -> Deadline:
    unit = procedure.time_limit_unit
    value = Decimal(procedure.time_limit_value)
    counting_from = cal.start_of_counting(start)
    if unit == TimeLimitUnit.SAME_DAY:
        due = cal.end_of_working_day(counting_from.date())
    elif unit == TimeLimitUnit.WORKING_DAYS:
        due = cal.add_working_time(counting_from, cal.working_day_length * float(value))
    elif unit == TimeLimitUnit.WORKING_HOURS:
        due = cal.add_working_time(counting_from, timedelta(hours=float(value)))
    elif unit == TimeLimitUnit.CALENDAR_DAYS:
        due = cal.add_calendar_days(start, int(value.to_integral_value()))
    else:
        raise InvalidInput(
            _("Thủ tục %(code)s chưa có thời hạn giải quyết xác định; cần quản trị danh mục bổ sung.")
            % {"code": procedure.code}
        )
    return Deadline(counting_from, due, cal.working_time_between(counting_from, due))


def at_risk_instant(cal: WorkingCalendar, start: datetime, due: datetime) -> datetime:
    """The instant from which only the at-risk window of working time remains before `due`."""
    window = timedelta(hours=settings.ONESTOP["AT_RISK_WORKING_HOURS"])
    total = cal.working_time_between(start, due)
    if total <= window:
        return start
    return cal.add_working_time(start, total - window)


def allot_steps(plan: list[dict], working_total: timedelta) -> None:
    """Give each planned step its share of the limit, in whole working seconds."""
    total = working_total.total_seconds()
    for step in plan:
        step["allotted"] = int(total * float(step["share"]) / 100)


def step_due(cal: WorkingCalendar, handed_over: datetime, allotted_seconds: int) -> datetime:
    return cal.add_working_time(handed_over, timedelta(seconds=allotted_seconds))


def after_supplement(dossier, cal: WorkingCalendar, resumed_at: datetime) -> tuple[datetime, datetime, int]:
    """New (legal due, appointment, paused working seconds) when the complete dossier arrives."""
    paused = cal.working_time_between(dossier.clock_paused_at, resumed_at)
    if dossier.procedure.supplement_clock_rule == SupplementClockRule.PAUSE:
        legal = cal.add_working_time(dossier.original_due_at, paused)
        appointment = cal.add_working_time(dossier.due_at, paused)
    else:
        legal = legal_deadline(dossier.procedure, cal, resumed_at).due_at
        appointment = max(legal, dossier.due_at) if dossier.extension_count else legal
    return legal, appointment, int(paused.total_seconds())


def check_extension(dossier, cal: WorkingCalendar, now: datetime, new_due_at: datetime) -> None:
    """An extension is asked at least one working day before the due time, and moves it later."""
    if new_due_at <= dossier.due_at:
        raise InvalidInput(_("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    if cal.working_time_between(now, dossier.due_at) < cal.working_day_length:
        raise TransitionNotAllowed(
            _("Chỉ được gia hạn chậm nhất 01 ngày làm việc trước thời hạn trả kết quả.")
        )


def working_seconds(cal: WorkingCalendar, start: datetime, end: datetime) -> int:
    return int(cal.working_time_between(start, end).total_seconds())
