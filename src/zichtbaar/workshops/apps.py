from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "zichtbaar.workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from zichtbaar.nudges.signals import periodic_run
        from zichtbaar.workshops.followups import on_periodic_run

        periodic_run.connect(on_periodic_run, dispatch_uid="workshops.followups")
