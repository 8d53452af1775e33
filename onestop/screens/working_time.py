"""Working-time helpers for the staff screens, with one calendar per unit per request."""
from datetime import timedelta

from procedures.calendar import load_calendar


class Calendars:
    """Working calendars by unit id, loaded once per request (a list touches few units)."""

    def __init__(self):
        self._by_unit = {}

    def __call__(self, unit_id):
        if unit_id not in self._by_unit:
            self._by_unit[unit_id] = load_calendar(unit_id)
        return self._by_unit[unit_id]


def remaining_hours(cal, now, due_at) -> float | None:
    """Working hours left until `due_at` (negative when overdue), one decimal."""
    if due_at is None:
        return None
    left: timedelta = cal.working_time_between(now, due_at)
    return round(left.total_seconds() / 3600, 1)
