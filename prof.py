import os, sys, time, io
sys.path.insert(0, "/tmp/prof")
os.environ.update(ZICHTBAAR_DATA_DIR="/tmp/prof/data", SECRET_KEY="x", ALLOWED_HOSTS="127.0.0.1", STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage", DJANGO_SETTINGS_MODULE="zichtbaar.settings")
os.makedirs("/tmp/prof/data", exist_ok=True)
import django; django.setup()
from django.conf import settings; settings.ROOT_URLCONF = "bench_urls2"
from django.core.management import call_command; call_command("migrate", verbosity=0)
from zichtbaar.orgs.models import Organisation
from zichtbaar.orgs.services import upsert_person, PersonData
from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.sharing.services import get_or_create_link
org, _ = Organisation.objects.get_or_create(slug="b", name="B")
m, _ = upsert_person(org, PersonData(email="a@b.test"))
mom = Moment.objects.create(org=org, type=MomentType.objects.first(), title="t", what_happened="x", link="https://x.test/a", status="published")
link = get_or_create_link(mom, m.user)
from django.core.handlers.wsgi import WSGIHandler
app = WSGIHandler()
def env(path):
    return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "Mozilla/5.0 Firefox/120", "HTTP_HOST": "127.0.0.1"}
def run(path, n=3000):
    sr = lambda s, h: None
    t = time.perf_counter()
    for _ in range(n):
        r = app(env(path), sr); list(r); r.close()
    return (time.perf_counter() - t) / n * 1e6
for _ in range(2):
    print("bare us", round(run("/bare/")), "link us", round(run(f"/l/{link.code}")))
if len(sys.argv) > 1:
    import cProfile, pstats
    cProfile.run(f"run('/l/{link.code}', 3000)", "/tmp/prof/out")
    pstats.Stats("/tmp/prof/out").sort_stats("cumulative").print_stats(35)
