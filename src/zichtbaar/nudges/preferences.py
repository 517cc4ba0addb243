"""A person's nudge preferences: what they get, when they are left alone, and unsubscribing."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zichtbaar.nudges.models import Channel, Message, Preference, Status, new_feed_token
from zichtbaar.orgs.models import Membership

UNSUBSCRIBE_SALT = "zichtbaar.nudges.unsubscribe"


def preference_for(membership: Membership) -> Preference:
    pref, _created = Preference.objects.get_or_create(membership=membership)
    pref.membership = membership
    return pref


def preferences_for(memberships: Iterable[Membership]) -> dict[int, Preference]:
    people = {m.pk: m for m in memberships}
    have = set(
        Preference.objects.filter(membership_id__in=people).values_list("membership_id", flat=True)
    )
    Preference.objects.bulk_create(
        [Preference(membership_id=pk) for pk in people if pk not in have], ignore_conflicts=True
    )
    prefs = {p.membership_id: p for p in Preference.objects.filter(membership_id__in=people)}
    for pk, pref in prefs.items():
        pref.membership = people[pk]
    return prefs


def reset_feed(pref: Preference) -> Preference:
    """Revoke the old calendar address and make a new one."""
    pref.feed_token = new_feed_token()
    pref.save(update_fields=["feed_token", "updated_at"])
    return pref


def unsubscribe_token(membership_id: int) -> str:
    return signing.dumps(membership_id, salt=UNSUBSCRIBE_SALT)


def membership_from_token(token: str) -> Membership | None:
    try:
        membership_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(membership_id, int):
        return None
    return Membership.objects.select_related("org", "user").filter(pk=membership_id).first()


def unsubscribe_url(membership_id: int) -> str:
    return settings.SITE_URL + _unsubscribe_path().replace(
        "TOKEN", unsubscribe_token(membership_id)
    )


@functools.cache
def _unsubscribe_path() -> str:
    # Reversed once: a signed token has only URL-safe characters (base64url and ':').
    return reverse("nudges:unsubscribe", args=["TOKEN"])


def unsubscribe(membership: Membership) -> None:
    """Stop every e-mail nudge; queued ones are not sent."""
    with transaction.atomic():
        pref = preference_for(membership)
        pref.email = False
        pref.unsubscribed_at = timezone.now()
        pref.save(update_fields=["email", "unsubscribed_at", "updated_at"])
        Message.objects.filter(
            membership=membership, channel=Channel.EMAIL, status=Status.QUEUED
        ).update(status=Status.FAILED, last_error="Unsubscribed before it was sent")


def resubscribe(membership: Membership) -> None:
    pref = preference_for(membership)
    pref.email = True
    pref.unsubscribed_at = None
    pref.save(update_fields=["email", "unsubscribed_at", "updated_at"])


def is_quiet(pref: Preference, when: datetime) -> bool:
    local = timezone.localtime(when)
    if local.weekday() in (pref.quiet_days or []):
        return True
    start, end, now = pref.quiet_start, pref.quiet_end, local.time()
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def next_allowed(pref: Preference, now: datetime) -> datetime:
    """The first moment at or after `now` outside the person's quiet hours and days."""
    when = now
    for _step in range(8 * 24 * 4):
        if not is_quiet(pref, when):
            return when
        when = (when + timedelta(minutes=15)).replace(second=0, microsecond=0)
        when -= timedelta(minutes=when.minute % 15)
    return now  # every moment is quiet: don't hold the message forever


def may_email(pref: Preference) -> bool:
    return pref.email and pref.unsubscribed_at is None and pref.membership.is_active
