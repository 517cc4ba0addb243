from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelineConfig(AppConfig):
    name = "zichtbaar.guideline"
    verbose_name = _("Guideline and check")
