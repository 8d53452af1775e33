from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Phí, lệ phí và thanh toán")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from documents import facts

        from . import fees

        facts.register_fee_wording(fees.wording)  # the forms' fee line says what this app knows
