"""QĐ 766 figures counted live from the dossier tables, for one period and a set of dossiers.

Each count reuses the rule that already names it (digitisation.rules for reuse and the electronic
result, payments for what is owed and paid online); what the portal adds is only "synced": the
portal has acknowledged the dossier's first record (`portal_sync.DossierSync.first_acked_at`).
The rollups, when built, must give the same numbers; these are the reference they are tested on.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from digitisation.models import Component, Source
from digitisation.rules import digitised_q, electronic_result_q, with_reuse_q
from payments.models import FeeExemption, FeeLine, Payment, PaymentChannel, PaymentStatus
from workflows.models import Channel, Dossier

from .rules import BY_ID, EMPTY_RATE, Indicator


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    numerator: int
    denominator: int
    factor: Decimal | None = None  # a multiplier of the rate (3.3: the sync ratio of 1.4)

    @property
    def points(self) -> Decimal | None:
        return self.indicator.score(self.numerator, self.denominator, factor=self.factor,
                                    empty_rate=EMPTY_RATE.get(self.indicator.id))


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


def online_counted_q() -> Q:
    """3.3's numerator: received online and, once it has a result document, carrying the result's code
    and file (an electronic result)."""
    return Q(channel=Channel.ONLINE) & (~Q(outcome="granted") | electronic_result_q())


def from_data_store_q():
    """`DuocLayTuKhoDMQG`: at least one component taken from the electronic data store (4.4)."""
    return Exists(Component.objects.filter(dossier=OuterRef("pk"), source=Source.DATA_STORE))


def digitised_with_result_q():
    """4.2: the components are on file (digitised or online) and the result is electronic."""
    return digitised_q() & electronic_result_q()


def received_counts() -> dict:
    """The counts over dossiers received in a period, as aggregates: `live` sums them over the
    period, the rollups (scoreboard.rollups) per unit, agency and procedure."""
    return {
        "received": Count("pk"), "synced": Count("pk", filter=synced_q()),
        "reused": Count("pk", filter=with_reuse_q()), "vneid": Count("pk", filter=Q(vneid_verified=True)),
        "owing": Count("pk", filter=owes_fees_q()), "paid_online": Count("pk", filter=owes_fees_q() & paid_online_q()),
        "online": Count("pk", filter=online_counted_q()), "data_store": Count("pk", filter=from_data_store_q()),
        "digitised": Count("pk", filter=digitised_with_result_q()),
    }


def granted_counts() -> dict:
    """4.1 counts the results: granted decisions of the period (a refusal returns no document)."""
    return {"granted": Count("pk"), "electronic": Count("pk", filter=electronic_result_q() & synced_q())}


def received_in(period, qs):
    return qs.filter(received_at__gte=period.start, received_at__lt=period.end)


def granted_in(period, qs):
    return qs.filter(resolved_at__gte=period.start, resolved_at__lt=period.end, outcome="granted")


def from_counts(c: dict) -> dict[str, Figure]:
    """The figures from the counts of `received_counts` and `granted_counts` (live or summed rollups)."""
    sync_ratio = Decimal(c["synced"]) / c["received"] if c["received"] else None
    return {
        "1.4": Figure(BY_ID["1.4"], c["synced"], c["received"]),
        "3.3": Figure(BY_ID["3.3"], c["online"], c["received"], factor=sync_ratio),
        "4.1": Figure(BY_ID["4.1"], c["electronic"], c["granted"]),
        "4.2": Figure(BY_ID["4.2"], c["digitised"], c["received"]),
        "4.3": Figure(BY_ID["4.3"], c["reused"], c["received"]),
        "4.4": Figure(BY_ID["4.4"], c["data_store"], c["received"]),
        "4.5b": Figure(BY_ID["4.5b"], c["vneid"], c["received"]),
        "3.6": Figure(BY_ID["3.6"], c["paid_online"], c["owing"]),
    }


def live(period, dossiers=None) -> dict[str, Figure]:
    """The indicators counted over dossiers received (or, for 4.1, decided) in the period: two queries."""
    qs = Dossier.objects.all() if dossiers is None else dossiers
    counts = received_in(period, qs).aggregate(**received_counts())
    counts.update(granted_in(period, qs).aggregate(**granted_counts()))
    return from_counts(counts)
