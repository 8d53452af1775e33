from django.contrib import admin

from .models import Component


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    """Read-only: components are recorded through digitisation.services only."""

    list_display = ("dossier", "document_name", "source", "pages", "originals", "copies", "actor", "recorded_at")
    list_filter = ("source", "exempt_reason")
    search_fields = ("dossier__code", "document_name", "data_store_ref")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
