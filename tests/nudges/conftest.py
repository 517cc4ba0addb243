"""Fixtures for nudges: a fixed 'now', SMTP and HTTP servers, and the two task backends."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from tests import smtp

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def now() -> dt.datetime:
    """A Wednesday morning in the past: outside default quiet hours, and already due."""
    return dt.datetime(2026, 1, 7, 10, 0, tzinfo=AMS)


def always_open(*users) -> None:
    """No quiet hours or days, so tests that use the real clock are not held back."""
    from zichtbaar.nudges import preferences
    from zichtbaar.orgs.models import Membership

    for m in Membership.objects.filter(user__in=users):
        pref = preferences.preference_for(m)
        pref.quiet_days = []
        pref.quiet_start = pref.quiet_end = dt.time(0, 0)
        pref.save()


def digests_to(inbox: smtp.Inbox, address: str) -> list:
    return [
        m
        for m in inbox.messages
        if m["To"] == address and m["X-Zichtbaar-Nudge"] in ("digest", "test")
    ]


class RejectingInbox(smtp.Inbox):
    """Accepts mail except for addresses starting with 'nobody', which get a 550."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def rejecting_smtp(settings) -> Iterator[RejectingInbox]:
    inbox = RejectingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp.free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


class Hook:
    """A local webhook receiver; `responses` is a list of (status, headers) answered in order."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.responses: list[tuple[int, dict[str, str]]] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def hook() -> Iterator[Hook]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            status, headers = state.responses.pop(0) if state.responses else (200, {})
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    state.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=state.server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.server.shutdown()
    state.server.server_close()


@pytest.fixture(params=["database", "rq"])
def backend(request, settings, transactional_db) -> Iterator[Callable[[], None]]:
    """Run background tests on the database backend and on RQ (Redis at 127.0.0.1:6379).

    Yields `run_worker()`: `zichtbaar db_worker --batch`, or an in-process RQ SimpleWorker in
    burst mode. RQ uses a queue of its own per test, removed afterwards.
    """
    from django.core.management import call_command

    from zichtbaar.moments.services import sync_builtin_types

    sync_builtin_types()  # transactional tests start after a flush
    if request.param == "database":
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
        }

        def run_db() -> None:
            call_command(
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--no-reload",
                "--interval",
                "0",
                verbosity=0,
            )

        yield run_db
        return

    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue_name = f"nudges-test-{uuid.uuid4().hex[:12]}"
    settings.RQ_QUEUES = {queue_name: {"URL": "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 60}}
    settings.NUDGES_TASK_QUEUE = queue_name
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue_name]}}
    connection = django_rq.get_connection(queue_name)
    connection.ping()  # fail, don't skip, when Redis is missing: CI has it

    def run_rq() -> None:
        queue = django_rq.get_queue(queue_name, job_class=Job)
        worker = SimpleWorker([queue], connection=connection, job_class=Job)
        worker.work(burst=True, logging_level="WARNING")

    yield run_rq
    queue = django_rq.get_queue(queue_name, job_class=Job)
    queue.empty()
    queue.delete(delete_jobs=True)
