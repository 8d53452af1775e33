"""python manage.py portal_reconcile [--day YYYY-MM-DD] [--to YYYY-MM-DD]: our dossiers received on
those days against the national portal's records (portal_intake.reconcile); default yesterday."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from portal_intake.reconcile import default_day, run_reconciliation


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} must be YYYY-MM-DD, got {value!r}") from exc


class Command(BaseCommand):
    help = "Đối soát hồ sơ đã tiếp nhận với Cổng Dịch vụ công quốc gia (mặc định: ngày hôm qua)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the (first) day of receipt, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--to", help="the last day of the range, YYYY-MM-DD (default: --day)")

    def handle(self, *args, **options):
        day_from = _day(options["day"], "--day") if options["day"] else default_day()
        day_to = _day(options["to"], "--to") if options["to"] else day_from
        if day_to < day_from:
            raise CommandError("--to is before --day")
        run = run_reconciliation(day_from, day_to)
        if run is None:
            self.stdout.write("PORTAL_URL is empty: the province is not linked to the portal.")
            return
        if run.error:
            raise CommandError(run.error)
        self.stdout.write(f"{day_from}..{day_to}: ours={run.ours_count} portal={run.portal_count}")
        for title, codes in (("Chưa đồng bộ", run.not_synced), ("Đồng bộ có sai khác", run.different),
                             ("Cổng có, hệ thống không có", run.unknown_to_us)):
            self.stdout.write(f"{title}: {len(codes)}")
            for code in codes:
                self.stdout.write(f"  {code}")
