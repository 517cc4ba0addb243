"""Benchmark: the comms impact dashboard and the personal impact page on a large organisation.

Run with `.venv/bin/python bench/dashboard.py`. It builds a throwaway SQLite database in a
temporary directory and fills it in two steps with bulk inserts: first a tenth (1,000 people,
500 moments, 100,000 clicks), then the rest (10,000 people, 5,000 moments, 1,000,000 clicks in
all). After each step it runs the click rollup (the background task's work) and measures, in
process with Django's test client, the p50/p95 latency and the query count of:

- the comms dashboard (default period of 90 days, and a whole year),
- the personal impact page of an employee with many shares.

Goals on SQLite: dashboard p95 <= 150 ms, personal page p95 <= 50 ms, and query counts that are
the same at both sizes. The dashboard's figures are cached under a key that changes with the
data (selectors.cached_dashboard) and its charts under a hash of their data; the first view
after new data computes and renders everything ("first view"), and the time to compute the
figures without any cache is printed too ("computed afresh").
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import os
import random
import shutil
import statistics
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
ARGS.add_argument(
    "--keep", metavar="DIR", help="build the database in DIR and keep it (for profiling)"
)
OPTIONS = ARGS.parse_args()

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
ENV.pop("DATABASE_URL", None)  # always the throwaway SQLite database
ENV.pop("REDIS_URL", None)
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


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[i : i + 20_000])


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
            User._meta.db_table,
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
            Profile._meta.db_table,
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
            Membership._meta.db_table,
            ["user_id", "org_id", "role", "team_id", "is_active", "created_at"],
            [
                (u, org_id, "employee", teams[i % TEAMS], True, adapt(now))
                for i, u in enumerate(user_ids)
            ],
        )
        m0 = _max_id(Moment._meta.db_table)
        _insert(
            Moment._meta.db_table,
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
            TrackedLink._meta.db_table,
            ["org_id", "moment_id", "user_id", "code", "destination", "created_at"],
            link_rows,
        )
        _insert(
            Share._meta.db_table,
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
        _insert(Click._meta.db_table, ["link_id", "at", "visitor", "is_bot"], click_rows)
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
    times = []
    for _ in range(n):
        started = time.perf_counter()
        selectors.dashboard(org, assumptions, period=period, team=team)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": statistics.median(times), "p95": pct(times, 95)}


def measure(client: Client, url: str, n: int) -> dict:
    started = time.perf_counter()
    first = client.get(url)
    first_ms = (time.perf_counter() - started) * 1000
    assert first.status_code == 200, (url, first.status_code)
    queries = []

    def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "first": first_ms,
        "p50": statistics.median(times),
        "p95": pct(times, 95),
        "queries": len(queries),
    }


def main() -> None:
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
            m = measure(clients[who], url, OPTIONS.requests)
            row[name] = m
            verdict = "ok" if m["p95"] <= goal else "OVER GOAL"
            print(
                f"  {name:<22} p50 {m['p50']:6.1f} ms  p95 {m['p95']:6.1f} ms (goal {goal} ms: "
                f"{verdict})  queries {m['queries']:>2}  first view {m['first']:6.0f} ms"
            )
            if who == "comms":
                c = compute_times(org, url, max(5, OPTIONS.requests // 4))
                print(
                    f"  {'':<22} figures computed afresh (no cache): p50 {c['p50']:6.1f} ms  "
                    f"p95 {c['p95']:6.1f} ms"
                )
        results.append(row)
    same = all(results[0][n]["queries"] == results[1][n]["queries"] for n in pages)
    print(f"\nquery counts the same at both sizes: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
