from django.contrib import admin

from .models import InboundCursor, InboundLog, PortalDossier, ReconciliationRun


@admin.register(PortalDossier)
class PortalDossierAdmin(admin.ModelAdmin):
    list_display = ["portal_code", "dossier", "received_at", "acked_at"]
    search_fields = ["portal_code", "dossier__code"]
    raw_id_fields = ["dossier"]


@admin.register(InboundLog)
class InboundLogAdmin(admin.ModelAdmin):
    list_display = ["portal_code", "at", "outcome", "reason"]
    list_filter = ["outcome"]
    search_fields = ["portal_code"]
    readonly_fields = ["portal_code", "at", "outcome", "reason", "payload"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the reconciliation (portal_intake.reconcile) alone."""

    list_display = ["started_at", "day_from", "day_to", "ours_count", "portal_count", "error"]
    readonly_fields = ["day_from", "day_to", "started_at", "finished_at", "ours_count", "portal_count",
                       "not_synced", "different", "unknown_to_us", "error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundCursor)
class InboundCursorAdmin(admin.ModelAdmin):
    """Where the pull stands; an administrator may move it (e.g. back, to have a page read again:
    items already received are only acknowledged again)."""

    list_display = ["name", "cursor", "updated_at"]
    readonly_fields = ["name", "updated_at"]
