"""Never lost, never twice: the outbox with the database backend and with RQ on Redis.

Each test runs twice (see the `backend` fixture): with `zichtbaar db_worker --batch` and
with an RQ SimpleWorker in burst mode on a queue of its own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.management import call_command
from django.db.models import F
from django.utils import timezone, translation

from tests import smtp
from zichtbaar.nudges import delivery, digests
from zichtbaar.nudges.models import Kind, Message, Status

from .conftest import always_open, digests_to

PEOPLE = ["alice@acme.test", "bob@acme.test", "carol@acme.test"]


def _digests(inbox) -> Counter:
    return Counter(m["To"] for m in inbox.messages if m["X-Zichtbaar-Nudge"] == "digest")


def _time_passes(**delta) -> None:
    """Move every waiting row's next try (and claims) into the past, as if time passed."""
    Message.objects.update(next_try_at=F("next_try_at") - dt.timedelta(**delta))
    Message.objects.filter(claimed_at__isnull=False).update(
        claimed_at=F("claimed_at") - dt.timedelta(**delta)
    )


def test_smtp_down_messages_wait_then_arrive_exactly_once(
    backend, settings, smtp_inbox, acme, alice, bob, carol, make_moment
):
    run_worker = backend
    always_open(alice, bob, carol)
    make_moment()
    up_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = smtp.free_port()  # nobody listens there: connection refused

    call_command("send_digests", "--org", "acme", "--force", stdout=None)
    assert Message.objects.filter(kind=Kind.DIGEST, status=Status.QUEUED).count() == 3
    run_worker()
    rows = Message.objects.filter(kind=Kind.DIGEST)
    assert {r.status for r in rows} == {Status.QUEUED}
    assert all("not reachable" in r.last_error for r in rows)
    assert all(r.next_try_at > timezone.now() for r in rows)  # backing off
    assert smtp_inbox.messages == []

    # Running again before the back-off ends sends nothing and loses nothing.
    call_command("runperiodic", stdout=None)
    run_worker()
    assert Message.objects.filter(kind=Kind.DIGEST, status=Status.QUEUED).count() == 3

    settings.EMAIL_PORT = up_port  # the server is back
    _time_passes(hours=1)
    call_command("runperiodic", stdout=None)
    run_worker()
    call_command("send_digests", "--org", "acme", "--force", stdout=None)  # again: no effect
    call_command("runperiodic", stdout=None)
    run_worker()

    assert sorted(_digests(smtp_inbox).items()) == [(p, 1) for p in PEOPLE]
    assert set(Message.objects.filter(kind=Kind.DIGEST).values_list("status", flat=True)) == {
        Status.SENT
    }


def test_worker_killed_mid_batch_loses_and_duplicates_nothing(
    backend, smtp_inbox, acme, alice, bob, carol, make_moment
):
    run_worker = backend
    always_open(alice, bob, carol)
    make_moment()
    call_command("send_digests", "--org", "acme", "--force", stdout=None)

    # A worker claims two rows and dies before sending them (no exception, no cleanup).
    crashed = delivery.claim(acme.pk, limit=2)
    assert len(crashed) == 2
    run_worker()  # another worker: sends the third, leaves the claimed two alone
    assert Message.objects.filter(status=Status.SENT).count() == 1
    assert Message.objects.filter(status=Status.SENDING).count() == 2
    assert len(smtp_inbox.messages) == 1

    # Within the lease nothing is reclaimed; after it, runperiodic puts them back.
    call_command("runperiodic", stdout=None)
    run_worker()
    assert Message.objects.filter(status=Status.SENDING).count() == 2
    _time_passes(minutes=delivery.LEASE.total_seconds() / 60 + 1)
    call_command("runperiodic", stdout=None)
    run_worker()

    assert sorted(_digests(smtp_inbox).items()) == [(p, 1) for p in PEOPLE]
    assert Message.objects.filter(kind=Kind.DIGEST, status=Status.SENT).count() == 3
    reclaimed = Message.objects.filter(pk__in=[m.pk for m in crashed])
    assert all(m.attempts == 2 for m in reclaimed)  # the lost attempt is counted

    # An already-sent key is never sent again: not by queueing, not by a worker.
    call_command("send_digests", "--org", "acme", "--force", stdout=None)
    assert delivery.claim(acme.pk) == []
    run_worker()
    assert len(digests_to(smtp_inbox, "bob@acme.test")) == 1


def test_two_workers_never_claim_the_same_row(backend, acme, alice, bob, carol, make_moment):
    always_open(alice, bob, carol)
    make_moment()
    digests.queue_digests(acme, force=True)
    first = delivery.claim(acme.pk, limit=2)
    second = delivery.claim(acme.pk, limit=2)
    third = delivery.claim(acme.pk, limit=2)
    assert len(first) == 2 and len(second) == 1 and third == []
    assert not {m.pk for m in first} & {m.pk for m in second}


def test_jobs_keep_the_organisation_scope(
    backend, smtp_inbox, acme, alice, bob, other_org, mallory, make_moment
):
    """A delivery job for one organisation sends only that organisation's messages."""
    always_open(alice, bob, mallory)
    make_moment()
    make_moment(org=other_org, title="Theirs")
    digests.queue_digests(acme, force=True)
    digests.queue_digests(other_org, force=True)
    assert delivery.deliver(acme.pk).sent == 2
    assert Message.objects.get(org=other_org).status == Status.QUEUED
    backend()  # the queued jobs: one per organisation
    assert Message.objects.get(org=other_org).status == Status.SENT
    assert len(smtp_inbox.messages) == 3


def test_in_the_background_chunks_render_in_parallel_jobs_and_each_digest_arrives_once(
    backend, monkeypatch, smtp_inbox, acme, alice, bob, carol, make_moment
):
    run_worker = backend
    monkeypatch.setattr(digests, "DIGEST_CHUNK", 1)  # a job per person
    always_open(alice, bob, carol)
    make_moment()
    call_command("send_digests", "--org", "acme", "--force", "--background", stdout=None)
    assert not Message.objects.exists()  # nothing rendered in the command itself
    run_worker()  # the split job, three chunk jobs, their deliveries
    call_command("send_digests", "--org", "acme", "--force", "--background", stdout=None)
    run_worker()  # again: the same period, nothing new
    assert sorted(_digests(smtp_inbox).items()) == [(p, 1) for p in PEOPLE]
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_row_whose_workers_keep_dying_fails_for_good(db, acme, alice, bob, make_moment):
    always_open(alice, bob)
    make_moment()
    assert digests.queue_digests(acme, force=True) == 2
    for _round in range(delivery.MAX_ATTEMPTS):
        assert len(delivery.claim(acme.pk)) == 2  # a worker claims them, then dies sending
        _time_passes(hours=1)
        with translation.override("en"):
            delivery.reclaim_stale()
    rows = Message.objects.filter(kind=Kind.DIGEST)
    assert {r.status for r in rows} == {Status.FAILED}
    assert all("Gave up after" in r.last_error for r in rows)
    assert delivery.claim(acme.pk) == []
