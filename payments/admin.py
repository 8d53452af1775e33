from django.contrib import admin

from .models import FeeLine, Payment, PaymentCallback


@admin.register(FeeLine)
class FeeLineAdmin(admin.ModelAdmin):
    list_display = ("procedure", "order", "kind", "name", "amount_counter", "amount_online", "stage")
    list_filter = ("kind", "stage")
    search_fields = ("name", "procedure__code", "procedure__name")
    raw_id_fields = ("procedure",)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments change through payments.services only."""

    list_display = ("order_ref", "dossier", "channel", "status", "amount", "paid_amount", "created_at", "paid_at")
    list_filter = ("channel", "status")
    search_fields = ("order_ref", "gateway_txn_id", "dossier__code", "receipt_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(admin.ModelAdmin):
    list_display = ("received_at", "source", "order_ref", "txn_id", "signature_ok", "amount_ok", "outcome")
    list_filter = ("source", "outcome", "signature_ok")
    search_fields = ("order_ref", "txn_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
