import datetime as dt

import pytest

from procedures.models import CalendarDay


@pytest.fixture
def holidays(db):
    """Reunification Day and Labour Day 2026 (Thursday 30/4, Friday 1/5), then the weekend."""
    CalendarDay.objects.create(date=dt.date(2026, 4, 30), kind="holiday", name="Ngày Giải phóng miền Nam")
    CalendarDay.objects.create(date=dt.date(2026, 5, 1), kind="holiday", name="Ngày Quốc tế Lao động")
