"""A gentle reminder to reconnect LinkedIn before a post the person scheduled would have to
wait (docs/linkedin.md): LinkedIn ends a connection after 60 days and gives self-serve apps no
refresh token, so only the person can renew it.

Sent only to people with a scheduled post after their connection's end (nobody is nudged to
post, or to stay connected for its own sake), once per connection period, by e-mail, within
their quiet hours and preferences. Queued from `runperiodic` (periodic.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from zichtbaar.nudges.models import Kind
from zichtbaar.nudges.preferences import may_email, preferences_for
from zichtbaar.nudges.queueing import queue_email, start_delivery
from zichtbaar.orgs.models import Organisation
from zichtbaar.sharing.models import LinkedInPost, PostState
from zichtbaar.sharing.selectors import connections_expiring

REMIND_BEFORE = timedelta(days=7)


def queue_linkedin_reminders(org: Organisation, *, now: datetime | None = None) -> int:
    """Queue "your scheduled post needs a fresh LinkedIn connection" for this organisation's
    people whose connection ends within REMIND_BEFORE, before a post they scheduled."""
    now = now or timezone.now()
    ends = dict(connections_expiring(now, now + REMIND_BEFORE).values_list("user_id", "expires_at"))
    if not ends:
        return 0
    posts = (
        LinkedInPost.objects.filter(
            org=org,
            state=PostState.QUEUED,
            membership__is_active=True,
            membership__user_id__in=list(ends),
        )
        .select_related("membership__user", "membership__org", "moment")
        .order_by("run_at", "id")
    )
    first: dict[int, LinkedInPost] = {}
    for post in posts:
        if post.run_at >= ends[post.membership.user_id] and post.membership_id not in first:
            first[post.membership_id] = post
    if not first:
        return 0
    prefs = preferences_for(post.membership for post in first.values())
    url = settings.SITE_URL + reverse("linkedin:page")
    queued = 0
    for membership_id, post in first.items():
        pref = prefs[membership_id]
        expires_at = ends[post.membership.user_id]
        if not may_email(pref):
            continue
        if queue_email(
            post.membership,
            pref,
            kind=Kind.REMINDER,
            template="linkedin_reconnect",
            key=f"linkedin_reconnect:{membership_id}:{expires_at:%Y%m%d%H%M}",
            now=now,
            context={"post": post, "expires_at": expires_at, "url": url},
            deliver=False,
        ):
            queued += 1
    if queued:
        start_delivery(org.pk, queued)
    return queued
