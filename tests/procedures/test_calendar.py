"""Working-time arithmetic (procedures/calendar.py): worked examples computed by hand on the
default office hours (07:00–11:30, 13:30–17:00 = 8 h a day, cut-off 15:00), properties
on random calendars, and the database side (seed_calendar, load_calendar)."""
import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.calendar import DEFAULT_SPANS, VN_TZ, WorkingCalendar, load_calendar
from procedures.models import CalendarDay, DayKind, OfficeHours
from tests import factories as f

UTC = ZoneInfo("UTC")
H = dt.timedelta(hours=1)
DAY = 8 * H  # one working day on the default office hours


def at(y, m, d, hh=9, mm=0, tz=VN_TZ):
    return dt.datetime(y, m, d, hh, mm, tzinfo=tz)


def days(y, m, first, last=None):
    return {dt.date(y, m, d) for d in range(first, (last or first) + 1)}


# Vietnam 2025–2026 as announced, written out by hand (not taken from the holidays package).
OFF = (
    days(2025, 1, 1) | days(2025, 1, 27, 31) | days(2025, 4, 7) | days(2025, 4, 30) | days(2025, 5, 1, 2)
    | days(2025, 9, 1, 2)
    | days(2026, 1, 1, 2) | days(2026, 2, 16, 20) | days(2026, 4, 26, 27) | days(2026, 4, 30)
    | days(2026, 5, 1) | days(2026, 8, 31) | days(2026, 9, 1, 2) | days(2026, 11, 24)
)
MAKE_UP = days(2025, 4, 26) | days(2026, 1, 10) | days(2026, 8, 22)
VN = WorkingCalendar(off_dates=OFF, make_up_dates=MAKE_UP)


# --- worked examples -------------------------------------------------------------------


def test_three_working_days_across_tet_2026():
    # Fri 13/2 10:00: Fri 5 h, Tết 16–20/2 and both weekends off, Mon 23 8 h, Tue 24 8 h,
    # Wed 25 3 h → Wed 25/2 10:00.
    start = at(2026, 2, 13, 10)
    assert VN.add_working_days(start, 3) == at(2026, 2, 25, 10)
    assert VN.working_time_between(start, at(2026, 2, 25, 10)) == 3 * DAY
    assert VN.working_time_between(at(2026, 2, 13, 17), at(2026, 2, 23, 7)) == dt.timedelta(0)


def test_a_make_up_saturday_is_a_working_day():
    assert VN.is_working_day(dt.date(2025, 4, 26))
    # Fri 25/4/2025 09:00 + 2 WD: Sat 26/4 (1), Mon 28/4 (2).
    assert VN.add_working_days(at(2025, 4, 25), 2) == at(2025, 4, 28)
    # Thu 24/4 15:00 + 5 WD: Fri 25 (1), Sat 26 (2), Mon 28 (3), Tue 29 (4),
    # 30/4–2/5 off, weekend → Mon 5/5 (5).
    assert VN.add_working_days(at(2025, 4, 24, 15), 5) == at(2025, 5, 5, 15)
    without = WorkingCalendar(off_dates=OFF)
    assert without.add_working_days(at(2025, 4, 24, 15), 5) == at(2025, 5, 6, 15)


def test_the_new_year_2026_swap():
    # Thu 1/1 and Fri 2/1/2026 off; Wed 31/12/2025 09:00 + 2 WD → Mon 5/1 (1), Tue 6/1 (2).
    assert VN.add_working_days(at(2025, 12, 31), 2) == at(2026, 1, 6)
    # Sat 10/1/2026 is worked instead: Thu 8/1 + 2 WD → Fri 9/1 (1), Sat 10/1 (2).
    assert VN.add_working_days(at(2026, 1, 8), 2) == at(2026, 1, 10)


def test_a_holiday_on_a_sunday_gives_a_compensatory_monday():
    # Hùng Kings' Day Sun 26/4/2026 → Mon 27/4 off; 30/4 and 1/5 (Thu, Fri) off.
    assert not VN.is_working_day(dt.date(2026, 4, 27))
    assert VN.add_working_days(at(2026, 4, 24, 14), 1) == at(2026, 4, 28, 14)
    # Tue 28 (1), Wed 29 (2), Thu–Sun off, Mon 4/5 (3).
    assert VN.add_working_days(at(2026, 4, 24, 14), 3) == at(2026, 5, 4, 14)


