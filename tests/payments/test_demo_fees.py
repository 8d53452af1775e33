"""The demo's fees: fee lines from the catalog, and simulated citizens paying them at the counter and
online through the gateway simulator (a separate process on loopback), the whole signed way."""
import io

import pytest
from django.core.management import call_command

from demo.fees import FEE_LINES, gateway_simulator, load_fee_lines
from demo.simulation import simulate
from payments.fees import outstanding
from payments.models import CallbackSource, FeeLine, Payment, PaymentCallback, PaymentChannel, PaymentStatus
from procedures.models import Procedure
from tests.world import at
from workflows.models import Dossier
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_demo", stdout=io.StringIO())


def test_every_version_of_a_listed_procedure_gets_its_fee_line_once(loaded):
    versions = Procedure.objects.filter(code__in=FEE_LINES)
    assert versions.count() >= len(FEE_LINES)
    assert FeeLine.objects.count() == versions.count()
    assert load_fee_lines() == 0  # loading again creates nothing
    residence = FeeLine.objects.filter(procedure__code="1.004222").first()
    assert (residence.amount_counter, residence.amount_online) == (20_000, 10_000)


def test_simulated_citizens_pay_at_the_counter_and_online(loaded):
    with gateway_simulator() as payer:
        report = simulate(days=8, per_day=12, until=at(2026, 3, 4, 17), payer=payer)
    paid = Payment.objects.filter(status=PaymentStatus.PAID)
    assert report.paid_counter == paid.filter(channel=PaymentChannel.COUNTER).count() > 0
    assert report.paid_online == paid.filter(channel=PaymentChannel.ONLINE).count() > 0
    assert all(p.receipt_number and p.paid_amount == p.amount for p in paid)
    for payment in paid.filter(channel=PaymentChannel.ONLINE):
        # the signed return from the gateway, verified and logged
        assert PaymentCallback.objects.filter(payment=payment, source=CallbackSource.RETURN, signature_ok=True,
                                              outcome="paid").exists()
        assert payment.gateway_txn_id.startswith("SIM")
    # Every dossier the counter took in (received, or accepted online) owes nothing.
    taken_in = Dossier.objects.filter(procedure__fee_lines__isnull=False).exclude(
        status__in=[Status.SUBMITTED, Status.REFUSED]).distinct()
    assert taken_in.exists()
    assert all(outstanding(d) == 0 for d in taken_in)


def test_without_a_gateway_nobody_pays_online(loaded):
    report = simulate(days=3, per_day=10, until=at(2026, 3, 4, 17))
    assert report.paid_online == 0
    assert not Payment.objects.filter(channel=PaymentChannel.ONLINE).exists()
