from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalSyncConfig(AppConfig):
    """The link with the national public-service portal (Cổng Dịch vụ công quốc gia): the outbox of
    every dossier event in the TT 04/2025/TT-VPCP data set and its delivery."""

    name = "portal_sync"
    verbose_name = _("Đồng bộ Cổng Dịch vụ công quốc gia")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from workflows.audit import event_saved
        from workflows.models import DossierEvent

        from .outbox import write_record

        event_saved.connect(write_record, sender=DossierEvent, dispatch_uid="onestop.portal_sync.outbox")