def test_a_receipt_after_the_cut_off_counts_from_the_next_morning():
    assert VN.start_of_counting(at(2026, 3, 3, 15, 30)) == at(2026, 3, 4, 7)
    assert VN.add_working_days(VN.start_of_counting(at(2026, 3, 3, 15, 30)), 1) == at(2026, 3, 4, 17)
    assert VN.start_of_counting(at(2026, 3, 3, 15)) == at(2026, 3, 3, 15)  # at 15:00 sharp: same day
    assert VN.start_of_counting(at(2026, 3, 3, 14, 59)) == at(2026, 3, 3, 14, 59)


def test_a_receipt_after_closing_or_on_a_day_off():
    assert VN.start_of_counting(at(2026, 3, 3, 17, 30)) == at(2026, 3, 4, 7)
    assert VN.next_working_instant(at(2026, 3, 3, 17, 30)) == at(2026, 3, 4, 7)
    assert VN.start_of_counting(at(2026, 2, 13, 17, 30)) == at(2026, 2, 23, 7)  # Fri before Tết
    assert VN.start_of_counting(at(2026, 3, 7, 10)) == at(2026, 3, 9, 7)  # Saturday
    assert VN.start_of_counting(at(2026, 3, 2, 6, 30)) == at(2026, 3, 2, 7)  # before opening
    assert VN.start_of_counting(at(2026, 3, 2, 12)) == at(2026, 3, 2, 13, 30)  # lunch break


def test_span_end_convention():
    monday = at(2026, 3, 2, 7)
    assert VN.add_working_time(monday, DAY) == at(2026, 3, 2, 17)  # not Tue 07:00
    assert VN.add_working_time(monday, 4.5 * H) == at(2026, 3, 2, 11, 30)  # not 13:30
    assert VN.next_working_instant(at(2026, 3, 2, 11, 30)) == at(2026, 3, 2, 11, 30)
    assert VN.next_working_instant(at(2026, 3, 2, 11, 31)) == at(2026, 3, 2, 13, 30)
    tiny = dt.timedelta(microseconds=1)
    assert VN.add_working_time(at(2026, 3, 2, 11, 30), tiny) == at(2026, 3, 2, 13, 30) + tiny
    assert VN.add_working_time(at(2026, 3, 2, 17), 2 * H) == at(2026, 3, 3, 9)
    assert VN.add_working_time(at(2026, 3, 2, 12), dt.timedelta(0)) == at(2026, 3, 2, 13, 30)


def test_calendar_day_limits():
    # Tue 10/2/2026 + 5 days = Sun 15/2, then Tết to 22/2 → Mon 23/2 at closing.
    assert VN.add_calendar_days(at(2026, 2, 10), 5) == at(2026, 2, 23, 17)
    assert VN.add_calendar_days(at(2026, 3, 2), 3) == at(2026, 3, 5, 17)
    assert VN.add_calendar_days(at(2025, 4, 25), 1) == at(2025, 4, 26, 17)  # make-up Saturday
    assert VN.end_of_working_day(dt.date(2026, 3, 2)) == at(2026, 3, 2, 17)


def test_a_whole_year():
    # 2026: 261 weekdays (52 weeks + Thu 1/1), 14 weekdays off, 2 make-up Saturdays → 249.
    assert VN.working_time_between(at(2026, 1, 1, 0), at(2027, 1, 1, 0)) == 249 * DAY
    assert VN.add_working_days(at(2026, 1, 1, 0), 249) == at(2026, 12, 31, 17)


def test_fractional_days_units_and_errors():
    assert VN.working_day_length == DAY
    assert VN.add_working_days(at(2026, 3, 2, 7), Decimal("0.5")) == at(2026, 3, 2, 11)
    assert VN.add_working_days(at(2026, 3, 2, 7), 1.5) == at(2026, 3, 3, 11)
    result = VN.add_working_time(dt.datetime(2026, 3, 2, 2, tzinfo=UTC), H)  # 09:00 local
    assert result == at(2026, 3, 2, 10) and result.tzinfo is VN_TZ
    assert VN.working_time_between(at(2026, 3, 3), at(2026, 3, 2)) == -DAY
    with pytest.raises(ValueError):
        VN.add_working_time(dt.datetime(2026, 3, 2, 9), H)
    with pytest.raises(ValueError):
        VN.add_working_time(at(2026, 3, 2), -H)
    with pytest.raises(ValueError):
        WorkingCalendar(spans=((dt.time(7), dt.time(12)), (dt.time(11), dt.time(17))))


# --- properties -------------------------------------------------------------------------

