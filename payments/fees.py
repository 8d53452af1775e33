"""What a dossier owes: its procedure version's fee lines at the rate of the channel it came by,
less the lines the counter recorded the applicant exempt from, less what is already paid."""
from dataclasses import dataclass

from django.db.models import Sum

from documents.layout import money
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


def wording(dossier: Dossier) -> str | None:
    """The fee line of the dossier's forms (Mẫu 01 item 6): each line with its amount or exemption, then
    whether it is paid (with the receipts) or what remains and where to pay; None without fee lines."""
    lines = charges(dossier)
    if not lines:
        return None
    parts = [f"{c.line.name}: miễn" + (f" ({c.exemption_reason})" if c.exemption_reason else "") if c.exempt
             else f"{c.line.name}: {money(c.amount)}" for c in lines]
    due, paid = sum(c.amount for c in lines), amount_paid(dossier)
    if due == 0:
        state = "không phải nộp"
    elif paid >= due:
        receipts = [p.receipt for p in dossier.payments.filter(status=PaymentStatus.PAID).order_by("paid_at", "pk")]
        state = "đã nộp đủ" + (f", biên lai số {', '.join(receipts)}" if receipts else "")
    else:
        state = (f"còn phải nộp {money(due - paid)}, nộp tại Bộ phận Một cửa hoặc thanh toán trực tuyến "
                 "theo đường dẫn tra cứu hồ sơ")
    return "; ".join(parts) + f" — {state}."
