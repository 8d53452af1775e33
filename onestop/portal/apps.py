from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onestop.portal"
    label = "portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A committed event makes the dossier's cached public status stale (onestop/screens/lookup.py).
        from onestop.screens.lookup import on_event_committed
        from workflows.audit import event_committed
        from workflows.models import DossierEvent

        event_committed.connect(on_event_committed, sender=DossierEvent, dispatch_uid="onestop.portal.status")
