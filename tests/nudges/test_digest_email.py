"""Digests by e-mail against a real SMTP server (aiosmtpd): content, headers, unsubscribe."""

from __future__ import annotations

import datetime as dt
import re

from zichtbaar.nudges import delivery, digests, preferences, prompts
from zichtbaar.nudges.models import Kind, Message, Status
from zichtbaar.orgs.models import Membership
from zichtbaar.sharing.models import TrackedLink

from .conftest import digests_to


def _queue(org, now, capture, **kw):
    with capture(execute=True):
        return digests.queue_digests(org, now=now, **kw)


def test_digest_content_and_headers(
    smtp_inbox, acme, alice, bob, carol, make_moment, now, django_capture_on_commit_callbacks
):
    moment = make_moment()
    assert _queue(acme, now, django_capture_on_commit_callbacks) == 3

    [msg] = digests_to(smtp_inbox, "carol@acme.test")  # carol reads English
    assert msg["Subject"] == "1 moment worth sharing"
    assert msg["X-Zichtbaar-Nudge"] == "digest"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    link = TrackedLink.objects.get(moment=moment, user=carol)
    for body in (text, html):
        assert moment.title in body
        assert f"/moments/{moment.pk}/" in body  # the compose page with the draft
        assert f"/l/{link.code}" in body  # the ready draft ends with carol's tracked link
        assert "Your network: 400 people" in body  # the impact line
    assert "Hello Carol," in text
    assert "A draft, ready to use:" in text
    # One-click unsubscribe (RFC 8058) and a stable Message-ID per outbox row.
    unsubscribe = re.fullmatch(
        r"<(http://[^>]+/nudges/unsubscribe/[^/]+/)>", msg["List-Unsubscribe"].strip()
    )
    assert unsubscribe, msg["List-Unsubscribe"]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Auto-Submitted"] == "auto-generated"
    row = Message.objects.get(membership__user=carol, kind=Kind.DIGEST)
    assert row.status == Status.SENT and row.attempts == 1 and row.sent_at
    assert msg["Message-ID"] == delivery.message_id(row)
    assert unsubscribe.group(1) in text and unsubscribe.group(1) in html
    # bob gets his own, personal digest (in his language: Dutch).
    [theirs] = digests_to(smtp_inbox, "bob@acme.test")
    bobs_link = TrackedLink.objects.get(moment=moment, user=bob)
    assert f"/l/{bobs_link.code}" in theirs.get_body(preferencelist=("plain",)).get_content()
    assert theirs["List-Unsubscribe"] != msg["List-Unsubscribe"]


