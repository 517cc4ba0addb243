from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComposeConfig(AppConfig):
    name = "zichtbaar.compose"
    verbose_name = _("Compose")
