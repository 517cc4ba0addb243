"""Benchmark: the comms impact dashboard and the personal impact page on a large organisation.

Run with `.venv/bin/python bench/dashboard.py` (SQLite) or add `--postgres` to run the same on
PostgreSQL too and print both side by side (`--postgres-url`, default
postgres://postgres@127.0.0.1:5432/test: a throwaway database is created next to it and dropped
afterwards). Each backend runs in its own process on a fresh database, filled in two steps with
bulk inserts: first a tenth (1,000 people, 500 moments, 100,000 clicks), then the rest (10,000
people, 5,000 moments, 1,000,000 clicks in all). After each step it runs the click rollup (the
background task's work) and measures, in process with Django's test client, for the comms
dashboard (90 days, a whole year, one team) and the personal impact page:

- "cached": p50/p95 of repeated views, the dashboard's figures and charts in the cache;
- "first view": p50/p95 of views with an empty cache, as the first view after a new share or
  rollup (every share changes the cache key): figures computed, charts drawn, page rendered;
- "after share": p50/p95 of the first view after a new share (the click parts, which only a
  rollup changes, come from the cache; the share parts are recomputed, the charts drawn);
- "afresh": p50/p95 of the figures alone (selectors.dashboard, no cache);
- "no summary": the same before the day's first rollup wrote the click and share summaries
  (the page then groups every share and daily click row itself; once a day per organisation);
- the query count, which should be the same at both sizes.

Goals (for reading the figures; the bench never asserts timings): dashboard p95 <= 150 ms in
the first four columns, personal page p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARGS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ARGS.add_argument("--people", type=int, default=10_000)
ARGS.add_argument("--moments", type=int, default=5_000)
ARGS.add_argument("--clicks", type=int, default=1_000_000)
ARGS.add_argument("--shares-per-person", type=float, default=4.0)
ARGS.add_argument("--requests", type=int, default=40, help="timed requests per page")
ARGS.add_argument("--cold", type=int, default=10, help="timed views with an empty cache")
ARGS.add_argument("--postgres", action="store_true", help="run on PostgreSQL as well")
ARGS.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/test")
ARGS.add_argument("--backend", choices=["sqlite", "postgres"], help="run only this one")
ARGS.add_argument(
    "--keep",
    metavar="DIR",
    help="build the SQLite database in DIR and keep it, and the PostgreSQL one (for profiling)",
)
OPTIONS = ARGS.parse_args()
GOALS = {"dashboard": 150, "my impact": 50}


def run_backends() -> None:
    """The parent: one child process per backend, then the figures side by side."""
    backends = ["sqlite", "postgres"] if OPTIONS.postgres else ["sqlite"]
    results = {}
    for backend in backends:
        print(f"\n##### {backend}", flush=True)
        argv = [a for a in sys.argv[1:] if a != "--postgres"]
        with subprocess.Popen(
            [sys.executable, __file__, *argv, "--backend", backend],
            stdout=subprocess.PIPE,
            text=True,
        ) as child:
            assert child.stdout is not None
            for line in child.stdout:
                if line.startswith("RESULT "):
                    results[backend] = json.loads(line[7:])
                else:
                    print(line, end="", flush=True)
        if child.returncode:
            sys.exit(child.returncode)
    print(f"\n##### side by side, at {OPTIONS.people:,} people and {OPTIONS.clicks:,} clicks")
    print("p95 in ms (p50 in brackets); queries per view")
    head = f"{'page':<22}" + "".join(
        f" | {b + ' cached':>15} {'first view':>15} {'after share':>15} {'afresh':>15}"
        f" {'no summary':>15} {'q':>3}"
        for b in backends
    )
    print(head)
    print("-" * len(head))
    for name in results[backends[0]]:
        cells = []
        for b in backends:
            m = results[b][name]

            def cell(key: str, m: dict = m) -> str:
                if key + "_p95" not in m:
                    return f"{'-':>15}"
                return f"{m[key + '_p95']:7.1f} ({m[key + '_p50']:5.1f})"

            cells.append(
                f" | {cell('cached'):>15} {cell('cold'):>15} {cell('share'):>15} "
                f"{cell('afresh'):>15} {cell('bare'):>15} {m['queries']:>3}"
            )
        print(f"{name:<22}" + "".join(cells))
    print(
        "CPU time of the bench process (p95; on SQLite this includes the database's work, so it "
        "shows the cost on a busy shared machine without the wait for a core):"
    )
    for name in results[backends[0]]:
        m = results[backends[0]][name]
        if "afresh_cpu_p95" in m:
            print(
                f"  {name:<22} {backends[0]}: first view {m['cold_cpu_p95']:6.1f} ms, "
                f"afresh {m['afresh_cpu_p95']:6.1f} ms"
            )
    goal_note = ", ".join(f"{k} {v} ms" for k, v in GOALS.items())
    print(f"goals for p95 (read, not asserted): {goal_note}")


if OPTIONS.backend is None:
    run_backends()
    sys.exit(0)

SRC = Path(__file__).resolve().parent.parent / "src"
if OPTIONS.keep:
    TMP = Path(OPTIONS.keep)
    TMP.mkdir(parents=True, exist_ok=True)
else:
    TMP = Path(tempfile.mkdtemp(prefix="zichtbaar-bench-dashboard-"))
    atexit.register(shutil.rmtree, TMP, ignore_errors=True)
(TMP / "static").mkdir(exist_ok=True)
ENV = {
    **os.environ,
    "ZICHTBAAR_DATA_DIR": str(TMP),
    "SECRET_KEY": "bench-secret-key-not-for-production",
    "ALLOWED_HOSTS": "testserver",
    "DEBUG": "0",
    "DJANGO_SETTINGS_MODULE": "zichtbaar.settings",
    "LOG_LEVEL": "ERROR",
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
}
ENV.pop("DATABASE_URL", None)  # a throwaway database, never the configured one
ENV.pop("REDIS_URL", None)
if OPTIONS.backend == "postgres":
    import psycopg

    ADMIN_URL = OPTIONS.postgres_url
    BENCH_DB = f"zichtbaar_bench_dashboard_{os.getpid()}"

    def _admin(sql: str) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql)

    _admin(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    _admin(f"CREATE DATABASE {BENCH_DB}")

    def _drop() -> None:
        from django.db import connections

        connections.close_all()
        _admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    if OPTIONS.keep:
        print(f"keeping PostgreSQL database {BENCH_DB}", flush=True)
    else:
        atexit.register(_drop)
    ENV["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + "/" + BENCH_DB
os.environ.clear()
os.environ.update(ENV)
sys.path.insert(0, str(SRC))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

RNG = random.Random(20261127)
TEAMS = 40
DAYS = 365


def _insert(model, columns: list[str], rows: list[tuple]) -> None:  # noqa: ANN001
    """Plain INSERTs of `columns`; every other column gets its field's default.

    So the bench keeps working when a model gains a field with a default.
    """
    extra_columns, extra_values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in columns:
            continue
        if f.has_default() or (f.empty_strings_allowed and not f.null):  # "" for text
            extra_columns.append(f.column)
            extra_values.append(f.get_db_prep_save(f.get_default(), connection))
        elif f.null:
            extra_columns.append(f.column)
            extra_values.append(None)
    names = [*columns, *extra_columns]
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )
    tail = tuple(extra_values)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 20_000):
            cursor.executemany(sql, [row + tail for row in rows[i : i + 20_000]])


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def grow(org_id: int, people: int, moments: int, clicks: int, first: bool) -> dict:
    """Add people, moments, shares with tracked links, and clicks, with plain INSERTs."""
    from zichtbaar.moments.models import Moment, MomentType
    from zichtbaar.orgs.models import Membership, Profile, Team, User
    from zichtbaar.sharing.models import Click, Share, TrackedLink

    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    teams = list(Team.objects.filter(org_id=org_id).values_list("id", flat=True))
    types = list(MomentType.objects.filter(org=None).values_list("id", flat=True))
    with transaction.atomic():
        u0 = _max_id(User._meta.db_table)
        _insert(
            User,
            [
                "password",
                "is_superuser",
                "email",
                "name",
                "is_staff",
                "is_active",
                "date_joined",
                "first_name",
                "last_name",
            ],
            [
                (
                    "!",
                    False,
                    f"p{u0 + i}@bench.test",
                    f"Person {u0 + i}",
                    False,
                    True,
                    adapt(now),
                    "",
                    "",
                )
                for i in range(1, people + 1)
            ],
        )
        user_ids = list(range(u0 + 1, u0 + people + 1))
        barriers = ["relevance", "permission", "value", "none", ""]
        _insert(
            Profile,
            [
                "user_id",
                "language",
                "job_title",
                "expertise",
                "connections",
                "followers",
                "barrier",
                "consent_tracking",
                "onboarded_at",
            ],
            [
                (
                    u,
                    "nl",
                    "",
                    "[]",
                    RNG.randint(50, 2500),
                    RNG.choice([0, 0, 300, 3000]),
                    RNG.choice(barriers),
                    True,
                    adapt(now),
                )
                for u in user_ids
            ],
        )
        _insert(
            Membership,
            ["user_id", "org_id", "role", "team_id", "is_active", "created_at"],
            [
                (u, org_id, "employee", teams[i % TEAMS], True, adapt(now))
                for i, u in enumerate(user_ids)
            ],
        )
        m0 = _max_id(Moment._meta.db_table)
        _insert(
            Moment,
            [
                "org_id",
                "type_id",
                "title",
                "what_happened",
                "facts_who",
                "facts_what",
                "facts_where",
                "happened_on",
                "link",
                "image",
                "audience_everyone",
                "client_name",
                "client_may_be_named",
                "status",
                "review_comment",
                "created_at",
                "updated_at",
            ],
            [
                (
                    org_id,
                    RNG.choice(types),
                    f"Moment {m0 + i}",
                    "Something good happened.",
                    "",
                    "",
                    "",
                    (now - dt.timedelta(days=RNG.randrange(DAYS))).date(),
                    "https://bench.test/x",
                    "",
                    True,
                    "",
                    False,
                    "published",
                    "",
                    adapt(now),
                    adapt(now),
                )
                for i in range(1, moments + 1)
            ],
        )
        moment_ids = list(range(m0 + 1, m0 + moments + 1))
        # Shares: a person shares a moment once, with their own tracked link.
        pairs: set[tuple[int, int]] = set()
        target = int(people * OPTIONS.shares_per_person)
        while len(pairs) < target:
            pairs.add((RNG.choice(moment_ids), RNG.choice(user_ids)))
        if first:
            pairs |= {(moment_ids[i], BENCH_EMPLOYEE[0]) for i in range(60)}
        l0 = _max_id(TrackedLink._meta.db_table)
        link_rows, share_rows, shared_at = [], [], []
        for i, (moment_id, user_id) in enumerate(sorted(pairs), start=1):
            at = now - dt.timedelta(days=RNG.randrange(DAYS), seconds=RNG.randrange(86400))
            link_rows.append(
                (org_id, moment_id, user_id, f"b{l0 + i}", "https://bench.test/x", adapt(at))
            )
            share_rows.append((org_id, moment_id, user_id, l0 + i, "Shared", "", "", adapt(at)))
            shared_at.append(at)
        _insert(
            TrackedLink,
            ["org_id", "moment_id", "user_id", "code", "destination", "created_at"],
            link_rows,
        )
        _insert(
            Share,
            ["org_id", "moment_id", "user_id", "link_id", "text", "angle", "post_url", "shared_at"],
            share_rows,
        )
        # Clicks: most in the first days after a share, never in the future; a few bots.
        click_rows = []
        for _ in range(clicks):
            i = RNG.randrange(len(link_rows))
            at = min(now, shared_at[i] + dt.timedelta(hours=RNG.expovariate(1 / 40)))
            click_rows.append(
                (l0 + 1 + i, adapt(at), f"{RNG.getrandbits(64):016x}", RNG.random() < 0.05)
            )
        click_rows.sort(key=lambda r: r[1])  # ids grow with time, as they do live
        _insert(Click, ["link_id", "at", "visitor", "is_bot"], click_rows)
    return {"people": people, "moments": moments, "shares": len(share_rows), "clicks": clicks}


BENCH_EMPLOYEE: list[int] = []


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def compute_times(org, url: str, n: int) -> dict:  # noqa: ANN001
    """The dashboard's figures computed afresh (no cache): selectors.dashboard alone."""
    from urllib.parse import parse_qs, urlsplit

    from zichtbaar.impact import selectors
    from zichtbaar.orgs.models import Team

    query = parse_qs(urlsplit(url).query)
    period = int(query.get("period", [selectors.DEFAULT_PERIOD])[0])
    team = Team.objects.get(pk=query["team"][0]) if "team" in query else None
    assumptions = selectors.reach_settings_for(org).assumptions()
    times, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        selectors.dashboard(org, assumptions, period=period, team=team)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    # The same before the day's first rollup: no summaries, every share and daily click row
    # grouped by the page (at most once a day per organisation, or after an erasure).
    from zichtbaar.impact import services
    from zichtbaar.impact.models import ClickSummary, ShareSummary

    ClickSummary.objects.filter(org=org).delete()
    ShareSummary.objects.filter(org=org).delete()
    unsummarised = []
    for _ in range(max(3, n // 2)):
        started = time.perf_counter()
        selectors.dashboard(org, assumptions, period=period, team=team)
        unsummarised.append((time.perf_counter() - started) * 1000)
    services.summarise_clicks([org.pk])
    services.summarise_shares()
    return {
        "afresh_p50": statistics.median(times),
        "afresh_p95": pct(times, 95),
        "afresh_cpu_p95": pct(cpu, 95),
        "bare_p50": statistics.median(unsummarised),
        "bare_p95": pct(unsummarised, 95),
    }


def measure(client: Client, url: str, n: int, cold: int) -> dict:
    from django.core.cache import cache

    queries = []

    def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        queries.append(sql)
        return execute(sql, params, many, context)

    client.get(url)  # may ask for a rollup (at most every five minutes)
    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    # A first view: nothing cached, as after a new share or rollup (both change the key).
    first, first_cpu = [], []
    for _ in range(cold):
        cache.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        first.append((time.perf_counter() - started) * 1000)
        first_cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200
    # The first view after a new share: the share parts recomputed, the click parts (which
    # only a rollup changes) from the cache.
    after_share = []
    if "/comms/" in url:
        from zichtbaar.sharing.models import Share

        sample = Share.objects.order_by("id").first()
        client.get(url)  # the click parts in the cache, as after the rollup's first view
        for _ in range(cold):
            assert sample is not None
            Share.objects.create(
                org_id=sample.org_id,
                moment_id=sample.moment_id,
                user_id=sample.user_id,
                text="Bench",
                shared_at=timezone.now(),
            )
            started = time.perf_counter()
            response = client.get(url)
            after_share.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    extra = (
        {"share_p50": statistics.median(after_share), "share_p95": pct(after_share, 95)}
        if after_share
        else {}
    )
    return {
        **extra,
        "cached_p50": statistics.median(times),
        "cached_p95": pct(times, 95),
        "cold_p50": statistics.median(first),
        "cold_p95": pct(first, 95),
        "cold_cpu_p95": pct(first_cpu, 95),
        "queries": len(queries),
    }


def main() -> None:
    import zichtbaar.wsgi  # noqa: F401  the app loaded as gunicorn loads it (its gc.freeze())
    from zichtbaar.impact.services import rollup_clicks
    from zichtbaar.orgs.models import Organisation, Team
    from zichtbaar.orgs.services import PersonData, upsert_person

    call_command("migrate", verbosity=0, interactive=False)
    org = Organisation.objects.create(slug="bench", name="Bench BV", linkedin_followers=4000)
    Team.objects.bulk_create([Team(org=org, name=f"Team {i:02d}") for i in range(TEAMS)])
    comms, _ = upsert_person(
        org,
        PersonData(
            email="comms@bench.test", name="Comms", role="comms", team="Team 00", connections=800
        ),
    )
    employee, _ = upsert_person(
        org, PersonData(email="me@bench.test", name="Me", team="Team 01", connections=640)
    )
    BENCH_EMPLOYEE.append(employee.user_id)
    profile = employee.user.profile
    profile.consent_tracking = True
    profile.onboarded_at = timezone.now()
    profile.save()
    comms.user.profile.onboarded_at = timezone.now()
    comms.user.profile.save()

    pages = {
        "dashboard (90 days)": ("comms", "/comms/impact/", 150),
        "dashboard (365 days)": ("comms", "/comms/impact/?period=365", 150),
        "dashboard, one team": (
            "comms",
            "/comms/impact/?team=" + str(Team.objects.get(org=org, name="Team 05").pk),
            150,
        ),
        "my impact": ("me", "/me/impact/", 50),
    }
    clients = {"comms": Client(), "me": Client()}
    clients["comms"].force_login(comms.user)
    clients["me"].force_login(employee.user)

    steps = [
        (OPTIONS.people // 10, OPTIONS.moments // 10, OPTIONS.clicks // 10),
        (
            OPTIONS.people - OPTIONS.people // 10,
            OPTIONS.moments - OPTIONS.moments // 10,
            OPTIONS.clicks - OPTIONS.clicks // 10,
        ),
    ]
    results = []
    totals = {"people": 2, "moments": 0, "shares": 0, "clicks": 0}
    for step, (people, moments, clicks) in enumerate(steps):
        t = time.perf_counter()
        added = grow(org.pk, people, moments, clicks, first=step == 0)
        for key, value in added.items():
            totals[key] += value
        build = time.perf_counter() - t
        if connection.vendor == "postgresql":
            # Fresh planner statistics after a bulk load, as autovacuum would soon gather.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        t = time.perf_counter()
        rolled = rollup_clicks()
        rollup = time.perf_counter() - t
        print(
            f"\n== {totals['people']:,} people, {totals['moments']:,} moments, "
            f"{totals['shares']:,} shares, {totals['clicks']:,} clicks "
            f"(built in {build:.1f} s; rollup of {rolled.clicks_read:,} new clicks into "
            f"{rolled.rows_written:,} daily rows in {rollup:.1f} s)"
        )
        row = {}
        for name, (who, url, goal) in pages.items():
            m = measure(clients[who], url, OPTIONS.requests, OPTIONS.cold)
            if who == "comms":
                m.update(compute_times(org, url, max(5, OPTIONS.requests // 4)))
            row[name] = m
            afresh = (
                f"  after a share p95 {m['share_p95']:6.1f}  afresh p95 {m['afresh_p95']:6.1f} ms"
                f"  no summary p95 {m['bare_p95']:6.1f} ms"
                f" (CPU of this process: first view {m['cold_cpu_p95']:.0f}, afresh "
                f"{m['afresh_cpu_p95']:.0f} ms)"
                if "afresh_p95" in m
                else ""
            )
            print(
                f"  {name:<22} cached p50 {m['cached_p50']:6.1f} p95 {m['cached_p95']:6.1f} ms"
                f"  first view p50 {m['cold_p50']:6.1f} p95 {m['cold_p95']:6.1f} ms{afresh}"
                f"  queries {m['queries']:>2} (goal p95 {goal} ms)",
                flush=True,
            )
        results.append(row)
    same = all(results[0][n]["queries"] == results[1][n]["queries"] for n in pages)
    print(f"\nquery counts the same at both sizes: {'yes' if same else 'NO'}")
    print("RESULT " + json.dumps(results[-1]))


if __name__ == "__main__":
    main()
