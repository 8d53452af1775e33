from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The engine only signals its committed events; telling people about them is ours.
        from workflows.audit import event_committed
        from workflows.models import DossierEvent

        from .messages import on_event_committed

        event_committed.connect(on_event_committed, sender=DossierEvent, dispatch_uid="onestop.notifications")
