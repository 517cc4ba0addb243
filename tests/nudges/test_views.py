"""Screens: a person's notification preferences; the comms outbox, test digest and preview."""

from __future__ import annotations

from zichtbaar.nudges import preferences
from zichtbaar.nudges.models import Kind, Message, Status
from zichtbaar.orgs.models import Membership
from zichtbaar.sharing.models import TrackedLink

from .conftest import digests_to


def test_preferences_page(login, bob):
    client = login(bob)
    page = client.get("/me/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/nudges/calendar/" in html
    response = client.post(
        "/me/notifications/",
        {
            "email": "on",
            "frequency": "monthly",
            "max_per_week": "1",
            "quiet_start": "21:00",
            "quiet_end": "07:30",
            "quiet_days": ["6"],
            "language": "en",
        },
    )
    assert response.status_code == 302
    pref = preferences.preference_for(Membership.objects.get(user=bob))
    assert (pref.frequency, pref.max_per_week, pref.quiet_days, pref.language) == (
        "monthly",
        1,
        [6],
        "en",
    )
    assert not pref.prompts and str(pref.quiet_start) == "21:00:00"
    bad = client.post("/me/notifications/", {"frequency": "hourly", "max_per_week": "99"})
    assert bad.status_code == 200 and "field-errors" in bad.content.decode()
    old = pref.feed_token
    client.post("/me/notifications/", {"action": "reset_feed"})
    pref.refresh_from_db()
    assert pref.feed_token != old


def test_preferences_need_sign_in(client):
    assert client.get("/me/notifications/").status_code == 302


def test_outbox_for_comms_only(login, alice, bob, acme):
    Message.objects.create(
        org=acme,
        key="x",
        channel="email",
        kind="digest",
        to="nobody@acme.test",
        status=Status.FAILED,
        last_error="SMTP 550 No such user",
        next_try_at="2026-01-01T00:00Z",
    )
    page = login(alice).get("/comms/nudges/")
    assert page.status_code == 200
    assert "SMTP 550 No such user" in page.content.decode()
    assert login(bob).get("/comms/nudges/").status_code == 403


def test_send_a_test_digest_to_yourself(
    login, smtp_inbox, alice, make_moment, django_capture_on_commit_callbacks
):
    make_moment()
    client = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/comms/nudges/test/")
    assert response.status_code == 302
    [msg] = digests_to(smtp_inbox, "alice@acme.test")
    assert msg["Subject"].startswith("[Test] ")
    assert Message.objects.get(kind=Kind.TEST).status == Status.SENT
    # Tests never count towards the cap and can be repeated.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/comms/nudges/test/")
    assert len(digests_to(smtp_inbox, "alice@acme.test")) == 2


def test_preview_only_for_own_organisation(login, alice, bob, mallory, make_moment):
    moment = make_moment()
    client = login(alice)
    mine = Membership.objects.get(user=bob)
    page = client.get(f"/comms/nudges/preview/{mine.pk}/")
    assert page.status_code == 200
    assert moment.title in page.content.decode()
    assert not TrackedLink.objects.exists()  # a preview creates nothing
    assert not Message.objects.exists()  # and sends nothing
    theirs = Membership.objects.get(user=mallory)
    assert client.get(f"/comms/nudges/preview/{theirs.pk}/").status_code == 404
    assert login(bob).get(f"/comms/nudges/preview/{mine.pk}/").status_code == 403
