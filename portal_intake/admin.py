from django.contrib import admin

from .models import InboundLog, PortalDossier


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
