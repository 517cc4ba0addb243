"""Helpers for impact tests: teams of people, shares and clicks, built in bulk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zichtbaar.orgs.models import Membership, Profile, Team, User
from zichtbaar.sharing import services as sharing
from zichtbaar.sharing.models import Click, Share, TrackedLink


@pytest.fixture
def crowd(db):
    """crowd(org, team_name, n, connections=500) -> list of users in that team (bulk)."""
    counter = {"n": 0}

    def make(org, team_name, n, *, connections=500, followers=0, barrier="relevance"):
        team = Team.objects.get_or_create(org=org, name=team_name)[0] if team_name else None
        start = counter["n"]
        counter["n"] += n
        users = User.objects.bulk_create(
            [
                User(email=f"p{start + i}-{org.slug}@crowd.test", name=f"Person {start + i}")
                for i in range(n)
            ]
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user=u,
                    connections=connections,
                    followers=followers,
                    barrier=barrier,
                    consent_tracking=True,
                    onboarded_at=timezone.now(),
                )
                for u in users
            ]
        )
        Membership.objects.bulk_create([Membership(user=u, org=org, team=team) for u in users])
        return users

    return make


@pytest.fixture
def shared(db):
    """shared(user, moment, clicks=0, days_ago=0, bots=0) -> Share with a tracked link."""

    def make(user, moment, *, clicks=0, days_ago=0, bots=0):
        link = sharing.get_or_create_link(moment, user) or TrackedLink.objects.create(
            org=moment.org, moment=moment, user=user, destination="https://acme.test/"
        )
        at = timezone.now() - dt.timedelta(days=days_ago)
        share = Share.objects.create(
            org=moment.org, moment=moment, user=user, link=link, text="Proud", shared_at=at
        )
        Click.objects.bulk_create(
            [Click(link=link, at=at, visitor=f"v{i}", is_bot=False) for i in range(clicks)]
            + [Click(link=link, at=at, visitor=f"b{i}", is_bot=True) for i in range(bots)]
        )
        return share

    return make
