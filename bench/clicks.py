"""Benchmark: the tracked-link redirect (/l/<code>) against a bare Django redirect.

Run with `.venv/bin/python bench/clicks.py`. It builds a throwaway SQLite database in a
temporary directory, serves the product (plus a bench-only `/bare/` redirect, never part of
the product's URLs) with gunicorn on 127.0.0.1, drives a bounded load against both in
alternating rounds and prints requests/second, p50/p95 latency and the ratio link/bare. It
checks that every link request left exactly one Click row, and that SQLite runs in WAL mode.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
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
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
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
    return statistics.quantiles(values, n=100)[p - 1] * 1000


def main() -> int:
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
