"""Fees (phí, lệ phí) per procedure version, payments per dossier, and the gateway's callback log."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, Procedure
from workflows.models import Dossier


class FeeKind(models.TextChoices):
    FEE = "fee", _("phí")
    CHARGE = "charge", _("lệ phí")


class FeeStage(models.TextChoices):
    """When the line is paid: with the dossier, or before the result is handed over."""

    RECEIPT = "receipt", _("khi nộp hồ sơ")
    RESULT = "result", _("trước khi nhận kết quả")


class FeeLine(models.Model):
    """One fee or charge of a procedure version, with its amount by submission channel.

    Lines belong to a version (a `Procedure` row): an amended fee is a new version's line,
    and a dossier keeps paying what its version says.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fee_lines",
                                  verbose_name=_("thủ tục (phiên bản)"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    kind = models.CharField(_("loại"), max_length=10, choices=FeeKind.choices, default=FeeKind.CHARGE)
    name = models.CharField(_("tên khoản thu"), max_length=300)
    amount_counter = models.PositiveIntegerField(_("mức thu khi nộp trực tiếp (đồng)"))
    amount_online = models.PositiveIntegerField(
        _("mức thu khi nộp trực tuyến (đồng)"),
        help_text=_("Nhiều khoản phí, lệ phí được giảm hoặc miễn khi nộp hồ sơ trực tuyến."),
    )
    stage = models.CharField(_("thời điểm nộp"), max_length=10, choices=FeeStage.choices,
                             default=FeeStage.RECEIPT)
    exemption = models.TextField(_("đối tượng miễn, giảm"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)

    class Meta:
        ordering = ["procedure", "order", "pk"]
        verbose_name = _("khoản phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí của thủ tục")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"

    def amount_for(self, channel: str) -> int:
        return self.amount_online if channel == "online" else self.amount_counter


class FeeExemption(models.Model):
    """A fee line the applicant of one dossier does not pay (an exempt person, as the line's
    legal basis lists), recorded by the counter."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="fee_exemptions")
    fee_line = models.ForeignKey(FeeLine, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("căn cứ miễn"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("miễn phí, lệ phí")
        verbose_name_plural = _("miễn phí, lệ phí")
        constraints = [models.UniqueConstraint(fields=["dossier", "fee_line"], name="fee_exemption_once")]

    def __str__(self):
        return f"{self.dossier_id}: {self.fee_line_id}"


class PaymentChannel(models.TextChoices):
    COUNTER = "counter", _("nộp tại Bộ phận Một cửa")
    ONLINE = "online", _("thanh toán trực tuyến")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("chờ thanh toán")
    PAID = "paid", _("đã thanh toán")
    FAILED = "failed", _("không thành công")
    CANCELLED = "cancelled", _("đã hủy")
    MISMATCHED = "mismatched", _("sai lệch số tiền")


class Payment(models.Model):
    """One payment of a dossier's fees: at the counter (paid when recorded) or through the gateway
    (pending until its signed result arrives, by callback or by status query)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("đơn vị thu"))
    channel = models.CharField(_("hình thức"), max_length=10, choices=PaymentChannel.choices)
    status = models.CharField(_("trạng thái"), max_length=12, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    amount = models.PositiveBigIntegerField(_("số tiền phải nộp (đồng)"))
    paid_amount = models.PositiveBigIntegerField(_("số tiền cổng thanh toán báo (đồng)"), null=True, blank=True)
    lines = models.JSONField(_("các khoản thu"), default=list, blank=True)
    order_ref = models.CharField(_("mã giao dịch của đơn vị"), max_length=40, unique=True)
    gateway_txn_id = models.CharField(_("mã giao dịch của cổng thanh toán"), max_length=64, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    payer_name = models.CharField(_("người nộp tiền"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("người thu"))
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    receipt_series = models.CharField(_("ký hiệu biên lai"), max_length=12, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=12, blank=True)
    gateway_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("thanh toán phí, lệ phí")
        constraints = [
            models.UniqueConstraint(fields=["gateway_txn_id"], condition=~Q(gateway_txn_id=""),
                                    name="payment_gateway_txn_once"),
            models.UniqueConstraint(fields=["agency", "receipt_series", "receipt_number"],
                                    condition=~Q(receipt_number=""), name="payment_receipt_number_once"),
        ]
        indexes = [models.Index(fields=["created_at"]), models.Index(fields=["dossier", "status"])]

    def __str__(self):
        return f"{self.order_ref} {self.amount} {self.status}"

    @property
    def receipt(self) -> str:
        return f"{self.receipt_series}-{self.receipt_number}" if self.receipt_number else ""


class CallbackSource(models.TextChoices):
    NOTIFY = "notify", _("thông báo từ cổng thanh toán")
    RETURN = "return", _("trình duyệt quay về")
    QUERY = "query", _("tra vấn trạng thái")


class PaymentCallback(models.Model):
    """Every message the gateway sent about a payment, as received — forged ones included."""

    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks")
    source = models.CharField(max_length=10, choices=CallbackSource.choices)
    params = models.JSONField(default=dict)
    order_ref = models.CharField(max_length=64, blank=True, db_index=True)
    txn_id = models.CharField(max_length=64, blank=True)
    signature_ok = models.BooleanField()
    amount_ok = models.BooleanField(null=True)
    outcome = models.CharField(max_length=24)
    received_at = models.DateTimeField()
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("thông báo của cổng thanh toán")
        verbose_name_plural = _("nhật ký cổng thanh toán")

    def __str__(self):
        return f"{self.source} {self.order_ref} {self.outcome}"
