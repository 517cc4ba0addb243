from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "zichtbaar.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from zichtbaar.sso import receivers  # noqa: F401 - connects the signal receivers
