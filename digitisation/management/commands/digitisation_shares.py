"""Print the QĐ 766 digitisation figures: shares of received dossiers digitised, with a reused
component, and of decided ones with an electronic result (digitisation.rules)."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from digitisation import rules
from workflows.models import Dossier


class Command(BaseCommand):
    help = "Shares of dossiers digitised, reused and with an electronic result (QĐ 766 group 4)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="first day received (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="last day received (YYYY-MM-DD)")

    def handle(self, *args, date_from=None, date_to=None, **options):
        qs = Dossier.objects.all()
        try:
            if date_from:
                qs = qs.filter(received_at__date__gte=date.fromisoformat(date_from))
            if date_to:
                qs = qs.filter(received_at__date__lte=date.fromisoformat(date_to))
        except ValueError as error:
            raise CommandError(f"--from/--to: {error}") from None
        s = rules.shares(qs)
        rows = [
            (_("Hồ sơ đã tiếp nhận"), s.received, None),
            (_("Hồ sơ được số hóa (4.2)"), s.digitised, s.received),
            (_("Hồ sơ có thành phần tái sử dụng (4.3)"), s.with_reuse, s.received),
            (_("Hồ sơ đã có quyết định"), s.decided, None),
            (_("Hồ sơ có kết quả điện tử (4.1)"), s.electronic_result, s.decided),
        ]
        for label, part, whole in rows:
            share = f"  {rules.Shares.rate(part, whole):5.1f}% / {whole}" if whole is not None else ""
            self.stdout.write(f"{label}: {part}{share}")
