"""python manage.py reconcile_payments --date YYYY-MM-DD [--no-settle]: a day's payments beside the
gateway's answers (payments.reconcile)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from payments.reconcile import reconcile


class Command(BaseCommand):
    help = "Reconcile a day's payments with the payment gateway (paid, pending, mismatched)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--no-settle", action="store_true",
                            help="report only: do not settle pending payments the gateway has a result for")

    def handle(self, *args, **options):
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from exc
        else:
            day = timezone.localdate() - dt.timedelta(days=1)
        report = reconcile(day, settle=not options["no_settle"])
        self.stdout.write(report.as_text())