def test_unsubscribe_link_works_without_login(
    client, smtp_inbox, acme, carol, make_moment, now, django_capture_on_commit_callbacks
):
    make_moment()
    _queue(acme, now, django_capture_on_commit_callbacks)
    [msg] = digests_to(smtp_inbox, "carol@acme.test")
    url = msg["List-Unsubscribe"].strip().strip("<>").split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + url)  # nobody signed in
    assert page.status_code == 200
    assert "Stop these e-mails" in page.content.decode()
    pref = preferences.preference_for(Membership.objects.get(user=carol))
    assert pref.email  # a GET (a link scanner) changes nothing

    # What a mail client does for List-Unsubscribe-Post: a POST without a CSRF token.
    client.handler.enforce_csrf_checks = True
    done = client.post("/" + url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    pref.refresh_from_db()
    assert not pref.email and pref.unsubscribed_at
    # Nothing more is queued for carol, even with --force.
    _queue(acme, now + dt.timedelta(days=8), django_capture_on_commit_callbacks, force=True)
    assert not Message.objects.filter(membership__user=carol, key__contains="2026-W03").exists()

    client.post("/" + url, {"action": "resubscribe"})
    pref.refresh_from_db()
    assert pref.email and pref.unsubscribed_at is None
    assert client.get("/nudges/unsubscribe/forged-token/").status_code == 404


def test_rerunning_never_sends_a_second_copy(
    smtp_inbox, acme, bob, make_moment, now, django_capture_on_commit_callbacks
):
    make_moment()  # (alice, who made it, is in Acme too)
    assert _queue(acme, now, django_capture_on_commit_callbacks) == 2
    assert _queue(acme, now, django_capture_on_commit_callbacks) == 0
    later = now + dt.timedelta(hours=5)
    assert _queue(acme, later, django_capture_on_commit_callbacks, force=True) == 0
    assert len(digests_to(smtp_inbox, "bob@acme.test")) == 1
    # The next week is a new period.
    assert _queue(acme, now + dt.timedelta(days=7), django_capture_on_commit_callbacks) == 2
    assert len(digests_to(smtp_inbox, "bob@acme.test")) == 2


def test_schedule_quiet_hours_and_cap(acme, bob, make_moment, now):
    make_moment()
    pref = preferences.preference_for(Membership.objects.get(user=bob))
    evening = now.replace(hour=22)
    message = digests.queue_digest(pref.membership, pref, now=evening, deliver=False)
    assert message is not None
    # Held until the quiet hours end, the next morning at 08:00 Amsterdam time.
    assert message.next_try_at == now.replace(day=8, hour=8)
    # A weekly digest is not due again within the week.
    assert not digests.digest_is_due(pref, evening + dt.timedelta(days=3))
    # The cap: at most N nudges in 7 days, digests, prompts and reminders together.
    pref.max_per_week = 1
    assert not digests.digest_is_due(pref, now + dt.timedelta(days=6, hours=23))
    assert digests.digest_is_due(pref, evening + dt.timedelta(days=7, minutes=1))
    # Saturday is a quiet day by default: held until Monday 08:00.
    saturday = now.replace(day=10)
    assert preferences.next_allowed(pref, saturday) == now.replace(day=12, hour=8)


def test_frequency_off_and_nothing_to_share(acme, bob, make_moment, now):
    pref = preferences.preference_for(Membership.objects.get(user=bob))
    assert digests.queue_digests(acme, now=now, force=True) == 0  # no moments: no e-mail
    make_moment()
    pref.frequency = "off"
    pref.save()
    digests.queue_digests(acme, now=now, force=True)
    assert not Message.objects.filter(membership__user=bob).exists()


def test_monthly_and_biweekly_periods():
    day = dt.date(2026, 1, 7)
    assert digests.period_key("weekly", day) == "2026-W02"
    assert digests.period_key("biweekly", day) == digests.period_key(
        "biweekly", dt.date(2026, 1, 1)
    )
    assert digests.period_key("monthly", day) == "2026-M01"


def test_prompt_reminder_welcome_once_and_capped(
    smtp_inbox, acme, bob, make_moment, now, django_capture_on_commit_callbacks
):
    from zichtbaar.orgs.models import Profile

    Profile.objects.filter(user=bob).update(onboarded_at=now - dt.timedelta(days=1))
    tuesday = now.date() - dt.timedelta(days=1)
    delivered = make_moment(title="Bridge opened", happened_on=tuesday)
    expiring = make_moment(
        title="Job fair",
        happened_on=now.date() - dt.timedelta(days=9),
        shareable_until=now + dt.timedelta(hours=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert prompts.queue_moment_nudges(acme, now=now) == 4  # bob and alice
        assert prompts.queue_welcomes(acme, now=now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert prompts.queue_moment_nudges(acme, now=now) == 0  # once
        assert prompts.queue_welcomes(acme, now=now) == 0
    received = {
        m["X-Zichtbaar-Nudge"]: str(m["Subject"])
        for m in smtp_inbox.messages
        if m["To"] == "bob@acme.test"
    }
    assert set(received) == {"prompt", "reminder", "welcome"}
    assert "Bridge opened" in received["prompt"] and "Job fair" in received["reminder"]
    rows = Message.objects.filter(membership__user=bob).values_list("kind", "moment_id")
    assert set(rows) == {("prompt", delivered.pk), ("reminder", expiring.pk), ("welcome", None)}
    # Two nudges this week already (the default cap): no digest until the week has passed.
    pref = preferences.preference_for(Membership.objects.get(user=bob))
    assert not digests.digest_is_due(pref, now + dt.timedelta(hours=1))


def test_permanent_failure_keeps_a_reason(
    rejecting_smtp, acme, bob, make_moment, now, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=bob.pk)
    user.email = "nobody@acme.test"
    user.save()
    make_moment()
    _queue(acme, now, django_capture_on_commit_callbacks)
    row = Message.objects.get(membership__user=bob)
    assert row.status == Status.FAILED
    assert "550" in row.last_error and "No such user" in row.last_error
    assert row.attempts == 1


def test_one_language_per_email_and_per_digest_item(
    smtp_inbox, acme, carol, make_moment, now, django_capture_on_commit_callbacks
):
    """Carol reads English. A prompt about a Dutch-only moment is Dutch all through (its draft is
    Dutch); a moment with English texts reaches her in English; a digest says which is which."""
    tuesday = now.date() - dt.timedelta(days=1)
    make_moment(title="Brug geopend", what_happened="De nieuwe brug is open.", happened_on=tuesday)
    with django_capture_on_commit_callbacks(execute=True):
        prompts.queue_moment_nudges(acme, now=now)
    [prompt] = [m for m in smtp_inbox.messages if m["To"] == "carol@acme.test"]
    subject = str(prompt["Subject"])
    assert subject == "Zin om dit te delen? Brug geopend"
    body = prompt.get_body(preferencelist=("plain",)).get_content()
    assert "Yesterday" not in body and "Brug geopend" in body

    smtp_inbox.messages.clear()
    make_moment(
        title="Nieuw kantoor",
        what_happened="We openden een kantoor in Eindhoven.",
        translations={
            "en": {"title": "New office", "what_happened": "We opened an office in Eindhoven."}
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        digests.queue_digests(acme, now=now, force=True)
    [digest] = [m for m in smtp_inbox.messages if m["To"] == "carol@acme.test"]
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert "## New office" in text and "Nieuw kantoor" not in text
    assert "## Brug geopend" in text
    assert "(This moment and its draft are in Dutch.)" in text
