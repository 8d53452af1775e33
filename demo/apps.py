from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province and its simulated dossiers: loaders and commands, no models."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