CALENDAR_DATES = st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
calendars = st.builds(
    WorkingCalendar,
    off_dates=st.frozensets(CALENDAR_DATES, max_size=40),
    make_up_dates=st.frozensets(CALENDAR_DATES, max_size=8),
    spans=st.sampled_from([
        DEFAULT_SPANS,
        ((dt.time(8), dt.time(12)), (dt.time(12), dt.time(17, 30))),  # adjacent spans
        ((dt.time(7, 30), dt.time(16, 30)),),
    ]),
    same_day_cutoff=st.sampled_from([dt.time(15), dt.time(17), dt.time(11, 45)]),
)
BOUNDARIES = [
    dt.time(h, m)
    for h, m in [(0, 0), (7, 0), (7, 30), (11, 30), (12, 0), (13, 30), (15, 0), (17, 0)]
]
instants = st.one_of(
    st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 6, 30), timezones=st.sampled_from([VN_TZ, UTC])),
    # Span boundaries, where off-by-one conventions break.
    st.builds(lambda d, t: dt.datetime.combine(d, t, tzinfo=VN_TZ), CALENDAR_DATES,
              st.sampled_from(BOUNDARIES)),
)
durations = st.one_of(
    st.timedeltas(dt.timedelta(0), 80 * DAY),
    st.integers(0, 80 * 16).map(lambda k: k * dt.timedelta(minutes=30)),
)
fast = settings(max_examples=150, deadline=None)


def brute_between(cal, a, b):
    """Working time in [a, b), a <= b, walking day by day: an independent oracle."""
    a, b = (x.astimezone(cal.tz).replace(tzinfo=None) for x in (a, b))
    total, day = dt.timedelta(0), a.date()
    while day <= b.date():
        if cal.is_working_day(day):
            for start, end in cal.spans:
                lo, hi = max(dt.datetime.combine(day, start), a), min(dt.datetime.combine(day, end), b)
                total += max(hi - lo, dt.timedelta(0))
        day += dt.timedelta(days=1)
    return total


@fast
@given(calendars, instants, durations)
def test_results_lie_in_working_time_and_invert_between(cal, t, d):
    result = cal.add_working_time(t, d)
    assert cal.is_working_instant(result)
    assert result >= t and result.tzinfo is cal.tz
    assert cal.working_time_between(t, result) == d
    if d:  # the earliest such instant: a microsecond earlier, d has not yet elapsed
        assert cal.working_time_between(t, result - dt.timedelta(microseconds=1)) < d


@fast
@given(calendars, instants, durations, durations)
def test_adding_is_additive_and_monotonic(cal, t, a, b):
    assert cal.add_working_time(cal.add_working_time(t, a), b) == cal.add_working_time(t, a + b)
    assert cal.add_working_time(t, min(a, b)) <= cal.add_working_time(t, max(a, b))


@fast
@given(calendars, instants, instants, instants)
def test_between_is_signed_additive_and_matches_a_day_walk(cal, a, b, c):
    a, b = min(a, b), max(a, b)
    assert cal.working_time_between(a, b) == brute_between(cal, a, b) >= dt.timedelta(0)
    assert cal.working_time_between(b, a) == -cal.working_time_between(a, b)
    assert cal.working_time_between(a, c) == cal.working_time_between(a, b) + cal.working_time_between(b, c)


@fast
@given(calendars, instants)
def test_counting_starts_at_a_working_instant(cal, t):
    start = cal.start_of_counting(t)
    assert cal.is_working_instant(start) and start >= t
    assert start == cal.next_working_instant(t) or start == cal.start_of_working_day(start.date())
    assert cal.add_working_time(t, dt.timedelta(0)) == cal.next_working_instant(t)


@fast
@given(calendars, instants, st.integers(0, 120))
def test_calendar_day_limits_end_on_the_first_working_day_on_or_after_the_date(cal, t, n):
    due = cal.add_calendar_days(t, n)
    target = t.astimezone(cal.tz).date() + dt.timedelta(days=n)
    assert due == cal.end_of_working_day(due.date()) and cal.is_working_day(due.date())
    assert due.date() >= target
    skipped = (target + dt.timedelta(days=i) for i in range((due.date() - target).days))
    assert not any(cal.is_working_day(day) for day in skipped)


