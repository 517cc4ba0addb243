"""The whole digest path on a real database: queue for everyone, deliver through the outbox.

    .venv/bin/python bench/digest_db.py [--people 100000] [--workers 2]

Where `bench/digest.py` measures rendering and sending alone, this runs what production runs
for `zichtbaar send_digests --org acme --force --background` with `--workers` db_workers:
- **queueing:** one job per 500 people (`digests.queue_digests_of`). Each reads preferences,
  moments, shares, impact and tracked links with a fixed number of queries, renders the
  digests and writes the outbox rows in one transaction.
- **delivery:** `delivery.deliver(org)` claims rows atomically and sends them over the
  worker's own SMTP connection to an aiosmtpd sink in a subprocess.
- **order:** each worker takes delivery first whenever rows are due (the delivery job's higher
  priority) and otherwise the next chunk.

With `--foreground`, this process queues everything (`send_digests` without `--background`)
while the workers only deliver.

It prints the queueing time, the time until the last digest was accepted by the sink, and
messages per second, next to a plain `smtplib` loop sending the same messages' bytes over one
connection in the same run (goals, as for the render bench: at least 0.7 of the plain loop, and
100,000 within 120 s). It checks that the sink received every digest exactly once.

The database is a throwaway SQLite file (WAL, as `make demo` uses). Set `--database-url` to a
PostgreSQL database of your own to use that instead; the bench creates and drops its tables
there through migrations and a flush, so never point it at data you want to keep.
"""

from __future__ import annotations

import argparse
import atexit
import multiprocessing
import os
import queue
import secrets
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from digest import SINK, free_port  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--people", type=int, default=100_000)
parser.add_argument("--workers", type=int, default=2, help="delivery processes (default 2)")
parser.add_argument("--database-url", default="", help="default: a throwaway SQLite file")
parser.add_argument(
    "--foreground", action="store_true", help="queue in this process; workers only deliver"
)
args = parser.parse_args()

tmp = Path(tempfile.mkdtemp(prefix="zichtbaar-bench-digest-"))
atexit.register(shutil.rmtree, tmp, ignore_errors=True)
(tmp / "static").mkdir()
port = free_port()
os.environ.update(
    DJANGO_SETTINGS_MODULE="zichtbaar.settings",
    DEBUG="false",
    SECRET_KEY=secrets.token_urlsafe(32),
    ZICHTBAAR_DATA_DIR=str(tmp),
    TASKS_BACKEND="database",  # the delivery processes below poll the outbox themselves
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=str(port),
    LOG_LEVEL="ERROR",
)
os.environ.pop("REDIS_URL", None)
if args.database_url:
    os.environ["DATABASE_URL"] = args.database_url
else:
    os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.urls import reverse  # noqa: E402

from zichtbaar.moments.models import Moment, MomentStatus, MomentType  # noqa: E402
from zichtbaar.nudges import delivery, digests  # noqa: E402
from zichtbaar.nudges.channels import mime  # noqa: E402
from zichtbaar.nudges.models import Message, Status  # noqa: E402
from zichtbaar.orgs.models import Membership, Organisation, Profile, Team, User  # noqa: E402

NOW = None  # set in main(): one period for every chunk


def build(people: int) -> Organisation:
    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    org = Organisation.objects.create(slug="acme", name="Acme")
    teams = Team.objects.bulk_create([Team(org=org, name=f"Team {i}") for i in range(20)])
    for start in range(0, people, 5000):
        n = range(start, min(start + 5000, people))
        users = User.objects.bulk_create(
            [User(email=f"person{i}@acme.test", name=f"Person {i} Example") for i in n]
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user=u,
                    language="en" if i % 3 == 0 else "nl",
                    connections=100 + i % 900,
                    consent_tracking=i % 4 != 0,  # most allow tracked links
                    job_title="consultant",
                )
                for i, u in zip(n, users, strict=True)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, org=org, team=teams[i % len(teams)])
                for i, u in zip(n, users, strict=True)
            ]
        )
    kind = MomentType.objects.get(org=None, key="project_delivery")
    for title, what in [
        ("New website for the city library", "We delivered the new website after six months."),
        ("Record quarter for Sales", "We closed more deals this quarter than ever before."),
        ("Hackathon 2026", "Forty colleagues built twelve prototypes in two days."),
    ]:
        Moment.objects.create(
            org=org,
            type=kind,
            status=MomentStatus.PUBLISHED,
            audience_everyone=True,
            title=title,
            what_happened=what,
            link="https://acme.test/cases/x",
        )
    return org


