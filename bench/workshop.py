"""Benchmark: a workshop room of 200 participants on the production profile.

Run with `.venv/bin/python bench/workshop.py` (PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379, as `make smoke` uses them; `--people`, `--postgres`, `--redis`). It creates a
throwaway database (`zichtbaar_bench_workshop`, dropped again), migrates it, makes an
organisation with a trainer and the participants (signed in already: each gets a session, so
the bench measures the workshop, not password hashing), and serves it with gunicorn (3 workers).

Then, against 127.0.0.1 only, in a bounded time:

- baseline: the presenter's live part polled 20 times in an idle room (p50/p95);
- the rush: every participant joins by code and answers the poll (3 requests each: the join
  page, joining, the answer), 20 at a time, while the presenter polls its live part every
  second exactly as the projector's htmx does (`?v=` the version it shows, 204 when unchanged);
- the lag: for every answer, the time from its response until the projector's next poll showed
  a total that includes it (p50/p95), and the live part's own response time under load.

Goals (for reading the figures; the bench never asserts timings): all participants in within
10 s, the projector showing new totals within 2 s (p95).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from tests.production import server  # noqa: E402

ARGS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ARGS.add_argument("--people", type=int, default=200)
ARGS.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
ARGS.add_argument("--redis", default="redis://127.0.0.1:6379/13")
ARGS.add_argument("--concurrency", type=int, default=20)
DATABASE = "zichtbaar_bench_workshop"
BARRIERS = ("relevance", "permission", "value", "none")

SETUP = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from zichtbaar.orgs.models import Organisation
from zichtbaar.orgs.services import PersonData, upsert_person
from zichtbaar.workshops import services
import datetime as dt

org = Organisation.objects.create(slug="bench", name="Bench BV", linkedin_followers=1000)
def person(email, role="employee"):
    m, _ = upsert_person(org, PersonData(email=email, name=email.split("@")[0], role=role,
                                         team="Engineering", language="en", connections=0))
    s = SessionStore()
    s[SESSION_KEY] = str(m.user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    s[HASH_SESSION_KEY] = m.user.get_session_auth_hash()
    s.create()
    return m, s.session_key
trainer, trainer_session = person("trainer@bench.test", "trainer")
w = services.create_workshop(org, trainer.user.pk, title="Bench", held_on=dt.date.today())
services.go_to_step(w, 1)
sessions = [person(f"p{i}@bench.test")[1] for i in range(PEOPLE)]
print(json.dumps({"workshop": w.pk, "code": w.code, "trainer": trainer_session, "people": sessions}))
"""


class Client:
    """One browser: its cookies (the session), no redirects followed."""

    class _NoFollow(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
            return None

    def __init__(self, site: str, session: str) -> None:
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        self.jar.set_cookie(_cookie("sessionid", session))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoFollow
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.site + path))  # noqa: S310 - 127.0.0.1

    def post(self, path: str, fields: dict[str, str], token: str) -> tuple[int, str]:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
            self.site + path, data=body, headers={"Referer": self.site + "/"}
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read().decode(errors="replace")


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:6.0f} ms   p95 {percentile(values, 95) * 1000:6.0f} ms"


def main() -> None:
    args = ARGS.parse_args()
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    port = server.free_port()
    try:
        with tempfile.TemporaryDirectory(prefix="zichtbaar-bench-") as tmp:
            env = server.environment(
                Path(tmp), port, DATABASE_URL=f"{args.postgres}/{DATABASE}", REDIS_URL=args.redis
            )
            print(f"Setting up: migrate, {args.people} participants ...", flush=True)
            server.run(env, "migrate", "--no-input")
            server.run(env, "collectstatic", "--no-input")
            out = server.run(env, "shell", "-v", "0", "-c", f"PEOPLE = {args.people}\n" + SETUP)
            room = json.loads(out.strip().splitlines()[-1])
            with server.gunicorn(env, port, workers=3, log=Path(tmp) / "gunicorn.log") as site:
                run(site, room, args)
    finally:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def run(site: str, room: dict, args: argparse.Namespace) -> None:
    code, live_path = room["code"], f"/workshops/{room['workshop']}/present/live/"
    presenter = Client(site, room["trainer"])
    status, page = presenter.get(live_path)
    if status != 200 or "presenter-live" not in page:
        raise SystemExit(f"the presenter's live part answers {status}")

    idle = []
    for _i in range(20):
        start = time.perf_counter()
        presenter.get(live_path)
        idle.append(time.perf_counter() - start)

    answered_at: list[float] = []  # when each answer's response came back
    seen: list[tuple[float, int]] = []  # (when, answers the projector showed)
    polls: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()

    def project() -> None:
        version = ""
        while not stop.is_set():
            start = time.perf_counter()
            status, body = presenter.get(f"{live_path}?v={urllib.parse.quote(version)}")
            done = time.perf_counter()
            polls.append(done - start)
            if status == 200:
                version = re.search(r"\?v=([^\"&]+)", body).group(1)
                shown = re.search(r"(\d+) answers? so far", body)
                counts = [int(n) for n in re.findall(r'data-poll="\w+">(\d+)<', body)]
                total = sum(counts) if counts else int(shown.group(1)) if shown else 0
                seen.append((done, total))
            stop.wait(max(0.0, 1.0 - (time.perf_counter() - start)))  # every second

    def participant(i: int, session: str) -> None:
        client = Client(site, session)
        status, page = client.get(f"/w/{code}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        joined, _ = client.post(f"/w/{code}/", {}, token)
        status, _ = client.post(f"/w/{code}/poll/", {"barrier": BARRIERS[i % 4]}, token)
        if (joined, status) != (302, 302):
            raise RuntimeError(f"participant {i}: joining answered {joined}, the poll {status}")
        with lock:
            answered_at.append(time.perf_counter())

    watcher = threading.Thread(target=project)
    watcher.start()
    time.sleep(1.1)
    start = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(participant, range(len(room["people"])), room["people"]))
    rush = time.perf_counter() - start
    deadline = time.perf_counter() + 10
    while (not seen or seen[-1][1] < len(answered_at)) and time.perf_counter() < deadline:
        time.sleep(0.1)
    stop.set()
    watcher.join()

    lags = []
    for k, at in enumerate(sorted(answered_at), start=1):
        shown = next((when for when, total in seen if when >= at and total >= k), None)
        if shown is not None:
            lags.append(shown - at)
    print(
        f"\nA workshop room of {len(room['people'])} participants, gunicorn with 3 workers, PostgreSQL"
    )
    print(f"  baseline: the projector's live part, idle room      {ms(idle)}")
    print(f"  the projector's live part during the rush           {ms(polls)}")
    print(
        f"  all {len(answered_at)} joined and answered in               {rush:6.2f} s  (goal <= 10 s)"
    )
    if lags:
        print(
            f"  projector shows an answer after                     {ms(lags)}  (goal p95 <= 2 s)"
        )
    print(
        f"  answers the projector showed at the end: {seen[-1][1] if seen else 0} of {len(answered_at)}"
    )


if __name__ == "__main__":
    main()
