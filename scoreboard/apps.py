from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoreboardConfig(AppConfig):
    """The QĐ 766/QĐ-TTg index as the national portal computes it from the synced dossiers."""

    name = "scoreboard"
    verbose_name = _("Chỉ số QĐ 766")
