from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "zichtbaar.integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        # Registers the tasks with orgs.jobs and connects to the lower apps' signals.
        from zichtbaar.integrations import receivers, tasks  # noqa: F401

        receivers.connect()
