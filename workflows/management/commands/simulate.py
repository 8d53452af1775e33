from django.core.management.base import BaseCommand, CommandError

from workflows.errors import DomainError
from workflows.models import Dossier
from workflows.simulation import simulate


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
        try:
            report = simulate(days=days, per_day=per_day, seed=seed,
                              stdout=self.stdout if options["verbosity"] > 1 else None)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Simulated {report.received} dossiers, {report.actions} actions ({report.skipped} skipped)."
        ))
