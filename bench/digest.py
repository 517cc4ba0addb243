"""Render personalised digests and hand them to a local SMTP sink; compare with plain smtplib.

    DEBUG=true .venv/bin/python bench/digest.py [--count 100000] [--batch 1000]

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
import os
import queue
import smtplib
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zichtbaar.settings")
os.environ.setdefault("DEBUG", "true")

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
        "--serial", action="store_true", help="render and send in one thread, one after the other"
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

    from zichtbaar.compose.suggestions import DraftContext, suggest
    from zichtbaar.moments.models import Moment, MomentType
    from zichtbaar.nudges import services
    from zichtbaar.nudges.channels.email import Mailer
    from zichtbaar.nudges.models import Preference
    from zichtbaar.nudges.selectors import Digest, DigestItem
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

    def digest_of(membership: Membership) -> Digest:
        user = membership.user
        items = []
        for m in moments:
            link = f"{settings.SITE_URL}/l/{user.pk:06d}{m.pk}"
            ctx = DraftContext(
                moment_id=m.pk,
                moment_type=mtype.key,
                title=m.title,
                what_happened=m.what_happened,
                facts_who="",
                facts_what="",
                facts_where="",
                client_name="",
                client_may_be_named=False,
                link=link,
                person_id=user.pk,
                person_first_name=user.first_name_or_email,
                job_title=user.profile.job_title,
                expertise=(),
                team_name=membership.team.name if membership.team else "",
                language=user.profile.language,
                formal=False,
                org_name=org.name,
                angles=(),
            )
            items.append(
                DigestItem(
                    moment=m,
                    draft=suggest(ctx, count=1)[0].text,
                    url=f"{settings.SITE_URL}/moments/{m.pk}/",
                )
            )
        return Digest(
            membership=membership,
            items=items,
            shares=user.pk % 4,
            clicks=user.pk % 17,
            connections=user.profile.connections,
        )

    def render(membership: Membership, pref: Preference) -> dict:
        context = services.email_context(membership, pref, digest=digest_of(membership))
        subject, text, html = services.render_email("digest", context, pref.lang)
        return {
            "to": membership.user.email,
            "subject": subject,
            "text": text,
            "html": html,
            "headers": services.email_headers(membership.pk, "digest"),
        }

    def send_all(todo: queue.Queue, out: list) -> None:
        """The send stage: one SMTP connection for the batch (as `services.deliver`)."""
        with Mailer() as mailer:
            while (message := todo.get()) is not None:
                out.append(mailer.send(**message))

    sys.setswitchinterval(0.0002)  # hand the GIL to the send stage as soon as a reply is in
    # Warm up: imports, URL resolver, translation catalogues, compiled templates.
    for lang in ("nl", "en"):
        m, p = person(1 if lang == "nl" else 3)
        render(m, p)

    ours = plain = 0.0
    sent = 0
    size = 0
    for start in range(1, args.count + 1, args.batch):
        people = [person(i) for i in range(start, min(start + args.batch, args.count + 1))]
        t0 = time.perf_counter()
        # Render stage and send stage overlap, as the queueing and delivery jobs do.
        out: list = []
        if args.serial:
            with Mailer() as mailer:
                out = [mailer.send(**render(m, p)) for m, p in people]
        else:
            todo: queue.Queue = queue.Queue(maxsize=256)
            sender = threading.Thread(target=send_all, args=(todo, out))
            sender.start()
            for membership, pref in people:
                todo.put(render(membership, pref))
            todo.put(None)
            sender.join()
        ours += time.perf_counter() - t0
        # The very same messages, as bytes, for the plain loop (not timed).
        raw = [(m.from_email, m.to, m.message().as_bytes(linesep="\r\n")) for m in out]
        size += sum(len(r[2]) for r in raw)
        t0 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for from_, to, data in raw:
                smtp.sendmail(from_, to, data)
        plain += time.perf_counter() - t0
        sent += len(out)

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
