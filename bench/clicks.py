"""Benchmark: the tracked-link redirect (/l/<code>) against a bare Django redirect.

Run with `.venv/bin/python bench/clicks.py`. It builds a throwaway SQLite database in a
temporary directory, serves the product (plus a bench-only `/bare/` redirect, never part of
the product's URLs) with gunicorn on 127.0.0.1, drives a bounded load against both in
alternating rounds and prints requests/second, p50/p95 latency and the ratio link/bare. It
checks that every link request left exactly one Click row, and that SQLite runs in WAL mode.

`--during-import` measures clicks while a people import writes instead: an 8,000-row import
job runs in a separate process (the background worker's code path) while a few threads fire
clicks at a steady rate; the same click load without an import, in the same run, is the
baseline. It prints clicks sent and stored (none may be lost), p50/p95/max latency of both, and
how long the import held SQLite's write lock at a time. `--import-batch-rows 100000` imitates
the former one-transaction import for comparison.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ARGS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ARGS.add_argument(
    "--sqlite-conn-max-age",
    type=int,
    default=None,
    metavar="SECONDS",
    help="override CONN_MAX_AGE for the served app (default: the product's setting)",
)
ARGS.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
ARGS.add_argument(
    "--during-import",
    action="store_true",
    help="measure clicks while an 8,000-row people import runs (and without, as a baseline)",
)
ARGS.add_argument(
    "--import-people", type=int, default=8000, help="rows in the import (default 8000)"
)
ARGS.add_argument(
    "--import-batch-rows",
    type=int,
    default=None,
    metavar="N",
    help="override the import's batch size; 100000 imitates one transaction for the whole file",
)
OPTIONS = ARGS.parse_args()
WORKERS = OPTIONS.workers
REQUESTS_PER_ENDPOINT = int(os.environ.get("BENCH_REQUESTS", "3000"))
ROUNDS = 6
CONCURRENCY = 8
GOAL = 0.8

SRC = Path(__file__).resolve().parent.parent / "src"
TMP = Path(tempfile.mkdtemp(prefix="zichtbaar-bench-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
# Bench-only settings and URLs, importable by the gunicorn workers through PYTHONPATH.
(TMP / "bench_settings.py").write_text(
    textwrap.dedent(
        """
        import os

        from zichtbaar.settings import *  # noqa: F403

        ROOT_URLCONF = "bench_urls"
        # A bare redirect at the same place in the stack as TrackedLinkMiddleware, so the
        # pure cost of recording a click can be read off too.
        MIDDLEWARE = [MIDDLEWARE[0], "bench_urls.EarlyBareRedirect", *MIDDLEWARE[1:]]  # noqa: F405
        # Only with --sqlite-conn-max-age: what persistent connections would change.
        if os.environ.get("BENCH_CONN_MAX_AGE"):
            DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])  # noqa: F405
        """
    )
)
(TMP / "bench_urls.py").write_text(
    textwrap.dedent(
        """
        from django.http import HttpResponseRedirect
        from django.urls import path

        from zichtbaar.urls import urlpatterns as product

        urlpatterns = [path("bare/", lambda r: HttpResponseRedirect("https://example.test/")), *product]


        class EarlyBareRedirect:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                if request.path_info == "/bare-early/":
                    return HttpResponseRedirect("https://example.test/")
                return self.get_response(request)
        """
    )
)
(TMP / "static").mkdir()
ENV = {
    **os.environ,
    "ZICHTBAAR_DATA_DIR": str(TMP),
    "SECRET_KEY": "bench-secret-key-not-for-production",
    "ALLOWED_HOSTS": "127.0.0.1",
    "DEBUG": "0",
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "DJANGO_SETTINGS_MODULE": "bench_settings",
    "PYTHONPATH": os.pathsep.join(
        filter(None, [str(TMP), str(SRC), os.environ.get("PYTHONPATH", "")])
    ),
    "LOG_LEVEL": "ERROR",
}
if OPTIONS.sqlite_conn_max_age is not None:
    ENV["BENCH_CONN_MAX_AGE"] = str(OPTIONS.sqlite_conn_max_age)
ENV.pop("DATABASE_URL", None)  # always the throwaway SQLite database
ENV.pop("REDIS_URL", None)
os.environ.clear()
os.environ.update(ENV)
sys.path[:0] = [str(TMP), str(SRC)]

import django

django.setup()

from django.core.management import call_command
from django.db import connection


def setup_data() -> str:
    from zichtbaar.moments.models import Moment, MomentStatus, MomentType
    from zichtbaar.orgs.models import Organisation
    from zichtbaar.orgs.services import PersonData, upsert_person
    from zichtbaar.sharing.services import get_or_create_link

    call_command("migrate", verbosity=0, interactive=False)
    org = Organisation.objects.create(slug="bench", name="Bench BV")
    membership, _ = upsert_person(org, PersonData(email="bench@bench.test", name="Bench"))
    # Clicks are only counted for people who agreed to it.
    membership.user.profile.consent_tracking = True
    membership.user.profile.save(update_fields=["consent_tracking"])
    moment = Moment.objects.create(
        org=org,
        type=MomentType.objects.filter(org=None).first(),
        status=MomentStatus.PUBLISHED,
        title="Benchmark moment",
        what_happened="Something worth sharing happened.",
        link="https://bench.test/news?ref=site",
    )
    link = get_or_create_link(moment, membership.user)
    assert link is not None
    return link.code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            status, _ = fetch(port, "/bare/")
            if status == 302:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start in time")


def fetch(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"User-Agent": BROWSER})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)


def run_round(port: int, path: str, n: int, latencies: list[float]) -> tuple[float, int]:
    """n requests with CONCURRENCY threads; returns (elapsed seconds, non-302 count)."""
    counter = iter(range(n))
    lock = threading.Lock()
    failures = 0

    def worker() -> None:
        nonlocal failures
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            status, elapsed = fetch(port, path)
            with lock:
                latencies.append(elapsed)
                if status != 302:
                    failures += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        for future in [pool.submit(worker) for _ in range(CONCURRENCY)]:
            future.result()
    return time.perf_counter() - started, failures


def pct(values: list[float], p: float) -> float:
    if len(values) < 2:
        return max(values, default=0.0) * 1000
    return statistics.quantiles(values, n=100)[p - 1] * 1000


# --- clicks while an import writes ----------------------------------------------------------

CLICK_THREADS = 3
CLICK_RATE = 50  # clicks per second, all threads together: visitors, not a load test
BASELINE_CLICKS = 750
IMPORT_DEADLINE = 75  # seconds; the whole bench stays under two minutes

# Runs in its own process, as the background worker would: claims the job and imports it, and
# records how long each write transaction held SQLite's lock (BEGIN IMMEDIATE to COMMIT).
IMPORT_SCRIPT = """
import json, sys, time
import django
django.setup()
from django.db.backends.sqlite3.base import DatabaseWrapper
from zichtbaar.orgs import importing
from zichtbaar.orgs.tasks import run_people_import

