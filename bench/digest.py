"""Render personalised digests and hand them to a local SMTP sink; compare with plain smtplib.

    .venv/bin/python bench/digest.py [--count 100000] [--batch 1000]

The sink is aiosmtpd in a subprocess on 127.0.0.1 (it counts and drops). The run alternates,
per batch of people, between

- zichtbaar: the digest for each person (one ready draft per moment from the suggestion
  engine, tracked link, impact line, unsubscribe link), rendered from the cached compiled
  templates into subject, text and HTML, built as a MIME message with the List-Unsubscribe
  headers and sent with `nudges.channels.email.Mailer` (one SMTP connection per batch), and
- plain: `smtplib.SMTP.sendmail` of exactly those messages' bytes, one connection per batch.

It prints messages per second for both and their ratio (goal: >= 0.7), and the total time
for the zichtbaar side (goal: 100,000 within 120 s on 2 cores). No database is used: the
people and moments are unsaved model instances.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import secrets
import smtplib
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zichtbaar.settings")
# As in production (DEBUG off: no template reloading); the key only signs unsubscribe links here.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))

SINK = r"""
import asyncio, sys
from aiosmtpd.controller import Controller
class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"
c = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
print(Sink.count, flush=True)
c.stop()
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="digests (default 100,000)")
    parser.add_argument("--batch", type=int, default=1000, help="messages per SMTP connection")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="worker processes, each rendering and sending its share (default 2, one per core)",
    )
    args = parser.parse_args()

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None and sink.stdin is not None
    assert sink.stdout.readline().strip() == "ready"
    os.environ.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
    )

    import django

    django.setup()
    from django.conf import settings

    from zichtbaar.compose import selectors as compose_selectors
    from zichtbaar.moments.models import Moment, MomentType
    from zichtbaar.nudges import queueing
    from zichtbaar.nudges.channels.email import Mailer
    from zichtbaar.nudges.models import Preference
    from zichtbaar.nudges.selectors import Digest, DigestItem, compose_url, summary_of
    from zichtbaar.orgs.models import Membership, Organisation, Profile, Team, User

    org = Organisation(pk=1, slug="acme", name="Acme")
    mtype = MomentType(key="project_delivery", name_nl="Oplevering", name_en="Delivery")
    moments = [
        Moment(
            pk=i,
            org=org,
            type=mtype,
            title=title,
            what_happened=what,
            happened_on=date(2026, 1, 6),
            link="https://acme.test/cases/x",
        )
        for i, (title, what) in enumerate(
            [
                (
                    "New website for the city library",
                    "We delivered the new website after six months.",
                ),
                ("Record quarter for Sales", "We closed more deals this quarter than ever before."),
                ("Hackathon 2026", "Forty colleagues built twelve prototypes in two days."),
            ],
            start=1,
        )
    ]
    teams = [Team(pk=i, org=org, name=n) for i, n in enumerate(["Engineering", "Sales", "HR"], 1)]

    def person(i: int) -> tuple[Membership, Preference]:
        lang = "nl" if i % 3 else "en"
        user = User(pk=i, email=f"person{i}@acme.test", name=f"Person {i} Example")
        user.profile = Profile(
            user=user, language=lang, connections=100 + i % 900, job_title="consultant"
        )
        team = teams[i % 3]
        membership = Membership(pk=i, user=user, org=org, team=team)
        return membership, Preference(membership=membership, frequency="weekly")

    summaries = {m.pk: summary_of(m) for m in moments}
    urls = {m.pk: compose_url(m) for m in moments}

    def digest_of(membership: Membership) -> Digest:
        user = membership.user
        items = []
        for m in moments:
            link = f"{settings.SITE_URL}/l/{user.pk:06d}{m.pk}"
            # As nudges.selectors.digests_for does, per person and moment.
            [draft] = compose_selectors.drafts_for(m, membership, link, count=1)
            items.append(
                DigestItem(moment=m, draft=draft.text, url=urls[m.pk], summary=summaries[m.pk])
            )
        return Digest(
            membership=membership,
            items=items,
            shares=user.pk % 4,
            clicks=user.pk % 17,
            connections=user.profile.connections,
        )

    def render(membership: Membership, pref: Preference) -> dict:
        context = queueing.email_context(membership, pref, digest=digest_of(membership))
        subject, text, html = queueing.render_email("digest", context, pref.lang)
        return {
            "to": membership.user.email,
            "subject": subject,
            "text": text,
            "html": html,
            "headers": queueing.email_headers(membership.pk, "digest", context["unsubscribe_url"]),
        }

    def _render(i: int) -> dict:
        return render(*person(i))

    def send_share(ids: range) -> list[tuple[str, bytes]]:
        """Render `ids` (the queueing job) and send them over one SMTP connection (the
        delivery job); what went out, for the plain loop."""
        with Mailer() as mailer:
            return [(row["to"], mailer.send(**row)) for row in map(_render, ids)]

    def worker(pipe) -> None:
        """A long-running worker process: a share of every batch, until told to stop."""
        while (ids := pipe.recv()) is not None:
            pipe.send(send_share(ids))

    # Warm up (imports, URL resolver, translation catalogues, compiled templates) before the
    # workers fork, so they start warm, as long-running workers are.
    for i in (1, 3):
        _render(i)
    gc.freeze()  # keep the warm objects out of the workers' garbage collections
    fork = multiprocessing.get_context("fork")
    pipes, procs = [], []
    for _k in range(args.workers if args.workers > 1 else 0):
        mine, theirs = fork.Pipe()
        proc = fork.Process(target=worker, args=(theirs,), daemon=True)
        proc.start()
        pipes.append(mine)
        procs.append(proc)

    def deliver(ids: range) -> list[tuple[str, bytes]]:
        if not pipes:
            return send_share(ids)
        for k, pipe in enumerate(pipes):
            pipe.send(ids[k :: len(pipes)])
        return [sent for pipe in pipes for sent in pipe.recv()]

    ours = plain = 0.0
    sent = 0
    size = 0
    for start in range(1, args.count + 1, args.batch):
        ids = range(start, min(start + args.batch, args.count + 1))
        t0 = time.perf_counter()
        out = deliver(ids)
        ours += time.perf_counter() - t0
        # The very same bytes through a plain smtplib loop, one connection per batch.
        size += sum(len(raw) for _to, raw in out)
        t0 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for to, raw in out:
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], raw)
        plain += time.perf_counter() - t0
        sent += len(out)

    for pipe, proc in zip(pipes, procs, strict=True):
        pipe.send(None)
        proc.join()
    sink.stdin.close()
    received = int(sink.stdout.readline())
    sink.wait()
    ours_rate, plain_rate = sent / ours, sent / plain
    print(f"digests: {sent:,}  average size: {size // sent:,} bytes  sink received: {received:,}")
    print(f"zichtbaar (render + send): {ours_rate:8.0f} messages/s  {ours:6.1f} s")
    print(f"plain smtplib loop:        {plain_rate:8.0f} messages/s  {plain:6.1f} s")
    print(
        f"ratio: {ours_rate / plain_rate:.2f} (goal >= 0.70); "
        f"100,000 at this rate: {100_000 / ours_rate:.0f} s (goal <= 120 s)"
    )
    assert received == 2 * sent, "the sink did not receive every message"


if __name__ == "__main__":
    main()
