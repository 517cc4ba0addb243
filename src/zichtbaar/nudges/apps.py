from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NudgesConfig(AppConfig):
    name = "zichtbaar.nudges"
    verbose_name = _("Nudges")

    def ready(self) -> None:
        # Registers the app's tasks with orgs.jobs, so services can ask for them by name.
        from zichtbaar.moments.signals import moment_reviewed
        from zichtbaar.nudges import tasks  # noqa: F401
        from zichtbaar.nudges.reviews import on_moment_reviewed

        moment_reviewed.connect(on_moment_reviewed, dispatch_uid="nudges.review")
