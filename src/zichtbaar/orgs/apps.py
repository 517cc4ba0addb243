from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "zichtbaar.orgs"
    verbose_name = _("Organisations and people")

    def ready(self) -> None:
        # Registers the app's tasks with orgs.jobs, so services can ask for them by name.
        from zichtbaar.orgs import tasks  # noqa: F401
