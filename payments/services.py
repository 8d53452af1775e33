"""Payment writes: exemptions, a payment at the counter, an online payment started, the gateway's
results (callback, browser return, status query). Each runs in one transaction.

A write that changes the dossier writes exactly one audit event on its chain: an exemption
(`fee_exemption`), or a completed payment — `payment_received` through workflows.services when it
meets a financial obligation the dossier waits for (national status 6), else `fee_paid`. What the
gateway said, and what became of each message, is kept in PaymentCallback, forged messages
included (docs/decisions/0025-fees-and-payment.md).
"""
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.layout import money
from procedures.models import Agency
from workflows import access, audit, clock
from workflows import services as workflow_services
from workflows.errors import Conflict, DomainError, InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import Dossier
from workflows.roles import Role
from workflows.statuses import OPEN_STATUSES, Status

from . import fees, gateway, protocol
from .models import CallbackSource, FeeExemption, FeeLine, Payment, PaymentCallback, PaymentChannel, PaymentStatus

logger = logging.getLogger("onestop.payments")

# A dossier's fees may be paid while it is open: from submission until the result is handed over.
PAYABLE_STATUSES = OPEN_STATUSES


# --- plumbing --------------------------------------------------------------------------


def _lock_dossier(dossier_id: int) -> Dossier:
    return Dossier.objects.select_for_update().select_related("receiving_agency").get(pk=dossier_id)


def _event(dossier: Dossier, *, actor, action: str, note: str, data: dict) -> None:
    """One event on the dossier's chain (the dossier locked by the caller); its status unchanged."""
    event = audit.stage_event(dossier, actor=actor, action=action, from_status=dossier.status,
                              agency_id=dossier.receiving_agency_id, note=note, data=data)
    dossier.save(update_fields=["event_count", "last_event_hash"])
    audit.save_event(event)


def _require_counter(actor, dossier: Dossier):
    """A clerk of the counter that received the dossier or returns its result."""
    if not any(access.is_member(actor, agency, Role.CLERK)
               for agency in {dossier.receiving_agency_id, dossier.return_agency_id}):
        raise PermissionDenied()


def _require_payable(dossier: Dossier):
    if dossier.status not in PAYABLE_STATUSES:
        raise TransitionNotAllowed(_("Hồ sơ không còn ở trạng thái nộp phí, lệ phí."))


def new_order_ref(now: datetime) -> str:
    """A unique reference for the gateway: date, time and random letters (no dossier data)."""
    return f"OS{timezone.localtime(now):%y%m%d%H%M%S}{secrets.token_hex(5).upper()}"


def _receipt_series(now: datetime) -> str:
    """'BL/26E': an electronic receipt (biên lai điện tử) series of the year."""
    return f"BL/{timezone.localtime(now):%y}E"


def _issue_receipt(payment: Payment, now: datetime):
    """The next receipt number of the collecting unit's series (the unit's row serialises numbering)."""
    Agency.objects.select_for_update().filter(pk=payment.agency_id).values_list("pk").first()
    series = _receipt_series(now)
    last = (Payment.objects.filter(agency_id=payment.agency_id, receipt_series=series).exclude(receipt_number="")
            .order_by("-receipt_number").values_list("receipt_number", flat=True).first())
    payment.receipt_series = series
    payment.receipt_number = f"{int(last or 0) + 1:07d}"


def _note(payment: Payment) -> str:
    # Stored in the audit trail as written (the record does not change with the reader's language).
    how = "tại Bộ phận Một cửa" if payment.channel == PaymentChannel.COUNTER else "trực tuyến"
    note = f"Đã nộp phí, lệ phí {money(payment.amount)} {how}, biên lai số {payment.receipt}"
    if payment.gateway_txn_id:
        note += f", mã giao dịch {payment.gateway_txn_id}"
    return note + "."


