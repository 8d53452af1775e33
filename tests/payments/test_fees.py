"""Fee lines per procedure version, the amount due by the dossier's channel, exemptions, and the wait
for the financial obligation."""
import pytest

from payments import fees, services
from payments.models import FeeExemption
from procedures.models import OnlineLevel
from procedures.versions import publish_new_version
from tests.payments.conftest import add_fees, awaiting_payment
from tests.world import at, receive
from workflows import services as workflow_services
from workflows.audit import verify_chain
from workflows.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import Dossier
from workflows.statuses import NATIONAL_STATUS_CODE, Status

pytestmark = pytest.mark.django_db


def _online(w):
    w.commune_proc.online_level = OnlineLevel.FULL
    w.commune_proc.save(update_fields=["online_level"])
    receipt = workflow_services.submit_online(
        procedure=w.commune_proc, agency=w.counter,
        applicant=workflow_services.Applicant(name="Trần Thị Bình", id_number="012345678902"),
        document_ids=[d.pk for d in w.commune_proc.documents.filter(is_mandatory=True)], now=at(2026, 12, 1, 8))
    return workflow_services.accept_online(receipt.dossier, actor=w.clerk, now=at(2026, 12, 1, 9))


def test_the_amount_due_follows_the_channel_the_dossier_came_by(fees_world):
    w = fees_world
    at_counter, online = receive(w, now=at(2026, 12, 1, 9)), _online(w)
    assert fees.amount_due(at_counter) == 50_000
    assert fees.amount_due(online) == 45_000  # the charge is halved online
    assert [(c.line.name, c.amount) for c in fees.charges(online)] == [
        ("Lệ phí cấp Giấy xác nhận", 5_000), ("Phí thẩm định", 40_000)]
    assert fees.outstanding(at_counter) == 50_000


def test_a_procedure_without_fee_lines_owes_nothing(world):
    d = receive(world, now=at(2026, 12, 1, 9))
    assert fees.amount_due(d) == 0
    with pytest.raises(TransitionNotAllowed):
        services.record_counter_payment(d, actor=world.clerk, amount=0)


def test_fee_lines_belong_to_a_version(fees_world):
    w = fees_world
    old = receive(w, now=at(2026, 12, 1, 9))
    new_version = publish_new_version(w.commune_proc, at(2026, 12, 10).date())
    charge, fee = add_fees(new_version)  # the amended version's own lines
    fee.amount_counter = 60_000
    fee.save()
    later = receive(w, procedure=new_version, now=at(2026, 12, 10, 9))
    assert (fees.amount_due(old), fees.amount_due(later)) == (50_000, 70_000)
    assert w.commune_proc.fee_lines.count() == new_version.fee_lines.count() == 2


def test_an_exemption_removes_its_line_with_one_event(fees_world):
    w = fees_world
    d = receive(w, now=at(2026, 12, 1, 9))
    before = d.event_count
    with pytest.raises(PermissionDenied):
        services.grant_exemption(d, actor=w.other_clerk, fee_line=w.fee, reason="Hộ nghèo")
    with pytest.raises(InvalidInput):
        services.grant_exemption(d, actor=w.clerk, fee_line=w.fee, reason=" ")
    services.grant_exemption(d, actor=w.clerk, fee_line=w.fee, reason="Hộ nghèo, sổ hộ nghèo số 12/2026",
                             now=at(2026, 12, 1, 9, 30))
    assert fees.amount_due(d) == 10_000
    assert [c.exempt for c in fees.charges(d)] == [False, True]
    with pytest.raises(TransitionNotAllowed):
        services.grant_exemption(d, actor=w.clerk, fee_line=w.fee, reason="Lần nữa")
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.event_count == before + 1 and verify_chain(fresh).ok
    assert fresh.events.latest("seq").action == "fee_exemption"
    assert FeeExemption.objects.filter(dossier=d).count() == 1


def test_the_fees_requested_put_the_dossier_in_the_financial_obligation_state(fees_world):
    d = awaiting_payment(fees_world)
    assert d.status == Status.AWAITING_PAYMENT and NATIONAL_STATUS_CODE[d.status] == 6
    assert d.events.latest("seq").note == (
        "Nộp 50.000 đồng (Lệ phí cấp Giấy xác nhận: 10.000 đồng; Phí thẩm định: 40.000 đồng)")


@pytest.fixture
def fees_world(fees):
    return fees
