"""What a dossier owes: its procedure version's fee lines at the rate of the channel it came by,
less the lines the counter recorded the applicant exempt from, less what is already paid."""
from dataclasses import dataclass

from django.db.models import Sum

from workflows.models import Channel, Dossier

from .models import FeeExemption, FeeLine, PaymentStatus


@dataclass(frozen=True)
class Charge:
    """One fee line as it applies to one dossier."""

    line: FeeLine
    amount: int  # at the dossier's channel rate; 0 when exempt
    exempt: bool
    exemption_reason: str = ""

    def as_dict(self) -> dict:
        return {"id": self.line.pk, "kind": self.line.kind, "name": self.line.name, "amount": self.amount,
                "exempt": self.exempt}


def rate_channel(dossier: Dossier) -> str:
    """The rate a dossier pays: the online rate for a dossier submitted online, else the counter's
    (post and counters outside the centre pay the counter rate)."""
    return "online" if dossier.channel == Channel.ONLINE else "counter"


def charges(dossier: Dossier) -> list[Charge]:
    exempt = dict(FeeExemption.objects.filter(dossier_id=dossier.pk).values_list("fee_line_id", "reason"))
    channel = rate_channel(dossier)
    return [
        Charge(line, 0 if line.pk in exempt else line.amount_for(channel), line.pk in exempt, exempt.get(line.pk, ""))
        for line in FeeLine.objects.filter(procedure_id=dossier.procedure_id)
    ]


def amount_due(dossier: Dossier) -> int:
    """The total the dossier's fees come to (exempt lines excluded), paid or not."""
    return sum(charge.amount for charge in charges(dossier))


def amount_paid(dossier: Dossier) -> int:
    return (dossier.payments.filter(status=PaymentStatus.PAID).aggregate(total=Sum("amount"))["total"] or 0)


def outstanding(dossier: Dossier) -> int:
    """What remains to pay (never negative)."""
    return max(amount_due(dossier) - amount_paid(dossier), 0)
