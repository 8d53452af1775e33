from django.apps import AppConfig


class OnestopConfig(AppConfig):
    """The site package itself: shared templates, static files and template tags."""

    name = "onestop"
    default_auto_field = "django.db.models.BigAutoField"
