from django.apps import AppConfig


class OnestopConfig(AppConfig):
    """The site package itself: shared templates, static files, template tags, system checks."""

    name = "onestop"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.checks import register

        from .checks import ALL

        for check in ALL:
            register(check, "onestop")
