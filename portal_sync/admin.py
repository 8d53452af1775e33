"""The outbox as administrators see it: every record with its state, the dead letters filtered in
one click, and the retry action that puts them back in the queue (portal_sync.delivery.retry_dead)."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import delivery
from .models import DossierSync, SyncRecord


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SyncRecord)
class SyncRecordAdmin(ReadOnly):
    list_display = ["dossier", "seq", "action", "state", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["state", "action"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    readonly_fields = ["dossier", "event", "seq", "action", "state", "created_at", "attempts", "next_attempt_at",
                       "sent_at", "duplicate", "sent_hash", "last_error"]
    actions = ["retry"]

    @admin.action(description=_("Gửi lại các bản ghi thất bại đã chọn"), permissions=["retry"])
    def retry(self, request, queryset):
        count = delivery.retry_dead(queryset)
        if not count:
            self.message_user(request, _("Không có bản ghi thất bại nào trong các bản ghi đã chọn."), messages.WARNING)
            return
        self.message_user(request, ngettext(
            "Đã đưa %(count)d bản ghi vào hàng chờ gửi lại.",
            "Đã đưa %(count)d bản ghi vào hàng chờ gửi lại.", count) % {"count": count}, messages.SUCCESS)

    def has_retry_permission(self, request):
        return request.user.has_perm("portal_sync.change_syncrecord")



@admin.register(DossierSync)
class DossierSyncAdmin(ReadOnly):
    list_display = ["dossier", "state", "last_seq_written", "last_seq_acked", "first_acked_at", "last_acked_at",
                    "last_error"]
    list_filter = ["state"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    readonly_fields = list_display


