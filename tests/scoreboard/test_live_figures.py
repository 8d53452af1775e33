"""A hand-built month's QĐ 766 figures, each computed by hand from the portal's definition."""
from decimal import Decimal

import pytest
from django.utils import timezone

from digitisation import services as digitisation_services
from digitisation.models import Component
from payments.models import FeeLine
from portal_sync.models import DossierSync, SyncState
from reporting.periods import Period
from scoreboard import figures
from tests.digitisation.helpers import digitise, mandatory, receive
from workflows import services as workflow_services
from workflows.models import Dossier

pytestmark = pytest.mark.django_db


def acknowledged(dossier):
    DossierSync.objects.create(dossier=dossier, state=SyncState.SYNCED, last_seq_written=1, last_seq_acked=1,
                               first_acked_at=timezone.now(), last_acked_at=timezone.now())


def test_a_month_scored_indicator_by_indicator(world, frozen_now, django_assert_num_queries):
    first = receive(world, id_number="011000000005")
    digitise(world, first)
    reused = receive(world, id_number="011000000005")
    digitisation_services.reuse(reused, actor=world.clerk, required_document=mandatory(world),
                                file_id=Component.objects.get().file.pk)
    plain = receive(world, id_number="011000000006")
    decided = workflow_services.complete_step(receive(world, id_number="011000000007"), actor=world.specialist)
    decided = workflow_services.decide(decided, actor=world.leader, outcome="granted")
    for dossier in (first, decided):
        acknowledged(dossier)
    Dossier.objects.filter(pk=plain.pk).update(vneid_verified=True)
    digitisation_services.from_data_store(plain, actor=world.clerk, required_document=mandatory(world),
                                          reference="KHO-0001")
    FeeLine.objects.create(procedure=world.commune_proc, name="Lệ phí", amount_counter=10_000, amount_online=10_000)

    month = Period.of("month", frozen_now.year, frozen_now.month)
    with django_assert_num_queries(2):
        got = figures.live(month)

    # 1.4: 2 of the 4 received are known to the portal → 6 × 2/4
    assert (got["1.4"].numerator, got["1.4"].denominator, got["1.4"].points) == (2, 4, Decimal("3.00"))
    # 4.1: the one granted decision has its signed result and is synced → 6 × 1/1
    assert (got["4.1"].numerator, got["4.1"].denominator, got["4.1"].points) == (1, 1, Decimal("6.00"))
    # 4.3: 1 of 4 with a reused component; below the 80% threshold → 2 × 0.25 / 0.8
    assert (got["4.3"].numerator, got["4.3"].points) == (1, (Decimal(2) * Decimal("0.25") / Decimal("0.8"))
                                                         .quantize(Decimal("0.01")))
    # 4.5b: 1 of 4 through a VNeID-verified account → 2 × 1/4
    assert (got["4.5b"].numerator, got["4.5b"].points) == (1, Decimal("0.50"))
    # 4.4: 1 of 4 with a component from the data store → 4 × 1/4
    assert (got["4.4"].numerator, got["4.4"].denominator, got["4.4"].points) == (1, 4, Decimal("1.00"))
    # 4.2: components on file and an electronic result: the granted one has no components on file → 0 of 4
    assert (got["4.2"].numerator, got["4.2"].points) == (0, Decimal("0.00"))
    # 3.3: no dossier was received online → 0, whatever the sync ratio (2/4)
    assert (got["3.3"].numerator, got["3.3"].factor, got["3.3"].points) == (0, Decimal("0.5"), Decimal("0.00"))
    # 3.6: all 4 owe the fee, none paid online → 0
    assert (got["3.6"].numerator, got["3.6"].denominator, got["3.6"].points) == (0, 4, Decimal("0.00"))


def test_an_exempted_dossier_owes_nothing_and_another_month_counts_nothing(world, frozen_now):
    from payments.models import FeeExemption

    dossier = receive(world, id_number="011000000008")
    line = FeeLine.objects.create(procedure=world.commune_proc, name="Lệ phí", amount_counter=10_000,
                                  amount_online=10_000)
    FeeExemption.objects.create(dossier=dossier, fee_line=line, reason="Người có công", granted_by=world.clerk,
                                granted_at=timezone.now())
    month = Period.of("month", frozen_now.year, frozen_now.month)
    assert figures.live(month)["3.6"].denominator == 0
    assert figures.live(month)["3.6"].points is None  # no dossier owes fees: not computable, not invented
    earlier = Period.of("month", frozen_now.year - 1, frozen_now.month)
    assert figures.live(earlier)["1.4"].denominator == 0
