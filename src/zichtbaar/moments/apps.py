from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_types(sender: AppConfig, **kwargs: object) -> None:
    from zichtbaar.moments.services import sync_builtin_types

    sync_builtin_types()


class MomentsConfig(AppConfig):
    name = "zichtbaar.moments"
    verbose_name = _("Moments")

    def ready(self) -> None:
        # The built-in types follow types.yaml after every migrate (and test-database flush),
        # with the current schema, instead of a data migration frozen at one version.
        post_migrate.connect(_sync_types, sender=self)
