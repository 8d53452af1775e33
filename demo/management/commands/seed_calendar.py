"""Seed the working calendar (lịch nghỉ lễ, Tết, làm bù) for whole years.

    python manage.py seed_calendar 2025 2026 2027

Sources, applied in this order (a later source wins on the same date):
1. the `holidays` package (`country_holidays("VN", language="vi")`): statutory holidays as
   `holiday`; compensatory days (nghỉ bù) and swapped days off (ngày nghỉ hoán đổi) as
   `day_off`; its `weekend_workdays` as `makeup_workday`;
2. `fixtures/calendar_swaps.json`: announced swaps the package lacks.

Idempotent: rows are updated or created by date and never deleted, so an administrator's
correction on any other date survives a re-run. Years past the official announcements are
the package's rule-based estimate: an administrator corrects them when the Prime Minister
announces the arrangement.
"""
import json
from collections import Counter
from datetime import date
from pathlib import Path

import holidays
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from procedures.models import CalendarDay, DayKind, OfficeHours

DEFAULT_SWAPS = Path(settings.BASE_DIR) / "fixtures" / "calendar_swaps.json"
# The package's Vietnamese label for a swapped day off: "Ngày nghỉ (thay cho ngày 26/04/2025)".
SWAPPED_DAY_OFF_PREFIX = "Ngày nghỉ (thay cho"


def package_days(years: list[int]) -> dict[date, tuple[str, str]]:
    """{date: (kind, name)} from the holidays package for the given years."""
    with_observed = holidays.country_holidays("VN", years=years, language="vi")
    statutory = holidays.country_holidays("VN", years=years, language="vi", observed=False)
    days = {}
    for day, name in with_observed.items():
        # A day present only with observed rules on is a compensatory day off (nghỉ bù).
        compensatory = day not in statutory or name.startswith(SWAPPED_DAY_OFF_PREFIX)
        days[day] = (DayKind.DAY_OFF if compensatory else DayKind.HOLIDAY, name)
    # weekend_workdays also carries other years' entries: keep the requested ones.
    for day in getattr(with_observed, "weekend_workdays", ()):
        if day.year in years:
            days[day] = (DayKind.MAKEUP_WORKDAY, "Ngày làm bù")
    return days


def fixture_days(path: Path, years: list[int]) -> dict[date, tuple[str, str]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    days = {}
    for entry in entries:
        try:
            day = date.fromisoformat(entry["date"])
            kind = DayKind(entry["kind"])
        except (KeyError, ValueError) as exc:
            raise CommandError(f"Bad entry in {path}: {entry!r} ({exc})") from exc
        if day.year in years:
            days[day] = (kind, entry.get("name", ""))
    return days


class Command(BaseCommand):
    help = "Fill the working calendar (CalendarDay) for the given years: `holidays` + announced swaps."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)
        parser.add_argument("--swaps", type=Path, default=DEFAULT_SWAPS, help="JSON list of announced swaps.")

    @transaction.atomic
    def handle(self, *args, years, swaps, **options):
        days = package_days(years) | fixture_days(swaps, years)
        created = updated = 0
        kinds = Counter()
        for day, (kind, name) in sorted(days.items()):
            _row, is_new = CalendarDay.objects.update_or_create(
                date=day, defaults={"kind": kind, "name": name[:200]},
            )
            created += is_new
            updated += not is_new
            kinds[kind] += 1
        if not OfficeHours.objects.filter(unit__isnull=True).exists():
            OfficeHours.objects.create()
            self.stdout.write("Created the default office hours (07:00–11:30, 13:30–17:00, cut-off 15:00).")
        summary = "; ".join(f"{k.label}: {kinds[k]}" for k in DayKind if kinds[k])
        self.stdout.write(self.style.SUCCESS(
            f"Calendar {', '.join(map(str, years))}: {summary or 'no days'} — "
            f"{created} created, {updated} already present (updated)."
        ))
