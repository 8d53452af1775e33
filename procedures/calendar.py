"""Working-time arithmetic on a unit's working calendar (lịch làm việc, giờ làm việc).

The core (`WorkingCalendar`) is pure: no database, no clock. `load_calendar()` at the end
builds one from the `CalendarDay` and `OfficeHours` rows.

Model and conventions (docs/decisions/0002-working-calendar.md):

- A working day (ngày làm việc) is a Monday–Friday not in `off_dates` (ngày lễ, Tết, nghỉ
  bù, ngày nghỉ hoán đổi), or any date in `make_up_dates` (ngày làm bù, e.g. a Saturday).
- Working time is the union of the daily spans (sáng 07:00–11:30, chiều 13:30–17:00) on
  working days. Spans are *closed* for results: a span's end is a working instant, so
  adding a full day from 07:00 gives 17:00 the same day, not 07:00 the next morning.
- `add_working_time(t, d)` is the *earliest* working instant w >= t such that the working
  time in [t, w) equals d. Hence it ends at a span end rather than at the next opening
  when the duration runs out exactly there, `add(t, 0) == next_working_instant(t)`, and
  add(add(t, a), b) == add(t, a + b) and working_time_between(t, add(t, d)) == d hold.
- Arithmetic is done on local wall-clock time in `tz`; that is exact for Asia/Ho_Chi_Minh,
  which has had no DST since 1975. Inputs must be aware; outputs are aware in `tz`.
- Whole days are skipped by counting (weekday arithmetic plus a bisect on the sorted
  exceptions), so a year costs the same as an hour.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_SPANS = ((dt.time(7), dt.time(11, 30)), (dt.time(13, 30), dt.time(17)))
DEFAULT_CUTOFF = dt.time(15)

_ZERO = dt.timedelta(0)
_ONE_DAY = dt.timedelta(days=1)
_MICROSECOND = dt.timedelta(microseconds=1)


def _since_midnight(t: dt.time) -> dt.timedelta:
    return dt.timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _weekdays_in(start: dt.date, end: dt.date) -> int:
    """Mondays–Fridays in [start, end)."""
    weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    return 5 * weeks + sum(1 for i in range(rest) if (first + i) % 7 < 5)


@dataclass(frozen=True)
class WorkingCalendar:
    tz: dt.tzinfo = VN_TZ
    off_dates: frozenset[dt.date] = frozenset()
    make_up_dates: frozenset[dt.date] = frozenset()
    spans: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_SPANS
    same_day_cutoff: dt.time = DEFAULT_CUTOFF

    def __post_init__(self):
        # Accept any iterables from callers, but keep the instance hashable and immutable.
        object.__setattr__(self, "off_dates", frozenset(self.off_dates))
        object.__setattr__(self, "make_up_dates", frozenset(self.make_up_dates))
        spans = tuple((start, end) for start, end in self.spans)
        object.__setattr__(self, "spans", spans)
        if not spans:
            raise ValueError("A working calendar needs at least one span of office hours.")
        previous_end = dt.time.min
        for start, end in spans:
            if not previous_end <= start < end:
                raise ValueError(f"Office-hour spans must be increasing and disjoint: {spans}")
            previous_end = end

    # --- precomputed once per calendar ---------------------------------------------------

    @cached_property
    def _offsets(self) -> tuple[tuple[dt.timedelta, dt.timedelta, dt.timedelta], ...]:
        """(start, end, working time before this span) per span, as offsets from midnight."""
        rows, before = [], _ZERO
        for start, end in self.spans:
            s, e = _since_midnight(start), _since_midnight(end)
            rows.append((s, e, before))
            before += e - s
        return tuple(rows)

    @cached_property
    def working_day_length(self) -> dt.timedelta:
        """Working time in one working day (8 h with the default office hours)."""
        s, e, before = self._offsets[-1]
        return before + (e - s)

    @cached_property
    def _off_weekdays(self) -> tuple[dt.date, ...]:
        return tuple(sorted(d for d in self.off_dates if d.weekday() < 5 and d not in self.make_up_dates))

    @cached_property
    def _weekend_make_ups(self) -> tuple[dt.date, ...]:
        return tuple(sorted(d for d in self.make_up_dates if d.weekday() >= 5))

    # --- days ----------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """Ngày làm việc: a weekday that is not a day off, or a make-up working day."""
        return day in self.make_up_dates or (day.weekday() < 5 and day not in self.off_dates)

    def _working_days_in(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end), start <= end."""
        off, extra = self._off_weekdays, self._weekend_make_ups
        return (
            _weekdays_in(start, end)
            - (bisect_left(off, end) - bisect_left(off, start))
            + (bisect_left(extra, end) - bisect_left(extra, start))
        )

    def nth_working_day_after(self, day: dt.date, n: int = 1) -> dt.date:
        """The n-th working day strictly after `day` (n >= 1), by bisection on the day count."""
        if n < 1:
            raise ValueError("n must be at least 1")
        first = day + _ONE_DAY
        # Any 7 days hold 5 weekdays and each off weekday removes at most one: a safe bound.
        lo, hi = 0, 7 * ((n + len(self._off_weekdays)) // 5 + 2)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._working_days_in(first, first + dt.timedelta(days=mid + 1)) >= n:
                hi = mid
            else:
                lo = mid + 1
        return first + dt.timedelta(days=lo)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self.nth_working_day_after(day, 1)

    def end_of_working_day(self, day: dt.date) -> dt.datetime:
        """The close of office hours on `day` (the caller makes sure it is a working day)."""
        return self._aware(_midnight(day) + self._offsets[-1][1])

    def start_of_working_day(self, day: dt.date) -> dt.datetime:
        """The opening of office hours on `day`."""
        return self._aware(_midnight(day) + self._offsets[0][0])

    # --- local wall clock ----------------------------------------------------------------

    def _local(self, t: dt.datetime) -> dt.datetime:
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(f"An aware datetime is required, got {t!r}")
        return t.astimezone(self.tz).replace(tzinfo=None)

    def _aware(self, local: dt.datetime) -> dt.datetime:
        return local.replace(tzinfo=self.tz)

    def _elapsed(self, local: dt.datetime) -> dt.timedelta:
        """Working time between the start of local's day and local (0 on a day off)."""
        day = local.date()
        if not self.is_working_day(day):
            return _ZERO
        tod = local - _midnight(day)
        return sum((max(_ZERO, min(tod, e) - s) for s, e, _b in self._offsets), _ZERO)

    def _instant_at(self, day: dt.date, position: dt.timedelta) -> dt.datetime:
        """The earliest local instant on `day` with `position` of the day's working time behind it."""
        for s, e, before in self._offsets:
            if position <= before + (e - s):
                return _midnight(day) + s + (position - before)
        raise AssertionError("position beyond the working day")  # callers keep 0 <= position <= length

    def _next_working_local(self, local: dt.datetime) -> dt.datetime:
        day = local.date()
        if self.is_working_day(day):
            tod = local - _midnight(day)
            for s, e, _b in self._offsets:
                if tod <= e:
                    return _midnight(day) + max(tod, s)
        return _midnight(self.next_working_day(day)) + self._offsets[0][0]

    # --- instants ------------------------------------------------------------------------

    def is_working_instant(self, t: dt.datetime) -> bool:
        """Whether t lies in office hours on a working day (span ends included)."""
        local = self._local(t)
        if not self.is_working_day(local.date()):
            return False
        tod = local - _midnight(local.date())
        return any(s <= tod <= e for s, e, _b in self._offsets)

    def next_working_instant(self, t: dt.datetime) -> dt.datetime:
        """t itself if it lies in office hours (span ends included), else the next opening."""
        return self._aware(self._next_working_local(self._local(t)))

    def start_of_counting(self, t: dt.datetime) -> dt.datetime:
        """When a time limit starts counting for a receipt at t (thời điểm bắt đầu tính thời hạn).

        On a working day up to the same-day cut-off (15:00, inclusive): the next working
        instant (t itself in office hours; the opening if before it; 13:30 during the lunch
        break). After the cut-off, or on a day off: the opening of the next working day.
        """
        local = self._local(t)
        if self.is_working_day(local.date()) and local.time() <= self.same_day_cutoff:
            return self._aware(self._next_working_local(local))
        return self.start_of_working_day(self.next_working_day(local.date()))

    def add_working_time(self, t: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The earliest working instant at which `duration` of working time has elapsed since t."""
        if duration < _ZERO:
            raise ValueError("duration must not be negative")
        start = self._next_working_local(self._local(t))
        if not duration:  # the position of 13:30 is also that of 11:30: keep the later instant
            return self._aware(start)
        day, length = start.date(), self.working_day_length
        target = self._elapsed(start) + duration
        if target > length:
            full_days, rest = divmod(target - length, length)
            # Ending exactly at a day's close stays on that day (span-end convention).
            days_on, target = (full_days, length) if rest == _ZERO else (full_days + 1, rest)
            day = self.nth_working_day_after(day, days_on)
        return self._aware(self._instant_at(day, target))

    def add_working_days(self, t: dt.datetime, n: int | float | Decimal | Fraction) -> dt.datetime:
        """add_working_time(t, n × working_day_length); n may be fractional (e.g. 0.5 day)."""
        micros = round(Fraction(n) * (self.working_day_length // _MICROSECOND))
        return self.add_working_time(t, dt.timedelta(microseconds=micros))

    def _position(self, local: dt.datetime) -> dt.timedelta:
        """Working time since a fixed origin: differences of positions are working time."""
        whole_days = self._working_days_in(dt.date.min, local.date())
        return self.working_day_length * whole_days + self._elapsed(local)

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Working time in [a, b); negative when b < a."""
        return self._position(self._local(b)) - self._position(self._local(a))

    def add_calendar_days(self, t: dt.datetime, n: int) -> dt.datetime:
        """A limit in calendar days (ngày): the close of office hours n days after t's date.

        A limit ending on a day off ends on the next working day instead (Civil Code 2015,
        Art. 148(5)).
        """
        day = self._local(t).date() + dt.timedelta(days=n)
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        return self.end_of_working_day(day)


# --- loading from the database -------------------------------------------------------------


_CACHE: dict[tuple, WorkingCalendar] = {}
_CACHE_LIMIT = 512


def load_calendar(unit=None, revision: int | None = None) -> WorkingCalendar:
    """The working calendar of an administrative unit (instance, id, or None = province default).

    Office hours: the unit's own row, else its nearest ancestor's, else the default row
    (unit empty), else the model defaults. Built calendars are cached per process, keyed by
    the unit and the calendar revision (bumped by every save/delete of a calendar day, office
    hours or unit): one primary-key read per call, and an admin's edit is seen at once on
    every node. Bulk queryset updates bypass the signals: call CalendarRevision.bump() after.
    A caller that read the revision in one of its own queries passes it as `revision`.
    """
    from procedures.models import CalendarRevision

    unit_id = getattr(unit, "pk", unit)
    key = (unit_id, CalendarRevision.current() if revision is None else revision)
    cal = _CACHE.get(key)
    if cal is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        cal = _CACHE[key] = _build_calendar(unit_id)
    return cal


def _build_calendar(unit_id) -> WorkingCalendar:
    from django.db.models import F, Q, Subquery
    from django.db.models.functions import Length
    from django.utils import timezone

    from procedures.models import AdministrativeUnit, CalendarDay, DayKind, OfficeHours

    off, make_up = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (make_up if kind == DayKind.MAKEUP_WORKDAY else off).add(day)

    hours = OfficeHours.objects.filter(unit__isnull=True)
    if unit_id is not None:
        # Ancestors (and the unit itself) are the units whose materialised path prefixes its path.
        target_path = AdministrativeUnit.objects.filter(pk=unit_id).values("path")[:1]
        hours = (
            OfficeHours.objects.annotate(target_path=Subquery(target_path))
            .filter(Q(unit__isnull=True) | Q(target_path__startswith=F("unit__path")))
        )
    row = hours.order_by(Length("unit__path").desc(nulls_last=True), "pk").first() or OfficeHours()
    return WorkingCalendar(
        tz=timezone.get_default_timezone(),
        off_dates=frozenset(off),
        make_up_dates=frozenset(make_up),
        spans=((row.morning_start, row.morning_end), (row.afternoon_start, row.afternoon_end)),
        same_day_cutoff=row.same_day_cutoff,
    )
