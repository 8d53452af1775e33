"""The daily reconciliation (đối soát): the day's payments, ours beside what the gateway says.

Each online payment of the day is queried (payments.gateway.query). A pending payment the
gateway has settled is settled now (the callback was lost); then every payment falls in one group:
- paid: we and the gateway agree it is paid, at the amount due (a counter payment is paid once recorded);
- pending: no result yet (the gateway pending, not knowing the order, or unreachable);
- mismatched: the amounts differ, or we and the gateway disagree on the outcome;
- failed / cancelled: both agree it did not go through.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from . import gateway, protocol, services
from .models import CallbackSource, Payment, PaymentChannel, PaymentStatus

GROUPS = ("paid", "pending", "mismatched", "failed", "cancelled")


@dataclass
class Row:
    payment: Payment
    gateway_status: str  # a protocol status, "unreachable", or "" (a counter payment)
    gateway_amount: int | None
    group: str
    note: str = ""


@dataclass
class Report:
    day: date
    rows: list[Row] = field(default_factory=list)

    def group(self, name: str) -> list[Row]:
        return [row for row in self.rows if row.group == name]

    @property
    def counts(self) -> dict:
        return {name: len(self.group(name)) for name in GROUPS}

    @property
    def totals(self) -> dict:
        return {name: sum(row.payment.amount for row in self.group(name)) for name in GROUPS}

    def as_text(self) -> str:
        lines = [f"Đối soát thanh toán ngày {self.day:%d/%m/%Y}"]
        for name in GROUPS:
            lines.append(f"{name}: {self.counts[name]} ({self.totals[name]} đồng)")
            for row in self.group(name):
                p = row.payment
                lines.append(f"  {p.order_ref} {p.dossier.code} {p.channel} {p.amount} ours={p.status} "
                             f"gateway={row.gateway_status or '-'}"
                             f"{'' if row.gateway_amount is None else f' {row.gateway_amount}'}"
                             f"{f' ({row.note})' if row.note else ''}")
        return "\n".join(lines)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def _classify(payment: Payment, answer: gateway.Result | None) -> Row:
    ours = payment.status
    if payment.channel == PaymentChannel.COUNTER:
        return Row(payment, "", None, "paid" if ours == PaymentStatus.PAID else ours)
    if answer is None:
        group = "pending" if ours == PaymentStatus.PENDING else ("mismatched" if ours == "mismatched" else ours)
        return Row(payment, "unreachable", None, group, "cổng thanh toán không trả lời")
    theirs, amount = answer.status, answer.amount
    if ours == PaymentStatus.MISMATCHED:
        return Row(payment, theirs, amount, "mismatched", "số tiền khác số phải nộp")
    if ours == PaymentStatus.PENDING:
        if theirs in (protocol.PENDING, protocol.UNKNOWN):
            return Row(payment, theirs, amount, "pending")
        return Row(payment, theirs, amount, "mismatched", "cổng đã có kết quả, hệ thống chưa ghi nhận")
    expected = {PaymentStatus.PAID: protocol.PAID, PaymentStatus.FAILED: protocol.FAILED,
                PaymentStatus.CANCELLED: protocol.CANCELLED}[ours]
    if theirs != expected:
        return Row(payment, theirs, amount, "mismatched", "kết quả của cổng khác kết quả đã ghi nhận")
    if ours == PaymentStatus.PAID and amount != payment.amount:
        return Row(payment, theirs, amount, "mismatched", "số tiền khác số phải nộp")
    return Row(payment, theirs, amount, ours)


def reconcile(day: date, *, settle: bool = True, now: datetime | None = None) -> Report:
    """The report for the payments started on `day` (Vietnam time). With `settle`, a pending payment
    the gateway answers for is settled first (as by a callback, logged as a query)."""
    start, end = _day_bounds(day)
    report = Report(day)
    payments = (Payment.objects.filter(created_at__gte=start, created_at__lt=end)
                .select_related("dossier").order_by("created_at", "pk"))
    for payment in payments:
        answer = None
        if payment.channel == PaymentChannel.ONLINE:
            try:
                answer = gateway.query(payment.order_ref, now=now)
            except gateway.GatewayUnavailable as exc:
                Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
                    gateway_error=str(exc)[:500])
            else:
                if settle and payment.status == PaymentStatus.PENDING and answer.status in protocol.RESULT_STATUSES:
                    services.handle_result(answer, source=CallbackSource.QUERY, now=now)
                    payment.refresh_from_db()
        report.rows.append(_classify(payment, answer))
    return report
