from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "zichtbaar.impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        # Registers the app's tasks with orgs.jobs, so services can ask for them by name.
        from zichtbaar.impact import tasks  # noqa: F401
