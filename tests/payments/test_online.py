"""Online payment through the gateway simulator (a separate process on loopback) calling back the live
server: success, failure, cancelled, a duplicate callback, a forged signature, a wrong amount, the
gateway down; and the day's reconciliation report."""
import datetime as dt
import io
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from payments import gateway as adapter
from payments import protocol, reconcile, services, tasks
from payments.models import Payment, PaymentCallback, PaymentStatus
from tests.payments.conftest import MERCHANT, awaiting_payment
from workflows.codes import make_lookup_token
from workflows.models import Dossier
from workflows.statuses import Status

pytestmark = pytest.mark.django_db(transaction=True)


def start(gw, dossier):
    return services.start_online_payment(dossier, return_url=gw.site + reverse("payments:back"))


def pay(gw, dossier, **extra):
    """The citizen pays at the gateway; returns (payment, status of the gateway's answer, its Location)."""
    started = start(gw, dossier)
    status, location = gw.visit(started.redirect_url, **extra)
    return Payment.objects.get(pk=started.payment.pk), status, location


def browse(url: str) -> tuple[int, str]:
    try:
        with urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except Exception as exc:
        if getattr(exc, "code", None) is None:
            raise
        return exc.code, exc.read().decode()


def notifications(payment):
    return list(PaymentCallback.objects.filter(payment=payment, source="notify").values_list("outcome", flat=True))


def test_a_successful_payment_resumes_the_dossier_once(fees, gateway_live):
    d = awaiting_payment(fees)
    payment, status, location = pay(gateway_live, d)
    assert status == 302 and location.startswith(gateway_live.site + reverse("payments:back"))
    assert payment.status == PaymentStatus.PAID and payment.paid_amount == payment.amount == 50_000
    assert payment.gateway_txn_id.startswith("SIM") and payment.receipt == "BL/26E-0000001"
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.PROCESSING
    event = fresh.events.latest("seq")
    assert (event.action, event.actor_id) == ("payment_received", None)  # the system, on the verified result
    assert "trực tuyến" in event.note and payment.gateway_txn_id in event.note
    assert notifications(payment) == ["paid"]
    log = PaymentCallback.objects.get(payment=payment, source="notify")
    assert log.signature_ok and log.amount_ok and log.params["order_ref"] == payment.order_ref
    assert gateway_live.state()["sent"][0]["ack"] == protocol.ACK_OK
    # The browser comes back with the same signed result: shown, recorded as a duplicate, nothing changes.
    code, page = browse(location)
    assert code == 200 and "Đã thanh toán 50000 đồng" in page and "BL/26E-0000001" in page
    assert PaymentCallback.objects.get(payment=payment, source="return").outcome == "duplicate"
    assert Dossier.objects.get(pk=d.pk).event_count == fresh.event_count


def test_a_failed_payment_leaves_the_dossier_waiting_and_may_be_paid_again(fees, gateway_live):
    d = awaiting_payment(fees)
    failed, status, location = pay(gateway_live, d, sim_outcome="failure")
    assert status == 302 and failed.status == PaymentStatus.FAILED and failed.receipt_number == ""
    assert Dossier.objects.get(pk=d.pk).status == Status.AWAITING_PAYMENT
    assert notifications(failed) == ["failed"]
    code, page = browse(location)
    assert code == 200 and "không thành công" in page
    again, _, _ = pay(gateway_live, Dossier.objects.get(pk=d.pk))
    assert again.pk != failed.pk and again.status == PaymentStatus.PAID
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_a_cancelled_payment(fees, gateway_live):
    d = awaiting_payment(fees)
    gateway_live.set(outcome="cancel")
    payment, _, location = pay(gateway_live, d)
    assert payment.status == PaymentStatus.CANCELLED and notifications(payment) == ["cancelled"]
    assert Dossier.objects.get(pk=d.pk).status == Status.AWAITING_PAYMENT
    assert "đã hủy giao dịch" in browse(location)[1]


def test_a_duplicate_callback_changes_nothing(fees, gateway_live):
    d = awaiting_payment(fees)
    gateway_live.set(duplicates=1)
    payment, _, _ = pay(gateway_live, d)
    assert notifications(payment) == ["paid", "duplicate"]  # both logged
    assert [s["ack"] for s in gateway_live.state()["sent"]] == [protocol.ACK_OK, protocol.ACK_OK]
    assert Payment.objects.filter(dossier=d, status=PaymentStatus.PAID).count() == 1
    fresh = Dossier.objects.get(pk=d.pk)
    assert fresh.status == Status.PROCESSING
    assert fresh.events.filter(action="payment_received").count() == 1


def test_a_forged_signature_is_refused_logged_and_changes_nothing(fees, gateway_live):
    d = awaiting_payment(fees)
    before = d.event_count
    gateway_live.set(forge=True)
    payment, _, location = pay(gateway_live, d)
    assert payment.status == PaymentStatus.PENDING and payment.gateway_txn_id == ""
    log = PaymentCallback.objects.get(payment=payment, source="notify")
    assert (log.signature_ok, log.outcome) == (False, "bad_signature")
    assert gateway_live.state()["sent"][0]["ack"] == protocol.ACK_BAD_SIGNATURE
    assert browse(location)[0] == 400  # the forged return is refused too
    fresh = Dossier.objects.get(pk=d.pk)
    assert (fresh.status, fresh.event_count) == (Status.AWAITING_PAYMENT, before)
    # A signed result whose amount was changed afterwards breaks the signature just the same.
    genuine = protocol.signed({"version": "1", "merchant": MERCHANT, "order_ref": payment.order_ref,
                               "amount": "50000", "status": "paid", "txn_id": "X1", "paid_at": "", "bank_code": ""},
                              "someone-else's key")
    request = Request(gateway_live.site + reverse("payments:notify"), data=urlencode(genuine).encode(), method="POST")
    with urlopen(request, timeout=10) as response:
        assert response.status == 200 and b'"97"' in response.read()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert PaymentCallback.objects.filter(payment=payment, signature_ok=False).count() == 3