if sys.argv[2] != "-":
    importing.BATCH_ROWS = int(sys.argv[2])
    importing.BATCH_SECONDS = 3600
    importing.BATCH_PAUSE = 0
holds, began = [], [None]
start_tx, commit = DatabaseWrapper._start_transaction_under_autocommit, DatabaseWrapper._commit
def timed_start(self):
    start_tx(self)
    began[0] = time.perf_counter()
def timed_commit(self):
    commit(self)
    if began[0] is not None:
        holds.append(time.perf_counter() - began[0])
        began[0] = None
DatabaseWrapper._start_transaction_under_autocommit = timed_start
DatabaseWrapper._commit = timed_commit
print("started", flush=True)
t = time.perf_counter()
outcome = run_people_import.call(int(sys.argv[1]))
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - t, "holds": holds}))
"""


def fire_clicks(port: int, path: str, keep_going, latencies: list[float]) -> tuple[int, int]:
    """Clicks at CLICK_RATE from CLICK_THREADS threads while keep_going(sent) holds;
    returns (sent, non-302)."""
    lock = threading.Lock()
    sent = failures = 0
    interval = CLICK_THREADS / CLICK_RATE

    def worker() -> None:
        nonlocal sent, failures
        next_at = time.perf_counter()
        while True:
            with lock:
                if not keep_going(sent):
                    return
                sent += 1
            status, elapsed = fetch(port, path)
            with lock:
                latencies.append(elapsed)
                failures += status != 302
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))

    threads = [threading.Thread(target=worker) for _ in range(CLICK_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sent, failures


def people_csv(n: int) -> bytes:
    lines = ["email,name,team,role,connections"]
    lines += [
        f"person{i}@bench.test,Person {i},Team {i % 20},employee,{200 + i % 700}" for i in range(n)
    ]
    return ("\n".join(lines) + "\n").encode()


def latency_line(name: str, values: list[float]) -> str:
    return (
        f"{name:>14}: {len(values):5d} clicks, p50 {pct(values, 50):6.1f} ms, "
        f"p95 {pct(values, 95):6.1f} ms, max {max(values) * 1000:7.1f} ms"
    )


def main_during_import() -> int:
    from zichtbaar.orgs.models import ImportJob, Organisation
    from zichtbaar.sharing.models import Click
    from zichtbaar.sharing.services import click_spool_path, drain_click_spool

    began = time.monotonic()
    code = setup_data()
    org = Organisation.objects.get(slug="bench")
    job = ImportJob.objects.create(
        org=org,
        filename="people.csv",
        content=people_csv(OPTIONS.import_people),
        language="en",
        # The bench's teams are new: confirmed up front, as comms would on the status page.
        confirmed_teams=[f"Team {i}" for i in range(20)],
    )
    connection.close()
    (TMP / "bench_import.py").write_text(IMPORT_SCRIPT)

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(CLICK_THREADS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--no-control-socket",
            "--chdir",
            str(TMP),
            "zichtbaar.wsgi:application",
        ],
        env=ENV,
        start_new_session=True,
    )
    path = f"/l/{code}"
    baseline: list[float] = []
    during: list[float] = []
    try:
        wait_until_up(port, time.monotonic() + 20)
        for _ in range(CLICK_THREADS * 2):  # warm every worker (counted as clicks too)
            fetch(port, path)
        warmup = CLICK_THREADS * 2
        sent_base, bad_base = fire_clicks(port, path, lambda sent: sent < BASELINE_CLICKS, baseline)
        batch = str(OPTIONS.import_batch_rows) if OPTIONS.import_batch_rows else "-"
        worker = subprocess.Popen(
            [sys.executable, str(TMP / "bench_import.py"), str(job.pk), batch],
            env=ENV,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert worker.stdout is not None
        worker.stdout.readline()  # "started": Django is loaded, the import begins
        deadline = time.monotonic() + IMPORT_DEADLINE
        sent_during, bad_during = fire_clicks(
            port,
            path,
            lambda sent: worker.poll() is None and time.monotonic() < deadline,
            during,
        )
        finished = worker.poll() is not None
        if not finished:  # a slow machine: the figures so far, within the time bound
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        output = worker.stdout.read().strip().splitlines()
        imported = json.loads(output[-1]) if finished and output else None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    direct = Click.objects.count()
    spooled = drain_click_spool()
    stored = Click.objects.count()
    sent = warmup + sent_base + sent_during
    job.refresh_from_db()
    print(
        f"gunicorn: {CLICK_THREADS} sync workers; clicks: {CLICK_THREADS} threads at "
        f"{CLICK_RATE}/s together; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    if imported is None:
        print(
            f"import: stopped after {IMPORT_DEADLINE} s with {job.done} of "
            f"{OPTIONS.import_people} people saved (this machine is slow; try fewer people)"
        )
    else:
        holds = sorted(imported["holds"])
        print(
            f"import: {job.created} of {OPTIONS.import_people} people created in "
            f"{imported['seconds']:.1f} s ({imported['outcome']}), "
            f"{len(holds)} write transactions, lock held p50 {pct(holds, 50):.1f} ms, "
            f"p95 {pct(holds, 95):.1f} ms, longest {holds[-1] * 1000:.1f} ms"
        )
    print(latency_line("no import", baseline))
    print(latency_line("during import", during))
    print(
        f"clicks sent: {sent}, stored: {stored} ({direct} at once, {spooled} via the spool "
        f"{click_spool_path().name}), lost: {sent - stored}; non-302 answers: "
        f"{bad_base + bad_during}"
    )
    ok = stored == sent and not (bad_base + bad_during) and imported is not None
    print(f"p95 during import < 50 ms: {'yes' if pct(during, 95) < 50 else 'NO'}")
    print(f"bench took {time.monotonic() - began:.0f} s")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def main() -> int:
    if OPTIONS.during_import:
        return main_during_import()
    code = setup_data()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--no-control-socket",  # nothing left behind in ~/.gunicorn
            "--chdir",
            str(TMP),
            "zichtbaar.wsgi:application",
        ],
        env=ENV,
        start_new_session=True,
    )
    try:
        wait_until_up(port, time.monotonic() + 20)
        fetch(port, f"/l/{code}")  # warm both workers' code paths (one extra click, counted)
        fetch(port, f"/l/{code}")
        warmup_clicks = 2
        results: dict[str, dict] = {}
        per_round = REQUESTS_PER_ENDPOINT // ROUNDS
        endpoints = (("bare", "/bare/"), ("early", "/bare-early/"), ("link", f"/l/{code}"))
        for name, _path in endpoints:
            results[name] = {"elapsed": 0.0, "failures": 0, "latencies": [], "requests": 0}
        for _ in range(ROUNDS):
            for name, path in endpoints:
                r = results[name]
                elapsed, failures = run_round(port, path, per_round, r["latencies"])
                r["elapsed"] += elapsed
                r["failures"] += failures
                r["requests"] += per_round
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    from zichtbaar.sharing.models import Click

    clicks = Click.objects.count()
    expected = results["link"]["requests"] + warmup_clicks
    print(f"SQLite journal_mode: {journal_mode}")
    from django.conf import settings

    print(f"CONN_MAX_AGE (served app): {settings.DATABASES['default']['CONN_MAX_AGE']}")
    print(
        f"gunicorn: {WORKERS} sync workers; client: {CONCURRENCY} threads, {ROUNDS} alternating rounds"
    )
    rps = {}
    for name, r in results.items():
        rps[name] = r["requests"] / r["elapsed"]
        print(
            f"{name:>5}: {r['requests']} requests, {rps[name]:7.0f} req/s, "
            f"p50 {pct(r['latencies'], 50):5.1f} ms, p95 {pct(r['latencies'], 95):5.1f} ms, "
            f"non-302: {r['failures']}"
        )
    ratio = rps["link"] / rps["bare"]
    print(f"ratio link/bare: {ratio:.2f} (goal >= {GOAL}; bare = a plain redirect view)")
    print(
        f"ratio link/early: {rps['link'] / rps['early']:.2f} (early = a redirect at the same place "
        "in the middleware stack as /l/: the cost of recording the click itself)"
    )
    if ratio < GOAL and not settings.DATABASES["default"]["CONN_MAX_AGE"]:
        print(
            "note: with CONN_MAX_AGE=0 every click opens a SQLite connection (PRAGMAs, schema "
            "load) and closing it checkpoints the WAL; compare --sqlite-conn-max-age 60"
        )
    print(f"Click rows: {clicks} (expected {expected})")
    ok = (
        journal_mode.lower() == "wal"
        and clicks == expected
        and not any(r["failures"] for r in results.values())
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        connection.close()
