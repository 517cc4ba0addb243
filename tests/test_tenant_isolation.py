"""Every URL that names an object answers 404 when the object belongs to another organisation."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from zichtbaar.moments.models import MomentStatus
from zichtbaar.orgs.models import Invitation


def _patterns(resolver: URLResolver, prefix: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) in ("admin/", "accounts/", "i18n/"):
                continue  # Django's and allauth's own, not tenant data
            if str(p.pattern).startswith(("api/v1/", "scim/v2/")):
                continue  # token APIs: tests/api covers every route with another's token
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


@pytest.fixture
def foreign(other_org, mallory, make_moment):
    """Objects of Other BV: a published moment, a submitted one, an accepted invitation."""
    published = make_moment(org=other_org, title="Theirs")
    submitted = make_moment(
        org=other_org, title="Their idea", status=MomentStatus.SUBMITTED, submitted_by=mallory
    )
    invitation = Invitation.objects.create(
        org=other_org, email="x@other.test", accepted_at="2026-01-01T00:00Z"
    )
    import datetime as dt

    from django.utils import timezone

    from zichtbaar.guideline.models import GuidelineVersion, QuietPeriod
    from zichtbaar.surveys.services import create_survey

    version = GuidelineVersion.objects.create(
        org=other_org, number=1, title_nl="Richtlijn", title_en="Guideline"
    )
    quiet = QuietPeriod.objects.create(
        org=other_org,
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(days=1),
        reason="Results",
    )
    survey = create_survey(other_org, title_en="Theirs", title_nl="Van hen", blocks=[])
    survey.status = "closed"
    survey.save()
    from zichtbaar.nudges.models import Kind, Message, Webhook

    webhook = Webhook.objects.create(
        org=other_org, name="Theirs", kind="slack", url="https://hooks.slack.com/services/T/B/x"
    )
    chat_test = Message.objects.create(
        org=other_org,
        webhook=webhook,
        key="chat_test:theirs",
        channel="slack",
        kind=Kind.CHAT_TEST,
        to=webhook.url,
        next_try_at=timezone.now(),
    )
    from zichtbaar.workshops.services import create_workshop

    workshop = create_workshop(other_org, mallory.pk, title="Theirs", held_on=dt.date.today())
    from zichtbaar.integrations.models import Delivery, Endpoint, Event, Feed
    from zichtbaar.moments.models import MomentType

    endpoint = Endpoint.objects.create(org=other_org, url="https://hooks.other.test/zichtbaar")
    event = Event.objects.create(org=other_org, type="moment.published", body="{}")
    delivery = Delivery.objects.create(org=other_org, event=event, endpoint=endpoint)
    feed = Feed.objects.create(
        org=other_org,
        url="https://other.test/feed.xml",
        name="Their blog",
        default_type=MomentType.objects.filter(org=None).first(),
    )
    return {
        "endpoint": endpoint,
        "delivery": delivery,
        "feed": feed,
        "workshop": workshop,
        "published": published,
        "submitted": submitted,
        "invitation": invitation,
        "version": version,
        "quiet": quiet,
        "survey": survey,
        "membership": mallory.memberships.get(),
        "webhook": webhook,
        "chat_test": chat_test,
    }


def test_every_object_url_is_scoped_to_the_organisation(login, bob, alice, foreign):
    moment_ids = [foreign["published"].pk, foreign["submitted"].pk]
    values = {
        "moment_id": moment_ids,
        "action": ["publish", "approve", "archive", "return"],
        "token": [foreign["invitation"].token, "unknown-token"],
        "code": ["unknown-code"],
        "step": [4],
        "job_id": [0],
        "version_id": [foreign["version"].pk],
        "period_id": [foreign["quiet"].pk],
        "kind": ["unknown"],
        "survey_id": [foreign["survey"].pk],
        "fmt": ["pdf", "unknown"],
        # another organisation's person (the nudges preview)
        "membership_id": [foreign["membership"].pk],
        # another organisation's chat webhook and its test message (the webhooks screen)
        "webhook_id": [foreign["webhook"].pk],
        "message_id": [foreign["chat_test"].pk],
        # another organisation's workshop (trainer pages) and a participant's answers
        "workshop_id": [foreign["workshop"].pk],
        "what": ["poll", "write"],
        # another organisation's webhook endpoint, its delivery and its news feed
        "endpoint_id": [foreign["endpoint"].pk],
        "delivery_id": [foreign["delivery"].pk],
        "feed_id": [foreign["feed"].pk],
        # posting another organisation's moment through LinkedIn's API
        "via": ["now", "schedule"],
        # an organisation's sign-in page (public by design): unknown ones are 404
        "slug": ["org0", "unknown"],
    }
    checked = 0
    for route, pattern in _patterns(get_resolver()):
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if not names:
            continue
        assert set(names) <= set(values), f"{route}: add its parameters to this test"
        combos = [{}]
        for name in names:
            combos = [dict(c, **{name: v}) for c in combos for v in values[name]]
        for kwargs in combos:
            url = "/" + route
            for name, value in kwargs.items():
                url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
            # bob is an employee, alice is comms: both of Acme, neither may see Other BV's data.
            for user in (bob, alice):
                client = login(user)
                for method in ("get", "post"):
                    status = getattr(client, method)(url).status_code
                    # An employee is stopped earlier on comms pages, by the role check.
                    allowed = (
                        (403, 404, 405)
                        if user == bob and route.startswith(("comms/", "workshops/"))
                        else (404, 405)
                    )
                    assert status in allowed, f"{method.upper()} {url} as {user}: {status}"
                    checked += 1
    assert checked >= 40
    from zichtbaar.guideline.models import QuietPeriod

    assert QuietPeriod.objects.filter(pk=foreign["quiet"].pk).exists()
    foreign["submitted"].refresh_from_db()
    assert foreign["submitted"].status == MomentStatus.SUBMITTED
    foreign["workshop"].refresh_from_db()  # not moved on, closed or joined by Acme
    assert foreign["workshop"].step == 0 and foreign["workshop"].closed_at is None
    assert not foreign["workshop"].participants.exists()
    foreign["endpoint"].refresh_from_db()  # not edited, paused, re-keyed or removed by Acme
    assert foreign["endpoint"].url == "https://hooks.other.test/zichtbaar"
    assert foreign["feed"].__class__.objects.filter(pk=foreign["feed"].pk).exists()
    foreign["webhook"].refresh_from_db()  # neither paused nor removed nor tested by Acme
    assert foreign["webhook"].is_active
    assert list(foreign["webhook"].messages.all()) == [foreign["chat_test"]]
