"""A smoke test of the production profile (README, "Running in production").

PostgreSQL as the database, Redis as the shared cache and RQ as the task queue, gunicorn with
several workers, an RQ worker, and a real SMTP server (aiosmtpd) for the mail:

    serve -> sign in -> "May I share this?" check -> a tracked link click -> a digest that an
    RQ worker renders and the outbox delivers to the mail server.

Run it with `make smoke` (`.ci/run` does, when PostgreSQL and Redis are reachable). Uses the
database `zichtbaar_smoke` (dropped and created again) and Redis database 14 (emptied).
Prints what it does and exits non-zero at the first step that fails.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import redis

from tests import smtp
from tests.production import server

PG = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "zichtbaar_smoke"
REDIS_URL = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/14")
PERSON = "lotte@demo.zichtbaar.test"
DEMO_PASSWORD = "zichtbaar-demo"  # noqa: S105 - the published demo password
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


def step(text: str) -> None:
    print(f"-- {text}", flush=True)


class NoFollow(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


class Visitor:
    """A browser without JavaScript: cookies, CSRF token, no automatic redirects."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoFollow
        )

    def request(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        req = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
            self.site + path,
            data=data,
            headers={"User-Agent": DESKTOP, "Referer": self.site + "/", **(headers or {})},
        )
        try:
            with self.opener.open(req, timeout=120) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, dict(exc.headers), exc.read().decode(errors="replace")

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name.endswith("csrftoken"))

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **fields}).encode()
        return self.request(path, body, {"Content-Type": "application/x-www-form-urlencoded"})


def fresh_database() -> str:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return f"{PG}/{DATABASE}"


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")


def wait(what: str, check, timeout: float = 120) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"FAILED: {what} (waited {timeout:.0f} s)")
        time.sleep(0.5)


def main() -> None:
    started = time.monotonic()
    redis.Redis.from_url(REDIS_URL).flushdb()
    controller, inbox = smtp.start()
    port = server.free_port()
    with tempfile.TemporaryDirectory(prefix="zichtbaar-smoke-") as tmp:
        data = Path(tmp)
        env = server.environment(
            data,
            port,
            DATABASE_URL=fresh_database(),
            REDIS_URL=REDIS_URL,
            TASKS_BACKEND="rq",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(controller.port),
            DEFAULT_FROM_EMAIL="Zichtbaar <zichtbaar@example.org>",
        )
        step("migrate, collectstatic, demo organisation (PostgreSQL)")
        server.run(env, "migrate", "--no-input")
        server.run(env, "collectstatic", "--no-input")
        server.run(env, "demo", timeout=600)
        step("gunicorn with 3 workers and an RQ worker")
        worker = [str(server.BIN / "zichtbaar"), "rqworker", "default"]
        worker += ["--job-class", "django_tasks_rq.Job"]
        try:
            with (
                server.gunicorn(env, port, workers=3, log=data / "gunicorn.log") as site,
                server.process(env, *worker, log=data / "worker.log"),
            ):
                smoke(site, env, inbox)
        except BaseException:
            for log in ("gunicorn.log", "worker.log"):
                if (data / log).exists():
                    print(f"== {log}\n" + (data / log).read_text(errors="replace")[-4000:])
            raise
    controller.stop()
    print(f"OK: the production profile works ({time.monotonic() - started:.0f} s)")


def smoke(site: str, env: dict[str, str], inbox: smtp.Inbox) -> None:
    visitor = Visitor(site)
    step("sign in")
    status, _, page = visitor.request("/accounts/login/")
    expect(status == 200, f"the login page answers {status}")
    status, headers, _ = visitor.post_form(
        "/accounts/login/", {"login": PERSON, "password": DEMO_PASSWORD}
    )
    location = headers.get("Location", "")
    expect(status == 302 and "/accounts/" not in location, f"sign in (to {location!r})")
    status, _, page = visitor.request(location)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    expect(
        status == 200 and "/accounts/logout/" in page,
        f"the home page after signing in ({status}, {title and title.group(1).strip()!r})",
    )

    step('"May I share this?" check')
    status, _, answer = visitor.request(
        "/api/check/",
        json.dumps({"text": "Proud of our team: we shipped the new library website!"}).encode(),
        {"Content-Type": "application/json", "X-CSRFToken": visitor.csrf()},
    )
    expect(status == 200, f"/api/check/ answers {status}: {answer[:300]}")
    expect("verdict" in json.loads(answer) or json.loads(answer), "the check has a result")

    step("a tracked link click")
    code = server.run(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from zichtbaar.sharing.models import TrackedLink as T; "
        "l = T.objects.filter(user__profile__consent_tracking=True).first(); "
        "print(l.code, l.clicks.count())",
    ).split()
    before = int(code[1])
    status, headers, _ = Visitor(site).request(f"/l/{code[0]}")
    expect(status == 302 and headers.get("Location", "").startswith("http"), "the redirect")
    after = server.run(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        f"from zichtbaar.sharing.models import TrackedLink as T; "
        f"print(T.objects.get(code={code[0]!r}).clicks.count())",
    )
    expect(int(after.strip()) == before + 1, f"the click is counted ({before} -> {after.strip()})")

    step("digests through the RQ worker to the mail server")
    # --force ignores schedules, not quiet hours (20:00-08:00 by default): CI runs at any hour.
    server.run(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "import datetime as dt; from zichtbaar.nudges import preferences; "
        "from zichtbaar.orgs.models import Membership\n"
        "for m in Membership.objects.filter(org__slug='demo'):\n"
        "    p = preferences.preference_for(m); p.quiet_days = []\n"
        "    p.quiet_start = p.quiet_end = dt.time(0, 0); p.save()",
    )
    server.run(env, "send_digests", "--org", "demo", "--force", "--background")
    wait("a digest arrives at the mail server", lambda: len(inbox.messages) > 0)
    first = inbox.messages[0]
    expect(bool(re.search(r"@demo\.zichtbaar\.test", first["To"] or "")), "addressed to a person")
    print(f"   {len(inbox.messages)} mail(s) arrived; the first: {first['Subject']!r}")


if __name__ == "__main__":
    sys.exit(main())
