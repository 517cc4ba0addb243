from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "zichtbaar.sharing"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        # Registers the app's tasks with orgs.jobs, and the LinkedIn system checks.
        from zichtbaar.moments.models import Moment
        from zichtbaar.moments.signals import moment_link_changed
        from zichtbaar.orgs.signals import consent_changed
        from zichtbaar.sharing import tasks  # noqa: F401
        from zichtbaar.sharing.linkedin import checks  # noqa: F401
        from zichtbaar.sharing.selectors import forget_links
        from zichtbaar.sharing.services import refresh_destinations

        def _forget(sender: object, *, user_id: int, **kwargs: object) -> None:
            forget_links(user_id)

        def _refresh(sender: object, *, moment: Moment, **kwargs: object) -> None:
            refresh_destinations(moment)

        consent_changed.connect(_forget, weak=False, dispatch_uid="sharing.forget_links")
        moment_link_changed.connect(
            _refresh, weak=False, dispatch_uid="sharing.refresh_destinations"
        )