def _complete(payment: Payment, *, actor, now: datetime) -> Payment:
    """The payment is paid (its row locked by the caller): issue the receipt, then the dossier's one
    event — the obligation met when it waits for it and nothing remains to pay, else `fee_paid`."""
    payment.status = PaymentStatus.PAID
    payment.paid_at = payment.settled_at = now
    _issue_receipt(payment, now)
    payment.save()
    dossier = _lock_dossier(payment.dossier_id)
    if dossier.status == Status.AWAITING_PAYMENT and fees.outstanding(dossier) == 0:
        try:
            with transaction.atomic():
                # actor None (an online payment): the verified gateway result completes it, no person acts.
                workflow_services.payment_received(dossier, actor=actor, note=_note(payment), now=now)
            return payment
        except (Conflict, TransitionNotAllowed):
            dossier = _lock_dossier(payment.dossier_id)  # moved on meanwhile: the payment is still recorded
    _event(dossier, actor=actor, action="fee_paid", note=_note(payment),
           data={"payment": payment.pk, "amount": payment.amount, "channel": payment.channel,
                 "receipt": payment.receipt, "txn_id": payment.gateway_txn_id})
    return payment


# --- the counter -----------------------------------------------------------------------


def grant_exemption(dossier: Dossier, *, actor, fee_line: FeeLine, reason: str,
                    now: datetime | None = None) -> FeeExemption:
    """Miễn phí, lệ phí: the applicant is one the line's legal basis exempts (one event)."""
    if not (reason or "").strip():
        raise InvalidInput(_("Cần ghi căn cứ miễn phí, lệ phí."))
    with clock.service_clock(now) as now, transaction.atomic():
        dossier = _lock_dossier(dossier.pk)
        _require_counter(actor, dossier)
        _require_payable(dossier)
        if fee_line.procedure_id != dossier.procedure_id:
            raise InvalidInput(_("Khoản phí, lệ phí không thuộc thủ tục của hồ sơ."))
        if dossier.payments.filter(status=PaymentStatus.PENDING, channel=PaymentChannel.ONLINE).exists():
            raise TransitionNotAllowed(_("Hồ sơ đang có giao dịch thanh toán trực tuyến chờ kết quả."))
        if FeeExemption.objects.filter(dossier=dossier, fee_line=fee_line).exists():
            raise TransitionNotAllowed(_("Khoản này đã được miễn."))
        row = FeeExemption.objects.create(dossier=dossier, fee_line=fee_line, reason=reason.strip(),
                                          granted_by=actor, granted_at=now)
        _event(dossier, actor=actor, action="fee_exemption", note=reason.strip(),
               data={"fee_line": fee_line.pk, "name": fee_line.name})
        return row


def record_counter_payment(dossier: Dossier, *, actor, amount: int, now: datetime | None = None) -> Payment:
    """Thu phí, lệ phí tại quầy: the clerk takes what the dossier owes, in full, and the electronic
    receipt (biên lai) is issued; returns the paid Payment."""
    with clock.service_clock(now) as now, transaction.atomic():
        dossier = _lock_dossier(dossier.pk)
        _require_counter(actor, dossier)
        _require_payable(dossier)
        due = fees.outstanding(dossier)
        if due == 0:
            raise TransitionNotAllowed(_("Hồ sơ không còn khoản phí, lệ phí nào phải nộp."))
        if amount != due:
            raise InvalidInput(_("Số tiền thu (%(amount)s) không khớp số phải nộp (%(due)s).")
                               % {"amount": money(amount), "due": money(due)})
        payment = Payment(
            dossier=dossier, agency_id=dossier.receiving_agency_id, channel=PaymentChannel.COUNTER, amount=due,
            paid_amount=due, lines=[c.as_dict() for c in fees.charges(dossier)], order_ref=new_order_ref(now),
            payer_name=dossier.applicant_name, recorded_by=actor, created_at=now,
        )
        try:
            with transaction.atomic():
                return _complete(payment, actor=actor, now=now)
        except IntegrityError as exc:
            raise Conflict() from exc


