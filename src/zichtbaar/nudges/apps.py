from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NudgesConfig(AppConfig):
    name = "zichtbaar.nudges"
    verbose_name = _("Nudges")
