"""Pages run a bounded number of queries that does not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zichtbaar.moments.models import Moment, MomentStatus, MomentType
from zichtbaar.orgs.models import Membership, Profile, Team, User
from zichtbaar.sharing.models import Share

PAGES = [
    "/",
    "/moments/{moment}/",
    "/comms/moments/",
    "/comms/moments/{moment}/",
    "/comms/people/",
    "/me/",
    "/moments/mine/",
]


def _grow(org, scale: int) -> Moment:
    """Demo-sized data times `scale`: 120 people, 30 moments, 800 shares per unit."""
    teams = [Team.objects.get_or_create(org=org, name=f"Team {i}")[0] for i in range(8)]
    start = User.objects.count()
    users = User.objects.bulk_create(
        [
            User(email=f"p{start + i}@acme.test", name=f"Person {start + i}")
            for i in range(120 * scale)
        ]
    )
    Profile.objects.bulk_create(
        [Profile(user=u, connections=400, onboarded_at=timezone.now()) for u in users]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, org=org, team=teams[i % 8]) for i, u in enumerate(users)]
    )
    types = list(MomentType.objects.filter(org=None))
    moments = Moment.objects.bulk_create(
        [
            Moment(
                org=org,
                type=types[i % len(types)],
                title=f"Moment {i}",
                what_happened="Something good.",
                link="https://acme.test/x",
                status=MomentStatus.PUBLISHED,
                happened_on=dt.date(2026, 11, 1) - dt.timedelta(days=i % 90),
            )
            for i in range(30 * scale)
        ]
    )
    now = timezone.now()
    Share.objects.bulk_create(
        [
            Share(
                org=org,
                moment=moments[i % len(moments)],
                user=users[i % len(users)],
                text="Shared",
                shared_at=now,
            )
            for i in range(800 * scale)
        ]
    )
    return moments[0]


def _counts(client, moment) -> dict[str, int]:
    result = {}
    for page in PAGES:
        url = page.format(moment=moment.pk)
        client.get(url)  # a first visit may create things once (a tracked link, settings)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        result[page] = len(ctx.captured_queries)
    return result


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(login, acme, alice):
    client = login(alice)
    moment = _grow(acme, 1)
    small = _counts(client, moment)
    _grow(acme, 9)  # now ten times the demo size
    large = _counts(client, moment)
    assert large == small
    assert max(small.values()) <= 25, small
