"""Admin for the recorded messages: read-only, like the engine's records."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workflows.admin import ReadOnlyAdmin
from workflows.privacy import mask_phone

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    # possible_duplicates: re-sends after a worker died mid-send (the recipient may have it twice).
    list_display = ["dossier", "channel", "masked_recipient", "status", "attempts", "possible_duplicates",
                    "created_at", "sent_at"]
    list_filter = ["channel", "status"]

    @admin.display(description=_("người nhận"))
    def masked_recipient(self, obj):
        return obj.recipient if "@" in obj.recipient else mask_phone(obj.recipient)
