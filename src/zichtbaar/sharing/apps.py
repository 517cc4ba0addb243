from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "zichtbaar.sharing"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from zichtbaar.orgs.signals import consent_changed
        from zichtbaar.sharing.selectors import forget_links

        def _forget(sender: object, *, user_id: int, **kwargs: object) -> None:
            forget_links(user_id)

        consent_changed.connect(_forget, weak=False, dispatch_uid="sharing.forget_links")
