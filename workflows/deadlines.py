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
from datetime import date, datetime, timedelta
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
    """The competent unit's calendar (where the work is done), loaded once per dossier object (one service call)."""
    cal = getattr(dossier, "_calendar", None)
    if cal is None:
        cal = load_calendar(dossier.competent_unit_id, getattr(dossier, "calendar_revision", None))
        dossier._calendar = cal
    return cal


def area_unit(dossier):
    """The unit whose area class decides the legal limit (ADR 0018): the competent unit. Read
    only when the procedure has an area-dependent limit, so other dossiers cost no extra query."""
    return dossier.competent_unit if dossier.procedure.time_limit_difficult_value is not None else None


def legal_deadline(procedure: Procedure, cal: WorkingCalendar, start: datetime, area=None) -> Deadline:
    """The legal due time from `start`; `area` is the unit whose class decides the limit (area_unit)."""
    unit = procedure.time_limit_unit
    value = Decimal(procedure.time_limit_value)
    if area is not None and area.is_difficult_area and procedure.time_limit_difficult_value is not None:
        # The longer limit for difficult areas; never shorter, should the catalog hold a smaller value.
        value = max(value, Decimal(procedure.time_limit_difficult_value))
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


def step_duration(step: dict, working_day: timedelta) -> int | None:
    """A planned step's own time from the approved internal process, in working seconds (None: a share)."""
    if "duration" not in step:
        return None
    hours = float(step["duration"])
    if step.get("duration_unit") == "working_days":
        hours *= working_day.total_seconds() / 3600
    return int(hours * 3600)


def allot_steps(plan: list[dict], working_total: timedelta, working_day: timedelta) -> None:
    """Give each planned step its time, in whole working seconds: its own from the internal process
    when the procedure sets one, else its share of the limit; when some steps have their own time,
    the others share what is left in proportion to their percentages."""
    total = working_total.total_seconds()
    own = {i: step_duration(step, working_day) for i, step in enumerate(plan)}
    if all(seconds is None for seconds in own.values()):
        for step in plan:
            step["allotted"] = int(total * float(step["share"]) / 100)
        return
    left = max(total - sum(s for s in own.values() if s is not None), 0)
    shares = sum(float(step["share"]) for i, step in enumerate(plan) if own[i] is None)
    for i, step in enumerate(plan):
        if own[i] is not None:
            step["allotted"] = own[i]
        else:
            step["allotted"] = int(left * float(step["share"]) / shares) if shares else 0


def first_unit_due(cal: WorkingCalendar, start: datetime, plan: list[dict]) -> datetime | None:
    """An inter-linked dossier's appointment at the unit that handles it first (the receipt shows it
    beside the total): the end of the leading steps at that unit; None when one unit does it all."""
    units = [step.get("unit") for step in plan]
    if len(set(units)) < 2:
        return None
    leading = 0
    for step in plan:
        if step.get("unit") != units[0]:
            break
        leading += step["allotted"]
    return cal.add_working_time(start, timedelta(seconds=leading))


def step_due(cal: WorkingCalendar, handed_over: datetime, allotted_seconds: int) -> datetime:
    return cal.add_working_time(handed_over, timedelta(seconds=allotted_seconds))


def supplement_due(cal: WorkingCalendar, requested_at: datetime, days: int | None) -> datetime | None:
    """The end of the applicant's time to bring a supplement: `days` working days counted from the
    request (the next working start when asked outside office hours); None when the procedure sets none."""
    if not days:
        return None
    return cal.add_working_time(cal.start_of_counting(requested_at), cal.working_day_length * days)


def after_pause(dossier, cal: WorkingCalendar, resumed_at: datetime) -> tuple[datetime, datetime, int]:
    """New (legal due, appointment, paused working seconds) after the clock stood still: both due
    times move by the working time the dossier waited for the applicant."""
    paused = cal.working_time_between(dossier.clock_paused_at, resumed_at)
    legal = cal.add_working_time(dossier.original_due_at, paused)
    appointment = cal.add_working_time(dossier.due_at, paused)
    return legal, appointment, int(paused.total_seconds())


def after_supplement(dossier, cal: WorkingCalendar, resumed_at: datetime) -> tuple[datetime, datetime, int]:
    """New (legal due, appointment, paused working seconds) when the complete dossier arrives."""
    if dossier.procedure.supplement_clock_rule == SupplementClockRule.PAUSE:
        return after_pause(dossier, cal, resumed_at)
    paused = cal.working_time_between(dossier.clock_paused_at, resumed_at)
    legal = legal_deadline(dossier.procedure, cal, resumed_at, area_unit(dossier)).due_at
    appointment = max(legal, dossier.due_at) if dossier.extension_count else legal
    return legal, appointment, int(paused.total_seconds())


# The days anyone may type (docs/decisions/0014-input-limits.md): the forms, the API and the
# extension refuse a date outside them, so no input reaches the calendar's arithmetic near the
# end of Python's date range (9999-12-31 plus a day overflows: a 500).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def in_window(value: date) -> bool:
    """Whether a date, or a datetime's own calendar date, lies in FIRST_DAY..LAST_DAY."""
    day = value.date() if isinstance(value, datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def window_message() -> str:
    return _("Ngày phải trong khoảng từ %(first)s đến %(last)s.") % {
        "first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")}


def check_extension(dossier, cal: WorkingCalendar, now: datetime, new_due_at: datetime) -> None:
    """An extension is asked at least one working day before the due time, and moves it later
    (within the window of days the calendar computes in)."""
    if not in_window(new_due_at):
        raise InvalidInput(window_message())
    if new_due_at <= dossier.due_at:
        raise InvalidInput(_("Ngày hẹn mới phải sau ngày hẹn hiện tại."))
    if cal.working_time_between(now, dossier.due_at) < cal.working_day_length:
        raise TransitionNotAllowed(
            _("Chỉ được gia hạn chậm nhất 01 ngày làm việc trước thời hạn trả kết quả.")
        )


def working_seconds(cal: WorkingCalendar, start: datetime, end: datetime) -> int:
    return int(cal.working_time_between(start, end).total_seconds())
