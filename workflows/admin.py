"""Admin for the engine's records: read-only. Dossiers change only through the services."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .membership import has_role, supervised_paths
from .models import (
    AuditAnchor,
    AuditFinding,
    AuditRun,
    Dossier,
    DossierEvent,
    PersonalDataView,
    SatisfactionRating,
    StaffMembership,
    WorkItem,
)
from .privacy import mask_id_number
from .roles import Role


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "title", "supervised_unit"]
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


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    """Who saw whose phone or ID number in full (NĐ 13/2023): for superusers, and for supervisors
    over their own units' dossiers (ADR 0034). Read-only: a record of reading is never edited."""

    list_display = ["at", "dossier", "user", "screen", "fields"]
    list_filter = ["screen"]
    search_fields = ["dossier__code", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["dossier", "user"]
    ordering = ["-at", "-id"]

    def _allowed(self, request):
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or has_role(user, Role.SUPERVISOR))

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        scope = Q(pk__in=[])
        for path in supervised_paths(request.user):
            scope |= Q(dossier__unit_path__startswith=path)
        return qs.filter(scope)


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "seq", "at", "actor", "action", "from_status", "to_status", "agency"]
    list_filter = ["action"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "actor", "agency"]


class AuditFindingInline(admin.TabularInline):
    model = AuditFinding
    fields = ["code", "kind", "seq", "reason", "unit_path"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditRun)
class AuditRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "checked", "events_checked", "finding_count", "anchor"]
    list_select_related = ["anchor"]
    inlines = [AuditFindingInline]


@admin.register(AuditAnchor)
class AuditAnchorAdmin(ReadOnlyAdmin):
    """The anchors' digests and signatures; their heads are not listed (a row per dossier)."""

    list_display = ["day", "taken_at", "dossier_count", "digest", "key_id"]
    date_hierarchy = "day"


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ["pk", "flow_task", "status", "agency", "role", "owner", "created", "due_at", "finished",
                    "working_seconds"]
    list_filter = ["status", "role"]
    search_fields = ["process__dossier__code"]
    list_select_related = ["agency", "owner"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "rating", "created_at"]
    list_filter = ["rating"]
