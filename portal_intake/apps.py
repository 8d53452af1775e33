from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalIntakeConfig(AppConfig):
    """Online dossiers submitted on the national portal (Cổng Dịch vụ công quốc gia), pulled and
    received into the same services as counter dossiers; the daily reconciliation with the portal."""

    name = "portal_intake"
    verbose_name = _("Tiếp nhận hồ sơ từ Cổng Dịch vụ công quốc gia")
    default_auto_field = "django.db.models.BigAutoField"
