"""What posts made through Zichtbaar reached, read from LinkedIn where the app may: stored as
LinkedIn's figures, once a day, never for someone who did not grant it, and for the
organisation only above the anonymity threshold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.fakes.linkedin_server import SCOPES, connect
from zichtbaar.sharing import selectors, services
from zichtbaar.sharing.linkedin import analytics, client, worker
from zichtbaar.sharing.models import LinkedInPost

WITH_ANALYTICS = (*SCOPES, "r_member_postAnalytics")
FIGURES = {"IMPRESSION": 640, "MEMBERS_REACHED": 410, "REACTION": 31, "COMMENT": 4, "RESHARE": 2}


@pytest.fixture
def fake(fake, settings):
    settings.ZICHTBAAR_LINKEDIN_ANALYTICS = True
    return fake


def _posted(fake, user, moment, text, sub="member-1", scopes=WITH_ANALYTICS):
    connect(user, fake, sub, scopes=scopes)
    post = services.schedule_post(user.memberships.get(), moment, text)
    worker.post_due()
    post.refresh_from_db()
    return post


def test_the_permission_is_asked_for_only_when_the_app_has_it(fake, settings):
    assert "r_member_postAnalytics" in client.authorization_url("s")
    settings.ZICHTBAAR_LINKEDIN_ANALYTICS = False
    assert "r_member_postAnalytics" not in client.authorization_url("s")


def test_figures_are_read_once_a_day_and_kept(fake, bob, make_moment):
    post = _posted(fake, bob, make_moment(), "Meetbaar bericht")
    fake.analytics[post.post_urn] = dict(FIGURES)
    now = timezone.now()
    assert analytics.read_analytics(now=now)["read"] == 1
    post.refresh_from_db()
    assert (post.impressions, post.members_reached, post.reactions) == (640, 410, 31)
    assert (post.comments, post.reshares) == (4, 2)
    asked = len(fake.requests_to("/rest/memberCreatorPostAnalytics"))
    assert asked == 5  # one per metric
    assert analytics.read_analytics(now=now + timedelta(hours=2))["read"] == 0
    fake.analytics[post.post_urn]["IMPRESSION"] = 900
    analytics.read_analytics(now=now + timedelta(days=1, minutes=1))
    post.refresh_from_db()
    assert post.impressions == 900
    assert selectors.linkedin_reach_of(bob.memberships.get()).impressions == 900


def test_without_the_operators_permission_nothing_is_asked(fake, settings, bob, make_moment):
    settings.ZICHTBAAR_LINKEDIN_ANALYTICS = False
    _posted(fake, bob, make_moment(), "Geen cijfers")
    assert analytics.read_analytics() == {"read": 0, "skipped": 0, "failed": 0}
    assert fake.requests_to("/rest/memberCreatorPostAnalytics") == []


def test_a_person_who_did_not_grant_it_is_skipped(fake, bob, make_moment):
    post = _posted(fake, bob, make_moment(), "Niet toegestaan", scopes=SCOPES)
    assert analytics.read_analytics()["skipped"] == 1
    assert fake.requests_to("/rest/memberCreatorPostAnalytics") == []
    post.refresh_from_db()
    assert post.impressions is None  # "not available", never an estimate


def test_the_organisation_sees_figures_only_above_the_threshold(fake, acme, make_moment):
    from tests.conftest import _person

    people = [
        _person(acme, f"p{i}@acme.test", f"Persoon {i}", team="Engineering") for i in range(5)
    ]
    for i, person in enumerate(people):
        post = _posted(fake, person, make_moment(title=f"M{i}"), f"Bericht {i}", sub=f"m-{i}")
        fake.analytics[post.post_urn] = {"IMPRESSION": 100}
        if i == 3:
            analytics.read_analytics()
            assert selectors.linkedin_reach_for_org(acme.pk) is None  # four people: hidden
    analytics.read_analytics()
    reach = selectors.linkedin_reach_for_org(acme.pk)
    assert reach is not None
    assert (reach.people, reach.posts, reach.impressions) == (5, 5, 500)
    assert LinkedInPost.objects.filter(impressions=100).count() == 5


def test_runperiodic_starts_the_daily_reading(
    fake, bob, make_moment, django_capture_on_commit_callbacks
):
    post = _posted(fake, bob, make_moment(), "Periodiek gemeten")
    fake.analytics[post.post_urn] = dict(FIGURES)
    with django_capture_on_commit_callbacks(execute=True):
        worker.start_due()
    post.refresh_from_db()
    assert post.impressions == 640