def test_a_wrong_amount_is_a_mismatch_and_the_dossier_keeps_waiting(fees, gateway_live):
    d = awaiting_payment(fees)
    gateway_live.set(amount_delta=-20_000)
    payment, _, _ = pay(gateway_live, d)
    assert (payment.status, payment.paid_amount, payment.receipt_number) == (PaymentStatus.MISMATCHED, 30_000, "")
    log = PaymentCallback.objects.get(payment=payment, source="notify")
    assert (log.signature_ok, log.amount_ok, log.outcome) == (True, False, "mismatched")
    assert gateway_live.state()["sent"][0]["ack"] == protocol.ACK_BAD_AMOUNT
    assert Dossier.objects.get(pk=d.pk).status == Status.AWAITING_PAYMENT


def test_no_state_is_lost_while_the_gateway_is_down(fees, gateway_live, client):
    d = awaiting_payment(fees)
    token = make_lookup_token(d.code)
    gateway_live.set(down=True)
    # The citizen starts paying: the redirect is signed here, no call to the gateway, no error page.
    response = client.post(reverse("payments:pay"), {"t": token})
    assert response.status_code == 302 and response["Location"].startswith(gateway_live.url + "/pay?")
    assert gateway_live.visit(response["Location"])[0] == 503
    payment = Payment.objects.get(dossier=d)
    assert payment.status == PaymentStatus.PENDING
    assert services.settle_pending() == {"checked": 1, "settled": 0, "unreachable": 1}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and "503" in payment.gateway_error
    assert client.get(reverse("payments:pay"), {"t": token}).status_code == 200
    # Back up, but the notification is lost (the citizen's browser closed too): still pending ...
    gateway_live.set(down=False, drop_callback=True)
    again = client.post(reverse("payments:pay"), {"t": token})
    assert gateway_live.visit(again["Location"])[0] == 302
    assert Payment.objects.filter(dossier=d).count() == 1  # the same order, tried again
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    # ... until the status query settles it.
    assert services.settle_pending() == {"checked": 1, "settled": 1, "unreachable": 0}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.gateway_error == ""
    assert PaymentCallback.objects.get(payment=payment, source="query", outcome="paid").signature_ok
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_an_unreachable_gateway_address_is_reported_not_raised(fees, settings):
    d = awaiting_payment(fees)
    settings.ONESTOP_PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.ONESTOP_PAYMENT_GATEWAY_SECRET = "s" * 32
    started = services.start_online_payment(d, return_url="http://127.0.0.1/back")
    with pytest.raises(adapter.GatewayUnavailable):
        adapter.query(started.payment.order_ref)
    assert services.settle_by_query(started.payment) is None
    assert Payment.objects.get(pk=started.payment.pk).status == PaymentStatus.PENDING


def test_the_reconciliation_report_shows_each_payment_in_its_group(fees, gateway_live, frozen_now):
    w = fees
    counter = services.record_counter_payment(awaiting_payment(w), actor=w.clerk, amount=50_000)
    paid, _, _ = pay(gateway_live, awaiting_payment(w))
    failed, _, _ = pay(gateway_live, awaiting_payment(w), sim_outcome="failure")
    cancelled, _, _ = pay(gateway_live, awaiting_payment(w), sim_outcome="cancel")
    gateway_live.set(amount_delta=5_000)
    mismatched, _, _ = pay(gateway_live, awaiting_payment(w))
    gateway_live.set(amount_delta=0, drop_callback=True)
    lost, _, _ = pay(gateway_live, awaiting_payment(w))  # paid at the gateway, its callback lost
    never = start(gateway_live, awaiting_payment(w)).payment  # the citizen never reached the gateway
    assert lost.status == PaymentStatus.PENDING

    today = timezone.localdate(frozen_now)  # the suite's frozen day, whatever ONESTOP_TEST_NOW says
    report = reconcile.reconcile(today)
    groups = {name: {row.payment.pk for row in report.group(name)} for name in reconcile.GROUPS}
    assert groups == {"paid": {counter.pk, paid.pk, lost.pk}, "pending": {never.pk},
                      "mismatched": {mismatched.pk}, "failed": {failed.pk}, "cancelled": {cancelled.pk}}
    assert report.counts == {"paid": 3, "pending": 1, "mismatched": 1, "failed": 1, "cancelled": 1}
    rows = {row.payment.pk: row for row in report.rows}
    assert (rows[never.pk].gateway_status, rows[mismatched.pk].gateway_amount) == ("unknown", 55_000)
    assert Payment.objects.get(pk=lost.pk).status == PaymentStatus.PAID  # settled by the reconciliation
    assert reconcile.reconcile(today - dt.timedelta(days=1)).rows == []

    out = io.StringIO()
    call_command("reconcile_payments", "--date", today.isoformat(), stdout=out)
    text = out.getvalue()
    assert "paid: 3 (150000 đồng)" in text and "pending: 1" in text and "mismatched: 1" in text
    assert mismatched.order_ref in text and "gateway=unknown" in text
    assert tasks.reconcile_payments.delay(today.isoformat()).get() == {
        "day": today.isoformat(), "paid": 3, "pending": 1, "mismatched": 1, "failed": 1, "cancelled": 1,
        "pending_checked": 1}
