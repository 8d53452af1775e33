from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Hồ sơ thủ tục hành chính")
    default_auto_field = "django.db.models.BigAutoField"
