"""Admin for the engine's records: read-only. Dossiers change only through the services."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Complaint,
    Dossier,
    DossierEvent,
    Notification,
    SatisfactionRating,
    StaffMembership,
    WorkItem,
)
from .privacy import mask_id_number, mask_phone


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "supervised_unit"]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["agency", "supervised_unit"]
    list_select_related = ["user", "agency", "supervised_unit"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    fields = ["seq", "at", "actor", "action", "from_status", "to_status", "step_index", "agency", "note", "hash"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["seq"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "procedure", "receiving_agency", "channel", "status", "received_at", "due_at",
                    "masked_id_number"]
    list_filter = ["status", "channel", "procedure__level", "procedure__field"]
    search_fields = ["code", "applicant_name"]
    date_hierarchy = "received_at"
    list_select_related = ["procedure", "receiving_agency"]
    inlines = [DossierEventInline]
    exclude = ["lookup_secret_hash", "last_event_hash"]

    @admin.display(description=_("số định danh"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.applicant_id_number)


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "seq", "at", "actor", "action", "from_status", "to_status", "agency"]
    list_filter = ["action"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "actor", "agency"]


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ["pk", "flow_task", "status", "agency", "role", "owner", "created", "due_at", "finished",
                    "working_seconds"]
    list_filter = ["status", "role"]
    search_fields = ["process__dossier__code"]
    list_select_related = ["agency", "owner"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "channel", "masked_recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "status"]

    @admin.display(description=_("người nhận"))
    def masked_recipient(self, obj):
        return obj.recipient if "@" in obj.recipient else mask_phone(obj.recipient)


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "rating", "created_at"]
    list_filter = ["rating"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["dossier", "received_at", "resolved_at", "unsubstantiated"]
    list_filter = ["unsubstantiated"]
    raw_id_fields = ["dossier"]
