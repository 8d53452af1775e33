import logging
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from demo.fees import gateway_simulator
from demo.petitions import seed_petitions
from demo.portal import portal_link
from demo.simulation import simulate
from scoreboard.tasks import rebuild_rollups, rebuild_running_month
from workflows.errors import DomainError
from workflows.models import Dossier


class Command(BaseCommand):
    help = "Drive realistic dossiers through the real services over N working days of the demo province."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=15)
        parser.add_argument("--per-day", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if dossiers already exist (make run is safe to repeat).")

    def handle(self, *args, days, per_day, seed, if_empty, **options):
        if days < 1 or per_day < 1:
            raise CommandError("--days and --per-day must be at least 1")
        if if_empty and Dossier.objects.exists():
            self.stdout.write("Dossiers already exist: simulation skipped.")
            return
        # The simulated citizens' messages are recorded on their dossiers but not printed: the
        # demo's console would drown in hundreds of e-mails and SMS.
        quiet = options["verbosity"] < 2
        loggers = [logging.getLogger(name) for name in ("onestop.sms", "celery", "celery.app.trace")]
        levels = [lg.level for lg in loggers]
        if quiet:
            for lg in loggers:
                lg.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend") if quiet \
                    else nullcontext(), gateway_simulator() as payer, portal_link(fresh=True) as portal:
                report = simulate(days=days, per_day=per_day, seed=seed, stdout=None if quiet else self.stdout,
                                  payer=payer)
                petitions = seed_petitions(timezone.now())
                from_portal = portal.citizens_submit(timezone.localtime().strftime("%y%m%d"))
            rebuild_rollups()  # the scoreboard's closed months, as the nightly task would
            rebuild_running_month()
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)
        self.stdout.write(self.style.SUCCESS(
            f"Simulated {report.received} dossiers, {report.actions} actions ({report.skipped} skipped); "
            f"fees paid at the counter for {report.paid_counter}, online for {report.paid_online}; "
            f"{portal.synced()} dossiers synced with the national portal (simulator), {from_portal} submitted "
            f"there and waiting at the counters; {petitions} petitions."
        ))
