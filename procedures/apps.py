from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Danh mục thủ tục hành chính")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import AdministrativeUnit, CalendarDay, CalendarRevision, OfficeHours

        def bump(sender, **kwargs):
            CalendarRevision.bump()

        for model in (CalendarDay, OfficeHours, AdministrativeUnit):
            post_save.connect(bump, sender=model, dispatch_uid=f"calendar-revision-save-{model.__name__}")
            post_delete.connect(bump, sender=model, dispatch_uid=f"calendar-revision-delete-{model.__name__}")