# --- database ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_calendar_creates_tet_2026_and_is_idempotent():
    manual = CalendarDay.objects.create(
        date=dt.date(2026, 12, 31), kind=DayKind.DAY_OFF, name="Quyết định của tỉnh",
    )
    call_command("seed_calendar", "2026", stdout=io.StringIO())
    tet = CalendarDay.objects.filter(date__range=(dt.date(2026, 2, 16), dt.date(2026, 2, 20)))
    assert sorted(tet.values_list("date", flat=True)) == sorted(days(2026, 2, 16, 20))
    assert set(tet.values_list("kind", flat=True)) == {DayKind.HOLIDAY}
    assert CalendarDay.objects.get(date=dt.date(2026, 4, 27)).kind == DayKind.DAY_OFF  # nghỉ bù
    assert CalendarDay.objects.get(date=dt.date(2026, 1, 10)).kind == DayKind.MAKEUP_WORKDAY  # fixture
    assert CalendarDay.objects.get(date=dt.date(2026, 1, 2)).kind == DayKind.DAY_OFF  # fixture
    assert not CalendarDay.objects.filter(date__year=2025).exists()
    assert OfficeHours.objects.filter(unit__isnull=True).count() == 1

    count = CalendarDay.objects.count()
    out = io.StringIO()
    call_command("seed_calendar", "2026", stdout=out)
    assert CalendarDay.objects.count() == count
    assert OfficeHours.objects.count() == 1
    manual.refresh_from_db()
    assert manual.name == "Quyết định của tỉnh"
    assert "0 created" in out.getvalue()

    cal = load_calendar()
    assert cal.add_working_days(at(2026, 2, 13, 10), 3) == at(2026, 2, 25, 10)


@pytest.mark.django_db
def test_seed_calendar_applies_a_swaps_file(tmp_path):
    swaps = tmp_path / "swaps.json"
    swaps.write_text(json.dumps([
        {"date": "2027-02-13", "kind": "makeup_workday", "name": "Làm bù", "source": "test"},
        {"date": "2027-02-04", "kind": "holiday", "name": "Tết Đinh Mùi"},
        {"date": "2028-01-01", "kind": "holiday", "name": "other year: ignored"},
    ]))
    call_command("seed_calendar", "2027", swaps=swaps, stdout=io.StringIO())
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 13)).kind == DayKind.MAKEUP_WORKDAY
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 4)).name == "Tết Đinh Mùi"  # the file wins
    assert not CalendarDay.objects.filter(date__year=2028).exists()


@pytest.mark.django_db
def test_load_calendar_honours_a_day_an_admin_adds(django_assert_max_num_queries):
    assert load_calendar().add_working_days(at(2026, 3, 6), 1) == at(2026, 3, 9)  # Fri → Mon
    CalendarDay.objects.create(date=dt.date(2026, 3, 7), kind=DayKind.MAKEUP_WORKDAY, name="Làm bù")
    CalendarDay.objects.create(date=dt.date(2026, 3, 9), kind=DayKind.DAY_OFF, name="Nghỉ hoán đổi")
    with django_assert_max_num_queries(3):  # the revision, then a rebuild: days and office hours
        cal = load_calendar()
    assert cal.is_working_day(dt.date(2026, 3, 7)) and not cal.is_working_day(dt.date(2026, 3, 9))
    assert cal.add_working_days(at(2026, 3, 6), 2) == at(2026, 3, 10)  # Sat 7 (1), Mon 9 off, Tue 10 (2)


@pytest.mark.django_db
def test_an_unchanged_calendar_is_served_from_the_process_cache(django_assert_num_queries):
    CalendarDay.objects.create(date=dt.date(2026, 3, 9), kind=DayKind.DAY_OFF, name="Nghỉ hoán đổi")
    first = load_calendar()
    with django_assert_num_queries(1):  # only the revision token is read
        assert load_calendar() is first
    CalendarDay.objects.filter(date=dt.date(2026, 3, 9)).delete()  # any edit replaces the token
    assert load_calendar() is not first and load_calendar().is_working_day(dt.date(2026, 3, 9))


@pytest.mark.django_db
def test_load_calendar_takes_the_nearest_office_hours(django_assert_max_num_queries):
    province = f.unit("Tỉnh", "province")
    commune = f.unit("Xã", "commune", parent=province)
    other = f.unit("Xã khác", "commune", parent=f.unit("Tỉnh khác", "province"))
    assert load_calendar(commune).spans == DEFAULT_SPANS  # no rows: the model defaults

    OfficeHours.objects.create(same_day_cutoff=dt.time(16))
    OfficeHours.objects.create(unit=province, morning_start=dt.time(7, 30))
    assert load_calendar().same_day_cutoff == dt.time(16)
    assert load_calendar(other.pk).same_day_cutoff == dt.time(16)
    with django_assert_max_num_queries(3):  # revision token + a rebuild (days, office hours)
        assert load_calendar(commune.pk).spans[0][0] == dt.time(7, 30)  # inherited from the province

    OfficeHours.objects.create(unit=commune, afternoon_end=dt.time(16, 30))
    cal = load_calendar(commune)
    assert cal.spans == ((dt.time(7), dt.time(11, 30)), (dt.time(13, 30), dt.time(16, 30)))
    assert cal.working_day_length == 7.5 * H
    assert cal.tz == VN_TZ