def request_fee_payment(dossier: Dossier, *, actor, now: datetime | None = None) -> Dossier:
    """The step holder asks for the fees before handling goes on (or before the result is issued): the
    dossier waits in the financial obligation state (workflows.services.request_payment) with what
    it owes as the obligation."""
    due = fees.outstanding(dossier)
    if due == 0:
        raise TransitionNotAllowed(_("Hồ sơ không còn khoản phí, lệ phí nào phải nộp."))
    lines = "; ".join(f"{c.line.name}: {money(c.amount)}" for c in fees.charges(dossier) if c.amount)
    return workflow_services.request_payment(dossier, actor=actor, obligation=f"Nộp {money(due)} ({lines})",
                                             now=now)


# --- online --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    payment: Payment
    redirect_url: str


def notify_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("payments:notify")


def start_online_payment(dossier: Dossier, *, return_url: str, now: datetime | None = None) -> Started:
    """Thanh toán trực tuyến: the citizen is sent to the gateway to pay what the dossier owes.

    Nothing goes over the network here: the redirect is signed locally, so an unreachable gateway
    cannot lose the order. A pending online payment of the same amount is reused (same order
    reference, a fresh signed address): trying again never opens a second order.
    """
    cfg = gateway.config()
    if not cfg.enabled:
        raise TransitionNotAllowed(_("Chưa cấu hình cổng thanh toán trực tuyến."))
    with clock.service_clock(now) as now, transaction.atomic():
        dossier = _lock_dossier(dossier.pk)
        _require_payable(dossier)
        due = fees.outstanding(dossier)
        if due == 0:
            raise TransitionNotAllowed(_("Hồ sơ không còn khoản phí, lệ phí nào phải nộp."))
        payment = (dossier.payments.filter(channel=PaymentChannel.ONLINE, status=PaymentStatus.PENDING, amount=due)
                   .order_by("-created_at").first())
        if payment is None:
            payment = Payment.objects.create(
                dossier=dossier, agency_id=dossier.receiving_agency_id, channel=PaymentChannel.ONLINE, amount=due,
                lines=[c.as_dict() for c in fees.charges(dossier)], order_ref=new_order_ref(now),
                payer_name=dossier.applicant_name, created_at=now,
            )
        url = gateway.pay_url(order_ref=payment.order_ref, amount=payment.amount,
                              order_info=f"Phi, le phi ho so {dossier.code}", return_url=return_url,
                              notify_url=notify_url(), now=now, cfg=cfg)
        return Started(payment, url)


# --- the gateway's results ----------------------------------------------------------------

_FINAL = {protocol.PAID: PaymentStatus.PAID, protocol.FAILED: PaymentStatus.FAILED,
          protocol.CANCELLED: PaymentStatus.CANCELLED}


@dataclass(frozen=True)
class Handled:
    ack: str  # protocol.ACK_*: the answer to the gateway
    outcome: str  # what was done, as logged
    payment: Payment | None


def _apply(result: gateway.Result, payment: Payment | None, now: datetime) -> tuple[str, str, bool | None]:
    """Act on a verified result for a locked payment; returns (ack, outcome, amount_ok)."""
    if payment is None:
        return protocol.ACK_UNKNOWN_ORDER, "unknown_order", None
    amount_ok = result.amount == payment.amount
    target = _FINAL.get(result.status)
    if target is None:  # pending / unknown (a query answer) or garbage: nothing to settle
        return protocol.ACK_OK, "no_change" if result.status in protocol.QUERY_STATUSES else "invalid", amount_ok
    if target == PaymentStatus.PAID and not amount_ok:
        target = PaymentStatus.MISMATCHED
    if payment.status != PaymentStatus.PENDING:
        same = payment.status == target and (not payment.gateway_txn_id or payment.gateway_txn_id == result.txn_id)
        if same:
            return protocol.ACK_OK, "duplicate", amount_ok
        # A different word about an order already settled: kept for the reconciliation, nothing changed.
        logger.warning("payment %s is %s, the gateway now says %s", payment.order_ref, payment.status, result.status)
        return protocol.ACK_OK, "conflict", amount_ok
    payment.gateway_txn_id = result.txn_id
    payment.bank_code = result.bank_code
    payment.paid_amount = result.amount if result.status == protocol.PAID else None
    payment.gateway_error = ""
    if target == PaymentStatus.PAID:
        _complete(payment, actor=None, now=now)
        return protocol.ACK_OK, "paid", amount_ok
    payment.status, payment.settled_at = target, now
    payment.save()
    if target == PaymentStatus.MISMATCHED:
        logger.warning("payment %s: the gateway reports %s, %s was due", payment.order_ref, result.amount,
                       payment.amount)
        return protocol.ACK_BAD_AMOUNT, "mismatched", amount_ok
    return protocol.ACK_OK, target, amount_ok


