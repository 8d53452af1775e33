"""QĐ 766 figures counted live from the dossier tables, for one period and a set of dossiers.

Each count reuses the rule that already names it (digitisation.rules for reuse and the electronic
result, payments for what is owed and paid online); what the portal adds is only "synced": the
portal has acknowledged the dossier's first record (`portal_sync.DossierSync.first_acked_at`).
The rollups, when built, must give the same numbers; these are the reference they are tested on.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from digitisation.rules import electronic_result_q, with_reuse_q
from payments.models import FeeExemption, FeeLine, Payment, PaymentChannel, PaymentStatus
from workflows.models import Dossier

from .rules import BY_ID, EMPTY_RATE, Indicator


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    numerator: int
    denominator: int

    @property
    def points(self) -> Decimal | None:
        return self.indicator.score(self.numerator, self.denominator, empty_rate=EMPTY_RATE.get(self.indicator.id))


def synced_q() -> Q:
    """Known to the portal: it acknowledged at least the dossier's first record (indicator 1.4)."""
    return Q(portal_sync__first_acked_at__isnull=False)


def owes_fees_q():
    """The dossier's procedure charges something it was not exempted from (3.6's denominator: the
    dossiers of fee-bearing procedures less those whose fees are all zero)."""
    exempted = FeeExemption.objects.filter(dossier=OuterRef(OuterRef("pk")), fee_line=OuterRef("pk"))
    return Exists(FeeLine.objects.filter(procedure=OuterRef("procedure"), amount_counter__gt=0)
                  .exclude(Exists(exempted)))


def paid_online_q():
    """`DuocThanhToanTrucTuyen`: a payment through the online gateway went through."""
    return Exists(Payment.objects.filter(dossier=OuterRef("pk"), channel=PaymentChannel.ONLINE,
                                         status=PaymentStatus.PAID))


def live(period, dossiers=None) -> dict[str, Figure]:
    """The indicators counted over dossiers received (or, for 4.1, decided) in the period: two queries."""
    qs = Dossier.objects.all() if dossiers is None else dossiers
    received = qs.filter(received_at__gte=period.start, received_at__lt=period.end).aggregate(
        total=Count("pk"), synced=Count("pk", filter=synced_q()), reused=Count("pk", filter=with_reuse_q()),
        vneid=Count("pk", filter=Q(vneid_verified=True)), owing=Count("pk", filter=owes_fees_q()),
        paid_online=Count("pk", filter=owes_fees_q() & paid_online_q()),
    )
    # 4.1 counts the results: granted decisions of the period (a refusal returns no document).
    granted = qs.filter(resolved_at__gte=period.start, resolved_at__lt=period.end, outcome="granted").aggregate(
        total=Count("pk"), electronic=Count("pk", filter=electronic_result_q() & synced_q()),
    )
    return {
        "1.4": Figure(BY_ID["1.4"], received["synced"], received["total"]),
        "4.1": Figure(BY_ID["4.1"], granted["electronic"], granted["total"]),
        "4.3": Figure(BY_ID["4.3"], received["reused"], received["total"]),
        "4.5b": Figure(BY_ID["4.5b"], received["vneid"], received["total"]),
        "3.6": Figure(BY_ID["3.6"], received["paid_online"], received["owing"]),
    }
