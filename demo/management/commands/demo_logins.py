from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Case, IntegerField, Value, When

from demo.province import DEMO_USERS, demo_logins, format_logins
from workflows import services
from workflows.codes import lookup_url
from workflows.models import Dossier, StaffMembership
from workflows.roles import Role
from workflows.statuses import OPEN_STATUSES, Status

# The note the reissue event carries: this secret was not given to a citizen at a counter.
DEMO_NOTE = "make run: mã tra cứu cấp cho người dùng thử (dữ liệu mẫu)"


def demo_dossier() -> tuple[Dossier, object] | None:
    """A dossier of the first demo clerk's counter, and that clerk: one waiting for a supplement if there
    is one (the lookup then shows what to bring), else the newest open one, else the newest."""
    clerk = get_user_model().objects.filter(username=next(u[0] for u in DEMO_USERS if u[1] == Role.CLERK)).first()
    if clerk is None:
        return None
    agencies = StaffMembership.objects.filter(user=clerk).values_list("agency_id", flat=True)
    rank = Case(When(status=Status.AWAITING_SUPPLEMENT, then=Value(0)),
                When(status__in=list(OPEN_STATUSES), then=Value(1)), default=Value(2), output_field=IntegerField())
    dossier = (Dossier.objects.filter(receiving_agency_id__in=list(agencies)).select_related("procedure")
               .annotate(rank=rank).order_by("rank", "-created_at", "-pk").first())
    return (dossier, clerk) if dossier is not None else None


def demo_lookup_text() -> str:
    """One demo dossier's code and a secret reissued for it now (through the service, logged), so a
    newcomer can try the citizen's lookup at once. Empty when the demo has no dossier."""
    found = demo_dossier()
    if found is None:
        return ""
    dossier, clerk = found
    receipt = services.reissue_secret(dossier, actor=clerk, id_checked_note=DEMO_NOTE)
    return "\n".join([
        "",
        "Try the citizen's status lookup (Tra cứu hồ sơ) with this demo dossier:",
        f"  code    {receipt.dossier.code}",
        f"  secret  {receipt.secret}   (issued just now; the previous one no longer works)",
        f"  status  {receipt.dossier.get_status_display()} — {receipt.dossier.procedure.name}",
        f"  link    {lookup_url(receipt.dossier)}",
    ])


class Command(BaseCommand):
    help = "In danh sách tài khoản demo và một hồ sơ mẫu để tra cứu (print the demo logins and a dossier to look up)."

    def add_arguments(self, parser):
        parser.add_argument("--no-lookup", action="store_true", help="Only the logins (no secret is reissued).")

    def handle(self, *args, **options):
        self.stdout.write(format_logins(demo_logins()))
        if not options["no_lookup"]:
            text = demo_lookup_text()
            if text:
                self.stdout.write(text)
