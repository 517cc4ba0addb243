import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zichtbaar.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load now what Django would load at the first requests: the URLconf (and with it every
    view module, the API's schemas and their signatures) and both languages' catalogues."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().reverse_dict  # noqa: B018  imports the URLconf, compiles every route
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Impact")


_warm_up()
# Everything loaded so far (Django, the apps, the URLconf's modules) lives as long as the
# worker: moved out of the collector's reach, a full collection no longer walks those hundreds
# of thousands of objects. Without it a year's dashboard spent half its time in the collector
# (bench/dashboard.py: 137 ms against 69 ms with collection off). Python's gc docs recommend
# freeze() for long-lived servers.
gc.collect()
gc.freeze()