def worker(org_id: int, chunks, deliveries, queueing_done, pipe) -> None:
    """A db_worker taking jobs by priority: a delivery job (one per committed chunk, sending
    everything due) before the next chunk of digests."""
    reverse("nudges:preferences")  # a running worker has its URLs loaded
    org = Organisation.objects.get(pk=org_id)
    sent = 0
    while True:
        try:
            deliveries.get_nowait()
        except queue.Empty:
            pass
        else:
            sent += delivery.deliver(org_id).sent
            continue
        try:
            ids = chunks.get_nowait()
        except queue.Empty:
            ids = None
        if ids is not None:
            if digests.queue_digests_of(org, ids, force=True, period=NOW):
                deliveries.put(True)  # what _enqueue_delivery does on commit
            continue
        sent += delivery.deliver(org_id).sent  # the jobs runperiodic adds for what waits
        if (
            queueing_done.is_set()
            and not Message.objects.filter(
                org_id=org_id, status__in=[Status.QUEUED, Status.SENDING]
            ).exists()
        ):
            break
        time.sleep(0.02)
    pipe.send(sent)


def main() -> None:
    global NOW
    from django.utils import timezone

    NOW = timezone.now()
    print(f"building {args.people:,} people ({settings.DATABASES['default']['ENGINE']}) ...")
    org = build(args.people)
    reverse("nudges:preferences")  # warm, as a long-running worker is
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdin is not None
    assert sink.stdout.readline().strip() == "ready"

    chunks_list = digests.digest_chunks(org)
    connections.close_all()  # every process opens its own
    fork = multiprocessing.get_context("fork")
    queueing_done = fork.Event()
    chunks = fork.Queue()
    deliveries = fork.Queue()
    if not args.foreground:
        for ids in chunks_list:
            chunks.put(ids)
        queueing_done.set()
    time.sleep(0.5)  # let the queue's feeder thread hand every chunk over
    workers = []
    t0 = time.perf_counter()
    for _k in range(args.workers):
        mine, theirs = fork.Pipe(duplex=False)
        proc = fork.Process(target=worker, args=(org.pk, chunks, deliveries, queueing_done, theirs))
        proc.start()
        workers.append((proc, mine))

    step = max(args.people // 10, 1)

    def progress(done: int, total: int) -> None:
        if done % step < digests.DIGEST_CHUNK or done == total:
            print(f"  queued for {done:,} of {total:,} people ({time.perf_counter() - t0:.1f} s)")

    queued = 0
    if args.foreground:
        queued = digests.queue_digests(org, force=True, now=NOW, progress=progress)
        queueing_done.set()
    t_queued = time.perf_counter() - t0
    delivered = sum(pipe.recv() for _proc, pipe in workers)
    for proc, _pipe in workers:
        proc.join()
    total = time.perf_counter() - t0
    if not args.foreground:
        queued = Message.objects.filter(org=org).count()
        t_queued = float("nan")

    # The same messages, as bytes, for the plain loop (built outside the timing).
    rows = list(
        Message.objects.filter(org=org).values_list(
            "to", "subject", "body_text", "body_html", "headers"
        )
    )
    raw = [
        (
            to,
            mime.build(
                from_email=settings.DEFAULT_FROM_EMAIL, to=to, subject=s, text=t, html=h, headers=hd
            ),
        )
        for to, s, t, h, hd in rows
    ]
    t1 = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to, data in raw:
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], data)
    plain = time.perf_counter() - t1

    sink.stdin.close()
    received = int(sink.stdout.readline())
    sink.wait()
    ours_rate, plain_rate = delivered / total, len(raw) / plain
    sent_rows = Message.objects.filter(org=org, status=Status.SENT).count()
    print(
        f"digests queued: {queued:,}  sent rows: {sent_rows:,}  sink received: {received - len(raw):,}"
    )
    if args.foreground:
        print(
            f"queueing (read, render, write): {t_queued:6.1f} s  ({queued / t_queued:6.0f} people/s)"
        )
    print(f"zichtbaar, queue to last sent:  {total:6.1f} s  ({ours_rate:6.0f} messages/s)")
    print(f"plain smtplib loop:             {plain:6.1f} s  ({plain_rate:6.0f} messages/s)")
    print(
        f"ratio: {ours_rate / plain_rate:.2f} (goal >= 0.70); "
        f"100,000 at this rate: {100_000 / ours_rate:.0f} s (goal <= 120 s)"
    )
    assert queued == delivered == sent_rows == received - len(raw), "lost or duplicated digests"


if __name__ == "__main__":
    main()
