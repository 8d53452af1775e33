"""Run the periodic work once (the embedded default has no beat): dossiers whose supplement time ran
out, the deadline scan and the resend of messages whose task was lost, the national portal's outbox
sweep and intake pull, the running month's figures (dashboards and scoreboard), and with --rollups the
whole monthly rollups. Safe to run as often as you like, e.g. from cron. It sits at the project level
because it calls every app's periodic tasks, as the beat schedule (onestop/celery.py) does."""
from django.core.management.base import BaseCommand

from notifications.tasks import scan_deadlines
from portal_intake.tasks import pull_portal_dossiers
from portal_sync.tasks import deliver_due
from reporting.tasks import refresh_rollups, refresh_running_month
from scoreboard.tasks import rebuild_rollups, rebuild_running_month
from workflows.tasks import expire_supplements


class Command(BaseCommand):
    help = "Rà soát thời hạn (cảnh báo sắp đến hạn, quá hạn) và gửi lại thông báo còn chờ."

    def add_arguments(self, parser):
        parser.add_argument("--rollups", action="store_true",
                            help="Also rebuild the monthly rollups for the dashboards (nightly work).")

    def handle(self, *args, **options):
        # Run in this process whatever the broker: the command is the beat of the embedded setup.
        stopped = expire_supplements.apply().get()
        result = {"supplement_expired": stopped, **scan_deadlines.apply().get()}
        self.stdout.write(", ".join(f"{key}={value}" for key, value in result.items()))
        sync, intake = deliver_due.apply().get(), pull_portal_dossiers.apply().get()
        self.stdout.write(f"portal sync: {sync}; portal intake: {intake}")
        if options["rollups"]:
            self.stdout.write(f"rollups: {refresh_rollups.apply().get()} rows; "
                              f"QĐ 766 months: {rebuild_rollups.apply().get()}")
        self.stdout.write(f"running month: {refresh_running_month.apply().get()} rollup rows; "
                          f"QĐ 766: {rebuild_running_month.apply().get()} rows")
