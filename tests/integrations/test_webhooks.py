"""Outgoing webhooks: signed, delivered once per event and endpoint through the outbox,
retried while the receiver is down, and only to public addresses."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from zichtbaar.integrations import webhooks
from zichtbaar.integrations.models import Delivery, DeliveryStatus, Endpoint, Event

ALL_EVENTS = ["moment.published", "moment.submitted", "share.recorded", "survey.closed"]


def add_endpoint(client, url, events=ALL_EVENTS, description="Intranet"):
    return client.post(
        reverse("integrations:endpoint_add"),
        {"url": url, "description": description, "events": events},
    )


def secret_in(response) -> str:
    found = re.search(r'value="(whsec_[^"]+)"', response.content.decode())
    assert found, "the secret is shown once on the page"
    return found.group(1)


def test_a_published_moment_arrives_signed_at_a_real_receiver(
    login, alice, acme, make_moment, server, django_capture_on_commit_callbacks
):
    server.routes["/hook"] = (200, {}, b"thanks")
    page = add_endpoint(login(alice), server.url("/hook"), ["moment.published"])
    assert page.status_code == 200
    secret = secret_in(page)
    endpoint = Endpoint.objects.get(org=acme)
    assert secret == endpoint.secret
    # Shown once: the endpoint's own page never shows it again.
    detail = login(alice).get(reverse("integrations:endpoint", args=[endpoint.pk]))
    assert secret not in detail.content.decode()

    from zichtbaar.moments import services
    from zichtbaar.moments.models import MomentStatus

    moment = make_moment(status=MomentStatus.DRAFT, title="Library website live")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(moment)

    assert len(server.requests) == 1
    seen = server.requests[0]
    assert webhooks.verify(
        secret, seen["headers"]["zichtbaar-signature"], seen["body"], time.time()
    )
    # A tampered body or an old timestamp is rejected by the documented check.
    assert not webhooks.verify(secret, seen["headers"]["zichtbaar-signature"], b"{}", time.time())
    assert not webhooks.verify(
        secret, seen["headers"]["zichtbaar-signature"], seen["body"], time.time() + 3600
    )
    payload = json.loads(seen["body"])
    assert payload["type"] == "moment.published"
    assert payload["org"]["slug"] == "acme"
    assert payload["data"]["moment"]["title"] == "Library website live"
    assert payload["id"] == seen["headers"]["zichtbaar-event-id"]
    assert "alice" not in seen["body"].decode().lower()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)
    log = login(alice).get(reverse("integrations:endpoint", args=[endpoint.pk])).content.decode()
    assert "moment.published" in log and "Delivered" in log


def test_a_share_event_carries_no_person(
    login, alice, bob, acme, make_moment, server, django_capture_on_commit_callbacks
):
    from zichtbaar.sharing.services import record_share

    server.routes["/hook"] = (204, {}, b"")
    add_endpoint(login(alice), server.url("/hook"), ["share.recorded"])
    with django_capture_on_commit_callbacks(execute=True):
        record_share(moment=make_moment(), user=bob, text="Trots op ons team!")
    body = server.requests[0]["body"].decode()
    assert json.loads(body)["type"] == "share.recorded"
    for personal in ("bob", "Vries", "Trots", str(bob.pk) + ","):
        assert personal not in body


def test_submitted_and_survey_closed_events(
    login, alice, bob, acme, server, django_capture_on_commit_callbacks
):
    from zichtbaar.moments import services
    from zichtbaar.moments.models import MomentType
    from zichtbaar.surveys import services as survey_services
    from zichtbaar.surveys.models import Survey

    server.routes["/hook"] = (200, {}, b"")
    add_endpoint(login(alice), server.url("/hook"))
    survey = Survey.objects.create(org=acme, title_en="Pulse", title_nl="Peiling", status="open")
    with django_capture_on_commit_callbacks(execute=True):
        services.create_moment(
            org=acme,
            author=bob,
            submit=True,
            data={
                "type": MomentType.objects.get(org=None, key="event"),
                "title": "Meetup",
                "what_happened": "We hosted a meetup.",
            },
        )
        survey_services.set_status(survey, Survey.Status.CLOSED)
    types = [json.loads(r["body"])["type"] for r in server.requests]
    assert sorted(types) == ["moment.submitted", "survey.closed"]
    assert "Bob" not in server.requests[0]["body"].decode()


def test_a_survey_closed_by_its_date_is_announced_once(
    login, alice, acme, server, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from zichtbaar.nudges.periodic import run_periodic
    from zichtbaar.surveys.models import Survey

    server.routes["/hook"] = (200, {}, b"")
    add_endpoint(login(alice), server.url("/hook"), ["survey.closed"])
    now = timezone.now()
    due = Survey.objects.create(
        org=acme,
        title_en="Pulse",
        title_nl="Peiling",
        status="open",
        closes_at=now - dt.timedelta(minutes=1),
    )
    later = Survey.objects.create(
        org=acme,
        title_en="Later",
        title_nl="Later",
        status="open",
        closes_at=now + dt.timedelta(days=1),
    )
    for _ in range(2):  # cron, every few minutes: the second run finds nothing to close
        with django_capture_on_commit_callbacks(execute=True):
            run_periodic(now)
        with django_capture_on_commit_callbacks(execute=True):
            run_periodic(now)  # delivers what the first run queued
    bodies = [json.loads(r["body"]) for r in server.requests]
    assert [(b["type"], b["data"]["survey"]["id"]) for b in bodies] == [("survey.closed", due.pk)]
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("closed", "open")


def test_an_endpoint_down_for_an_hour_gets_every_event_once_when_it_returns(alice, acme, server):
    state = {"down": True}
    received: Counter[str] = Counter()

    def answer(seen):
        if state["down"]:
            return (503, {}, b"maintenance")
        received[seen["headers"]["zichtbaar-event-id"]] += 1
        return (200, {}, b"ok")

    server.routes["/hook"] = answer
    endpoint = webhooks.create_endpoint(
        acme, url=server.url("/hook"), description="", events=ALL_EVENTS
    )
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    events = []
    now = t0
    tries_while_down = 0
    while now < t0 + dt.timedelta(hours=1):
        if now.minute % 20 == 0:  # events keep happening while it is down
            event = webhooks.emit(acme.pk, "moment.published", {"moment": {"id": now.minute}}, now)
            events.append(str(event.id))
        tries_while_down += sum(webhooks.deliver(acme.pk, now).values())
        now += dt.timedelta(minutes=1)
    assert len(events) == 3
    assert tries_while_down > 3  # it kept trying, with backoff
    assert not received
    waiting = Delivery.objects.filter(endpoint=endpoint)
    assert all(d.status == DeliveryStatus.QUEUED for d in waiting)
    assert all(d.response_code == 503 and "503" in d.last_error for d in waiting)

    state["down"] = False
    while now < t0 + dt.timedelta(hours=4):  # later runs of the worker, at later times
        webhooks.deliver(acme.pk, now)
        webhooks.deliver(None, now)  # a second worker at the same time changes nothing
        now += dt.timedelta(minutes=5)
    assert received == dict.fromkeys(events, 1)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_retries_last_more_than_a_day_then_fail_with_the_reason(acme, server):
    server.routes["/hook"] = (500, {}, b"boom")
    webhooks.create_endpoint(acme, url=server.url("/hook"), description="", events=ALL_EVENTS)
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    webhooks.emit(acme.pk, "survey.closed", {"survey": {"id": 1}}, t0)
    now = t0
    while now < t0 + dt.timedelta(hours=24):
        webhooks.deliver(acme.pk, now)
        now += dt.timedelta(minutes=30)
    assert Delivery.objects.get().status == DeliveryStatus.QUEUED  # still trying after 24 hours
    webhooks.deliver(acme.pk, t0 + dt.timedelta(hours=26))
    failed = Delivery.objects.get()
    assert failed.status == DeliveryStatus.FAILED
    assert failed.last_error.startswith("500")
    assert failed.attempts > 10


def test_a_timeout_is_retried(acme, server, monkeypatch):
    monkeypatch.setattr(webhooks, "TIMEOUT", 0.3)

    def slow(seen):
        time.sleep(1)
        return (200, {}, b"late")

    server.routes["/hook"] = slow
    webhooks.create_endpoint(acme, url=server.url("/hook"), description="", events=ALL_EVENTS)
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    webhooks.emit(acme.pk, "survey.closed", {}, now)
    assert webhooks.deliver(acme.pk, now)["webhooks_retry"] == 1
    row = Delivery.objects.get()
    assert row.status == DeliveryStatus.QUEUED and row.next_try_at > now
    assert "seconds" in row.last_error


def test_410_gone_pauses_the_endpoint(acme, server):
    server.routes["/hook"] = (410, {}, b"gone")
    endpoint = webhooks.create_endpoint(
        acme, url=server.url("/hook"), description="", events=ALL_EVENTS
    )
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    webhooks.emit(acme.pk, "survey.closed", {}, now)
    webhooks.emit(acme.pk, "survey.closed", {}, now)
    webhooks.deliver(acme.pk, now)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "410" in endpoint.paused_reason
    assert len(server.requests) == 1  # the second waits instead of hitting a gone receiver
    assert webhooks.emit(acme.pk, "survey.closed", {}, now) is None  # paused: not subscribed


def test_a_delivery_is_claimed_once_and_stored_once_per_endpoint(acme, server):
    from django.db import IntegrityError, transaction

    webhooks.create_endpoint(acme, url=server.url("/hook"), description="", events=ALL_EVENTS)
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    event = webhooks.emit(acme.pk, "survey.closed", {}, now)
    row = Delivery.objects.get()
    assert webhooks.claim(row.pk, now) is True
    assert webhooks.claim(row.pk, now) is False
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(org=acme, event=event, endpoint=row.endpoint)


def test_nothing_is_stored_when_nobody_listens(acme):
    assert webhooks.emit(acme.pk, "survey.closed", {}) is None
    assert not Event.objects.exists()


def test_dns_rebinding_is_refused_at_send_time(acme, public_dns, server):
    public_dns["hooks.example.org"] = ["93.184.216.34"]
    assert webhooks.transport.url_problem("https://hooks.example.org/in") is None
    endpoint = webhooks.create_endpoint(
        acme, url="https://hooks.example.org/in", description="", events=ALL_EVENTS
    )
    public_dns["hooks.example.org"] = ["10.1.2.3"]  # the name now points inward
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    webhooks.emit(acme.pk, "survey.closed", {}, now)
    webhooks.deliver(acme.pk, now)
    row = Delivery.objects.get(endpoint=endpoint)
    assert row.status == DeliveryStatus.FAILED
    assert "private network" in row.last_error


# --------------------------------------------------------------------------- who may do what


@pytest.mark.parametrize(
    "address",
    [
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:192.168.1.1]/hook",
        "https://internal.example.org/hook",  # resolves to a private address
        "http://hooks.example.org/hook",  # not https
        "https://user:pw@hooks.example.org/hook",
        "https://nowhere.invalid/hook",
    ],
)
def test_internal_or_unsafe_addresses_are_refused_with_a_field_error(
    login, alice, address, public_dns
):
    public_dns["internal.example.org"] = ["192.168.10.4"]
    public_dns["hooks.example.org"] = ["93.184.216.34"]
    public_dns["10.0.0.1"] = ["10.0.0.1"]
    public_dns["169.254.169.254"] = ["169.254.169.254"]
    public_dns["::ffff:192.168.1.1"] = ["::ffff:192.168.1.1"]
    page = add_endpoint(login(alice), address)
    assert page.status_code == 400
    assert 'id="id_url_errors"' in page.content.decode()
    assert not Endpoint.objects.exists()


def test_another_organisations_comms_get_404_and_employees_403(
    login, client, alice, bob, otto, acme, server
):
    endpoint = webhooks.create_endpoint(
        acme, url=server.url("/hook"), description="Acme intranet", events=ALL_EVENTS
    )
    webhooks.emit(acme.pk, "survey.closed", {})
    delivery = Delivery.objects.get()
    gets = [
        reverse("integrations:endpoint", args=[endpoint.pk]),
        reverse("integrations:endpoint_edit", args=[endpoint.pk]),
        reverse("integrations:endpoint_delete", args=[endpoint.pk]),
    ]
    posts = [
        reverse("integrations:endpoint_edit", args=[endpoint.pk]),
        reverse("integrations:endpoint_rotate", args=[endpoint.pk]),
        reverse("integrations:endpoint_active", args=[endpoint.pk]),
        reverse("integrations:endpoint_delete", args=[endpoint.pk]),
        reverse("integrations:delivery_again", args=[endpoint.pk, delivery.pk]),
    ]
    login(otto)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"active": "0"}).status_code == 404, url
    index = client.get(reverse("integrations:index")).content.decode()
    assert "Acme intranet" not in index
    login(bob)
    for url in [*gets, reverse("integrations:index"), reverse("integrations:endpoint_add")]:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url).status_code == 403, url
    endpoint.refresh_from_db()
    assert endpoint.is_active and Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_forms_need_the_csrf_token(alice, server):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = add_endpoint(client, server.url("/hook"))
    assert response.status_code == 403
    assert not Endpoint.objects.exists()


def test_rotating_the_secret_shows_the_new_one_once(login, alice, acme, server):
    endpoint = webhooks.create_endpoint(
        acme, url=server.url("/hook"), description="", events=ALL_EVENTS
    )
    old = endpoint.secret
    page = login(alice).post(reverse("integrations:endpoint_rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert secret_in(page) == endpoint.secret != old
    assert page["Cache-Control"] == "no-store"


def test_the_screens_speak_dutch_to_a_dutch_comms_lead(login, acme):
    """Passes once the PO fragment (/tmp/po/hooks_feeds.po) is merged and compiled."""
    from tests.conftest import _person

    dirk = _person(acme, "dirk@acme.test", "Dirk", role="comms", language="nl")
    client = login(dirk)
    page = client.get(reverse("integrations:index"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Uitgaande webhooks" in page and "Nieuwsfeeds" in page
    form = client.get(reverse("integrations:feed_add"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Regels voor de soort" in form


def test_the_log_keeps_a_month_and_never_drops_what_still_waits(acme, server):
    server.routes["/hook"] = (200, {}, b"")
    webhooks.create_endpoint(acme, url=server.url("/hook"), description="", events=ALL_EVENTS)
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    sent = webhooks.emit(acme.pk, "survey.closed", {}, t0)
    webhooks.deliver(acme.pk, t0)
    waiting = webhooks.emit(acme.pk, "survey.closed", {}, t0)
    Delivery.objects.filter(event=waiting).update(next_try_at=t0 + dt.timedelta(days=90))
    assert webhooks.prune(t0 + dt.timedelta(days=29)) == 0
    webhooks.prune(t0 + dt.timedelta(days=31))
    assert list(Event.objects.values_list("id", flat=True)) == [waiting.id]
    assert sent is not None
