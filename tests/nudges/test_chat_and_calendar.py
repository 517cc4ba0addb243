"""Slack and Teams against a local HTTP server; the calendar feed parsed with icalendar."""

from __future__ import annotations

import datetime as dt
import json
from email.utils import format_datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from zichtbaar.nudges import chat, delivery, preferences
from zichtbaar.nudges.channels import webhooks
from zichtbaar.nudges.models import Kind, Message, Status, Webhook
from zichtbaar.orgs.models import Membership


@pytest.fixture
def published(make_moment):
    return make_moment(
        title="Brug geopend",
        what_happened="De nieuwe brug is open.",
        translations={"en": {"title": "Bridge opened", "what_happened": "The new bridge is open."}},
        published_at=timezone.now(),
    )


def _announce(acme, capture):
    with capture(execute=True):
        return chat.queue_announcements(acme)


def test_slack_and_teams_payloads(hook, acme, published, django_capture_on_commit_callbacks):
    Webhook.objects.create(org=acme, kind="slack", url=hook.url, language="en")
    Webhook.objects.create(org=acme, kind="teams", url=hook.url + "?teams", language="nl")
    assert _announce(acme, django_capture_on_commit_callbacks) == 2
    assert _announce(acme, django_capture_on_commit_callbacks) == 0  # once per moment
    by_path = {r["path"]: r for r in hook.requests}
    assert len(hook.requests) == 2
    slack = by_path["/hook"]
    assert slack["headers"]["Content-Type"] == "application/json"
    assert slack["json"]["text"].startswith("New moment: Bridge opened")
    section, actions = slack["json"]["blocks"]
    assert section["type"] == "section" and "*New moment: Bridge opened*" in section["text"]["text"]
    assert actions["elements"][0]["url"].endswith(f"/moments/{published.pk}/")
    teams = by_path["/hook?teams"]["json"]
    assert teams["type"] == "message"
    [attachment] = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    # The Dutch channel gets the Dutch texts: each channel one language, never a mix.
    assert "Nieuw moment: Brug geopend" in card["body"][0]["text"]
    assert "Bridge opened" not in json.dumps(teams)
    assert card["actions"][0]["type"] == "Action.OpenUrl"
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}


def test_embargoed_and_draft_moments_are_not_announced(hook, acme, make_moment):
    Webhook.objects.create(org=acme, kind="slack", url=hook.url)
    make_moment(published_at=timezone.now(), shareable_from=timezone.now() + dt.timedelta(days=1))
    make_moment(status="draft")
    assert chat.queue_announcements(acme) == 0


def test_429_retry_after_is_honoured(hook, acme, published, django_capture_on_commit_callbacks):
    Webhook.objects.create(org=acme, kind="slack", url=hook.url)
    hook.responses = [(429, {"Retry-After": "120"})]
    before = timezone.now()
    _announce(acme, django_capture_on_commit_callbacks)
    row = Message.objects.get(kind=Kind.ANNOUNCE)
    assert row.status == Status.QUEUED and row.attempts == 1
    assert "429" in row.last_error
    wait = (row.next_try_at - before).total_seconds()
    assert 119 <= wait <= 125
    assert delivery.deliver(acme.pk).sent == 0  # not before the time the server asked for
    Message.objects.update(next_try_at=timezone.now())
    assert delivery.deliver(acme.pk).sent == 1
    assert len(hook.requests) == 2
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2


def test_server_errors_retry_and_client_errors_stop(hook, acme, published):
    Webhook.objects.create(org=acme, kind="teams", url=hook.url)
    chat.queue_announcements(acme)
    hook.responses = [(503, {}), (404, {})]
    delivery.deliver(acme.pk)
    row = Message.objects.get()
    assert row.status == Status.QUEUED and "503" in row.last_error
    assert row.next_try_at > timezone.now()
    Message.objects.update(next_try_at=timezone.now())
    delivery.deliver(acme.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED and "404" in row.last_error


def test_retry_after_as_http_date():
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90)
    assert 80 <= webhooks.retry_after_seconds(format_datetime(later, usegmt=True)) <= 91
    assert webhooks.retry_after_seconds("7") == 7
    assert webhooks.retry_after_seconds("soon") is None


def test_calendar_feed_follows_rfc_5545(client, acme, bob, other_org, make_moment):
    from zichtbaar.orgs.models import Team

    mine = make_moment(title="Bridge opened", shareable_until=timezone.now() + dt.timedelta(days=3))
    make_moment(title="Only for Marketing", teams=[Team.objects.get(org=acme, name="Marketing")])
    make_moment(org=other_org, title="Theirs")
    make_moment(title="Not yet published", status="draft")
    pref = preferences.preference_for(Membership.objects.get(user=bob))

    response = client.get(
        f"/nudges/calendar/{pref.feed_token}.ics"
    )  # no sign-in: the token is the key
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded lines (3.1)
    cal = Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0" and "Zichtbaar" in str(cal["PRODID"])
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Bridge opened"]
    [event] = events
    assert str(event["UID"]) == f"moment-{mine.pk}@127.0.0.1"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event.decoded("DTSTART") == mine.happened_on
    assert event.decoded("DTEND") == mine.happened_on + dt.timedelta(days=1)
    assert f"/moments/{mine.pk}/" in str(event["URL"])

    # Revocable: a new address, and the old one stops working.
    old = pref.feed_token
    preferences.reset_feed(pref)
    assert client.get(f"/nudges/calendar/{old}.ics").status_code == 404
    assert client.get(f"/nudges/calendar/{pref.feed_token}.ics").status_code == 200
