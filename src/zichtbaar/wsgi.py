import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zichtbaar.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URLconf's modules) lives as long as the
# worker: moved out of the collector's reach, a full collection no longer walks those hundreds
# of thousands of objects, which otherwise added 50-90 ms to one request in ten on the
# dashboard (bench/dashboard.py). Python's gc docs recommend freeze() for long-lived servers.
gc.collect()
gc.freeze()