def _log(result: gateway.Result, *, source: str, payment_id, outcome: str, amount_ok, now, remote_addr):
    return PaymentCallback.objects.create(
        payment_id=payment_id, source=source, params=result.params, order_ref=result.order_ref, txn_id=result.txn_id,
        signature_ok=result.signature_ok, amount_ok=amount_ok, outcome=outcome, received_at=now,
        remote_addr=remote_addr or None,
    )


def handle_result(result: gateway.Result, *, source: str, remote_addr: str | None = None,
                  now: datetime | None = None) -> Handled:
    """Act on one message from the gateway, once: checked by signature (a forged one changes nothing),
    by amount (a wrong one is a mismatch, the dossier keeps waiting), idempotent by order reference
    and transaction (a duplicate changes nothing), and logged whatever it was."""
    with clock.service_clock(now) as now:
        try:
            with transaction.atomic():
                payment = Payment.objects.select_for_update().filter(order_ref=result.order_ref).first() \
                    if result.order_ref else None
                if not result.signature_ok:
                    ack, outcome, amount_ok = protocol.ACK_BAD_SIGNATURE, "bad_signature", None
                    logger.warning("payment callback with a bad signature for order %r", result.order_ref)
                else:
                    ack, outcome, amount_ok = _apply(result, payment, now)
                _log(result, source=source, payment_id=payment.pk if payment else None, outcome=outcome,
                     amount_ok=amount_ok, now=now, remote_addr=remote_addr)
                return Handled(ack, outcome, payment)
        except (DatabaseError, DomainError):
            logger.exception("payment callback for order %r could not be recorded", result.order_ref)
            known = Payment.objects.filter(order_ref=result.order_ref).values_list("pk", flat=True).first() \
                if result.order_ref else None
            _log(result, source=source, payment_id=known, outcome="error", amount_ok=None, now=now,
                 remote_addr=remote_addr)
            return Handled(protocol.ACK_ERROR, "error", None)


def handle_callback(params, *, source: str = CallbackSource.NOTIFY, remote_addr: str | None = None,
                    now: datetime | None = None) -> Handled:
    """A notification (or the browser's return) with the gateway's signed parameters."""
    return handle_result(gateway.read_result(params), source=source, remote_addr=remote_addr, now=now)


def settle_by_query(payment: Payment, *, now: datetime | None = None) -> Handled | None:
    """Ask the gateway about a pending online payment and act on its answer (a lost callback is
    recovered so). None when the gateway cannot be reached: the payment stays pending, the error
    noted on it, and a later query settles it."""
    with clock.service_clock(now) as now:
        try:
            result = gateway.query(payment.order_ref, now=now)
        except gateway.GatewayUnavailable as exc:
            Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(gateway_error=str(exc)[:500])
            logger.warning("payment %s: status query failed: %s", payment.order_ref, exc)
            return None
        return handle_result(result, source=CallbackSource.QUERY, now=now)


def settle_pending(*, now: datetime | None = None) -> dict:
    """Query every pending online payment; returns how many settled and how many the gateway did not answer."""
    counts = {"checked": 0, "settled": 0, "unreachable": 0}
    for payment in Payment.objects.filter(channel=PaymentChannel.ONLINE, status=PaymentStatus.PENDING).order_by("pk"):
        counts["checked"] += 1
        handled = settle_by_query(payment, now=now)
        if handled is None:
            counts["unreachable"] += 1
        elif handled.outcome in ("paid", "failed", "cancelled", "mismatched"):
            counts["settled"] += 1
    return counts
