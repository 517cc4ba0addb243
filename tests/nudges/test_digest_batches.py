"""Digests for a whole organisation are read in batches; each person still gets their own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import _person
from zichtbaar.moments.models import MomentStatus
from zichtbaar.moments.selectors import moments_for
from zichtbaar.nudges import digests, preferences, selectors
from zichtbaar.nudges.models import Kind, Message
from zichtbaar.orgs.models import Membership, Team
from zichtbaar.sharing import services as sharing_services
from zichtbaar.sharing.models import TrackedLink


def _people(org, n, start=0):
    return [
        _person(org, f"p{i}@acme.test", f"Person {i}", team="Sales" if i % 2 else "Engineering")
        for i in range(start, start + n)
    ]


def _memberships(org):
    return list(
        Membership.objects.filter(org=org, is_active=True)
        .select_related("user__profile", "org", "team")
        .order_by("pk")
    )


def test_each_person_gets_the_moments_they_would_see_in_the_app(acme, bob, carol, make_moment):
    sales = Team.objects.get(org=acme, name="Sales")
    make_moment(title="For everyone, older", happened_on=dt.date(2026, 1, 5))
    make_moment(title="For everyone, newer", happened_on=dt.date(2026, 1, 9))
    make_moment(title="For Sales", happened_on=dt.date(2026, 1, 1), teams=[sales])
    make_moment(title="A draft", status=MomentStatus.DRAFT)
    make_moment(title="Expired", shareable_until=timezone.now() - dt.timedelta(hours=1))
    make_moment(title="Under embargo", shareable_from=timezone.now() + dt.timedelta(days=1))
    shared = make_moment(title="Shared by bob", happened_on=dt.date(2026, 1, 7))
    sharing_services.record_share(moment=shared, user=bob, text="Done")

    people = _memberships(acme)
    digests = selectors.digests_for(people, limit=10)
    for membership in people:
        expected = [
            m.title
            for m in moments_for(membership).filter(i_shared=False)
            if not m.is_embargoed  # the app lists it with its date; a digest waits
        ]
        assert [i.moment.title for i in digests[membership.pk].items] == expected
    by_user = {d.membership.user: [i.moment.title for i in d.items] for d in digests.values()}
    assert by_user[carol][0] == "For Sales"  # her team's moment first
    assert "For Sales" not in by_user[bob] and "Shared by bob" not in by_user[bob]
    assert "Shared by bob" in by_user[carol]
    assert all("Under embargo" not in titles for titles in by_user.values())


def test_a_persons_digest_ends_each_draft_with_their_own_link(acme, bob, carol, make_moment):
    moment = make_moment()
    digests = selectors.digests_for(_memberships(acme))
    for user in (bob, carol):
        [item] = next(d for d in digests.values() if d.membership.user == user).items
        code = TrackedLink.objects.get(moment=moment, user=user).code
        assert item.draft.endswith(f"/l/{code}")
    # Made once: the next digest reuses the same links.
    selectors.digests_for(_memberships(acme))
    assert TrackedLink.objects.filter(moment=moment).count() == len(_memberships(acme))


def test_queries_do_not_grow_with_the_number_of_people(acme, make_moment, now):
    make_moment()
    make_moment(title="Second")
    _people(acme, 3)
    with CaptureQueriesContext(connection) as small:
        assert digests.queue_digests(acme, force=True, now=now) == 4  # alice and three
    _people(acme, 12, start=3)
    later = now + dt.timedelta(days=8)  # the next week: everyone is due again
    with CaptureQueriesContext(connection) as large:
        assert digests.queue_digests(acme, force=True, now=later) == 16
    assert len(large) <= len(small) + 2, [q["sql"][:80] for q in large]


@pytest.mark.parametrize("force", [True, False])
def test_chunks_queue_everyone_once(monkeypatch, acme, make_moment, now, force):
    monkeypatch.setattr(digests, "DIGEST_CHUNK", 2)
    make_moment()
    _people(acme, 5)
    seen = []
    queued = digests.queue_digests(
        acme, force=force, now=now, progress=lambda done, total: seen.append((done, total))
    )
    assert queued == 6
    assert seen == [(2, 6), (4, 6), (6, 6)]
    assert digests.queue_digests(acme, force=force, now=now) == 0  # once per period
    keys = list(Message.objects.filter(kind=Kind.DIGEST).values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 6


def test_delivery_jobs_go_before_rendering_where_the_backend_has_priorities(
    db, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from zichtbaar.orgs import jobs

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue("nudges.queue_digest_chunk", 1, [1, 2], False, "2026-01-07T10:00:00+01:00")
        jobs.enqueue("nudges.deliver_outbox", 1)
    order = DBTaskResult.objects.order_by("-priority", "enqueued_at")
    assert [r.task_path.rsplit(".", 1)[1] for r in order] == [
        "deliver_outbox",
        "queue_digest_chunk",
    ]


def test_a_chunk_job_that_runs_late_keeps_the_period_but_judges_quiet_hours_when_it_runs(
    acme, bob, make_moment, now
):
    make_moment()
    membership = Membership.objects.get(user=bob)
    evening = now.replace(hour=22)  # inside the default quiet hours
    queued = digests.queue_digests_of(
        acme, [membership.pk], force=True, now=evening, period=now - dt.timedelta(days=7)
    )
    assert queued == 1
    row = Message.objects.get(membership=membership, kind=Kind.DIGEST)
    pref = preferences.preference_for(membership)
    assert row.key == digests.digest_key(pref, now - dt.timedelta(days=7))  # the run's week
    assert row.next_try_at == preferences.next_allowed(pref, evening) > evening  # not at night
