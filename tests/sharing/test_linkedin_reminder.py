"""The reminder to reconnect LinkedIn: 7 days before the connection ends, only for someone
with a post scheduled after that, once."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.fakes.linkedin_server import connect
from zichtbaar.nudges.linkedin import queue_linkedin_reminders
from zichtbaar.nudges.models import Message
from zichtbaar.sharing import services
from zichtbaar.sharing.models import LinkedInConnection


def _ends_in(user, days):
    LinkedInConnection.objects.filter(user=user).update(
        expires_at=timezone.now() + timedelta(days=days)
    )


def test_a_post_after_the_end_of_the_connection_gets_one_gentle_reminder(
    fake, acme, carol, make_moment
):
    connect(carol, fake)
    _ends_in(carol, 5)
    services.schedule_post(
        carol.memberships.get(), make_moment(), "Volgende week", timezone.now() + timedelta(days=6)
    )
    assert queue_linkedin_reminders(acme) == 1
    message = Message.objects.get()
    assert message.to == "carol@acme.test"
    assert "fresh connection" in message.subject  # carol reads English
    assert "/linkedin/" in message.body_text
    assert queue_linkedin_reminders(acme) == 0  # once


def test_nobody_is_nudged_without_a_post_that_would_wait(fake, acme, bob, carol, make_moment):
    connect(bob, fake)
    _ends_in(bob, 5)  # expiring, but nothing scheduled
    connect(carol, fake, "member-2")
    _ends_in(carol, 30)
    services.schedule_post(
        carol.memberships.get(), make_moment(), "Later", timezone.now() + timedelta(days=10)
    )  # her connection lasts beyond it
    assert queue_linkedin_reminders(acme) == 0
    assert not Message.objects.exists()
