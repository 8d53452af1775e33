"""Print a month's QĐ 766 score, indicator by indicator, as far as onestop can count it today."""
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.periods import Period
from scoreboard import rollups, score


class Command(BaseCommand):
    help = "A month's QĐ 766 indicators, points and points lost (scoreboard.rules)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the current month)")
        parser.add_argument("--rebuild", action="store_true",
                            help="Rebuild the month's rollups first (a closed month is then read from them)")

    def handle(self, *args, month=None, rebuild=False, **options):
        now = timezone.localtime()
        if month:
            match = re.fullmatch(r"(\d{4})-(\d{2})", month)
            if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
                raise CommandError(_("--month cần dạng YYYY-MM, ví dụ 2026-03."))
            period = Period.of("month", int(match[1]), int(match[2]))
        else:
            period = Period.of("month", now.year, now.month)
        if rebuild:
            rows = rollups.rebuild_month(period, now=now)
            self.stdout.write(_("Đã tổng hợp lại %(rows)s dòng số liệu của tháng.") % {"rows": rows})
        from_rollups = rollups.covers(period, now)  # a closed month rebuilt after its end
        score_lines = score.lines_from_rollups(period) if from_rollups else score.lines(period, now=now)
        for line in score_lines:
            if line.points is None:
                self.stdout.write(f"{line.id:5s} {line.name}: {_('không đủ dữ liệu')} (/{line.maximum})")
                continue
            self.stdout.write(f"{line.id:5s} {line.name}: {line.numerator}/{line.denominator} → "
                              f"{line.points}/{line.maximum} ({_('mất')} {line.lost})")
        earned, at_stake = score.total(score_lines)
        self.stdout.write(_("Tổng các chỉ số tính được: %(earned)s/%(stake)s điểm") % {
            "earned": earned, "stake": at_stake})
