"""The fee paid at the counter: recorded with its electronic receipt (biên lai, a PDF), and the dossier
waiting for it goes on."""
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from payments import fees as fee_rules
from payments import receipt, services
from payments.models import Payment, PaymentChannel, PaymentStatus
from tests.payments.conftest import awaiting_payment
from tests.world import at, receive
from workflows.audit import verify_chain
from workflows.codes import make_lookup_token
from workflows.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import Dossier, WorkItem
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_counter_payment_meets_the_obligation_and_issues_the_receipt(fees):
    w = fees
    d = awaiting_payment(w)
    before = d.event_count
    with pytest.raises(InvalidInput):
        services.record_counter_payment(d, actor=w.clerk, amount=40_000)
    with pytest.raises(PermissionDenied):
        services.record_counter_payment(d, actor=w.other_clerk, amount=50_000)
    payment = services.record_counter_payment(d, actor=w.clerk, amount=50_000, now=at(2026, 12, 2, 9))
    assert (payment.status, payment.channel, payment.amount) == (PaymentStatus.PAID, PaymentChannel.COUNTER, 50_000)
    assert (payment.receipt_series, payment.receipt_number, payment.receipt) == ("BL/26E", "0000001", "BL/26E-0000001")
    assert payment.paid_at == at(2026, 12, 2, 9) and payment.recorded_by == w.clerk
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.PROCESSING and fee_rules.outstanding(fresh) == 0
    event = fresh.events.latest("seq")
    assert fresh.event_count == before + 1 and verify_chain(fresh).ok  # one event: the obligation met
    assert (event.action, event.actor) == ("payment_received", w.clerk)
    assert event.note == "Đã nộp phí, lệ phí 50.000 đồng tại Bộ phận Một cửa, biên lai số BL/26E-0000001."
    assert WorkItem.objects.open_for(fresh).get().step_index == 0  # back to the specialist's step
    with pytest.raises(TransitionNotAllowed):  # nothing left to pay
        services.record_counter_payment(fresh, actor=w.clerk, amount=50_000)


def test_a_fee_paid_while_no_obligation_waits_is_recorded_as_its_own_event(fees):
    w = fees
    d = receive(w, now=at(2026, 12, 1, 9))
    first = services.record_counter_payment(d, actor=w.clerk, amount=50_000, now=at(2026, 12, 1, 9, 5))
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.RECEIVED
    event = fresh.events.latest("seq")
    assert (event.action, event.data["receipt"], event.data["amount"]) == ("fee_paid", "BL/26E-0000001", 50_000)
    second = services.record_counter_payment(receive(w, now=at(2026, 12, 1, 10)), actor=w.clerk, amount=50_000,
                                             now=at(2026, 12, 1, 10, 5))
    assert (first.receipt_number, second.receipt_number) == ("0000001", "0000002")


def test_the_receipt_pdf_reads_as_a_receipt(fees):
    w = fees
    d = awaiting_payment(w)
    payment = services.record_counter_payment(d, actor=w.clerk, amount=50_000, now=at(2026, 12, 2, 9))
    text = pdf_text(receipt.render(Payment.objects.get(pk=payment.pk)))
    for expected in ("BIÊN LAI THU PHÍ, LỆ PHÍ", "(Biên lai điện tử)", "BL/26E", "0000001", d.code,
                     "Nguyễn Văn An", "Lệ phí cấp Giấy xác nhận", "Phí thẩm định", "10.000 đồng", "40.000 đồng",
                     "50.000 đồng", "Năm mươi nghìn đồng", "Nộp trực tiếp tại Bộ phận Một cửa",
                     "Bộ phận Một cửa xã Bình Lư", "ngày 02 tháng 12 năm 2026"):
        assert expected in text, expected


def test_the_amount_in_words():
    assert receipt.in_words(50_000) == "Năm mươi nghìn đồng"
    assert receipt.in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert receipt.in_words(105) == "Một trăm linh năm đồng"
    assert receipt.in_words(21_015) == "Hai mươi mốt nghìn không trăm mười lăm đồng"
    assert receipt.in_words(2_000_000_000) == "Hai tỷ đồng"


def test_the_counter_page_records_a_payment_and_serves_the_receipt(fees, client):
    w = fees
    d = awaiting_payment(w)
    client.force_login(w.clerk)
    page = client.get(reverse("payments:counter", args=[d.pk]))
    assert page.status_code == 200 and "50000" in page.content.decode()
    assert client.post(reverse("payments:counter", args=[d.pk]), {"action": "record", "amount": "1"}).status_code == 400
    response = client.post(reverse("payments:counter", args=[d.pk]), {"action": "record", "amount": "50000"})
    assert response.status_code == 302
    payment = Payment.objects.get(dossier=d)
    pdf = client.get(reverse("payments:receipt", args=[payment.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "BIÊN LAI" in pdf_text(pdf.content)
    client.logout()
    url = reverse("payments:receipt", args=[payment.pk])
    assert client.get(url).status_code == 404  # neither staff nor the citizen's token
    assert client.get(url, {"t": make_lookup_token(d.code)}).status_code == 200
    client.force_login(w.other_clerk)  # another commune's counter does not see it
    assert client.get(reverse("payments:counter", args=[d.pk])).status_code == 404
    assert client.get(url).status_code == 404


def test_an_exemption_at_the_counter_page(fees, client):
    w = fees
    d = receive(w, now=at(2026, 12, 1, 9))
    client.force_login(w.clerk)
    response = client.post(reverse("payments:counter", args=[d.pk]),
                           {"action": "exempt", "fee_line": w.fee.pk, "reason": "Hộ nghèo"})
    assert response.status_code == 302
    assert fees_due(d) == 10_000


def fees_due(d) -> int:
    return fee_rules.amount_due(Dossier.objects.get(pk=d.pk))
