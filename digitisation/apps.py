from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitisationConfig(AppConfig):
    name = "digitisation"
    verbose_name = _("Số hóa hồ sơ")
    default_auto_field = "django.db.models.BigAutoField"
