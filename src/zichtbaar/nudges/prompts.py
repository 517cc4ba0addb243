"""Prompts the working day after a moment, reminders before it expires, and welcomes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.nudges import selectors
from zichtbaar.nudges.models import Kind, Preference
from zichtbaar.nudges.preferences import may_email, preferences_for
from zichtbaar.nudges.queueing import queue_email, start_delivery, used_this_week
from zichtbaar.orgs.models import Membership, Organisation
from zichtbaar.sharing.models import Share

REMIND_BEFORE = timedelta(hours=48)


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _audience(moment: Moment, prefs: dict[int, Preference]) -> list[Preference]:
    if moment.audience_everyone:
        return list(prefs.values())
    teams_ = set(moment.audience_teams.values_list("id", flat=True))
    return [p for p in prefs.values() if p.membership.team_id in teams_]


def queue_moment_nudges(org: Organisation, *, now: datetime | None = None) -> int:
    """Prompts (the working day after a moment happened) and reminders (before it expires)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    published = Moment.objects.filter(org=org, status=MomentStatus.PUBLISHED).filter(
        Q(shareable_from__isnull=True) | Q(shareable_from__lte=now),
        Q(shareable_until__isnull=True) | Q(shareable_until__gte=now),
    )
    prompt_for = [
        m
        for m in published.filter(happened_on__gte=today - timedelta(days=4), happened_on__lt=today)
        if next_working_day(m.happened_on) == today
    ]
    remind_for = list(published.filter(shareable_until__lte=now + REMIND_BEFORE))
    if not prompt_for and not remind_for:
        return 0
    people = Membership.objects.filter(org=org, is_active=True).select_related(
        "user__profile", "org"
    )
    prefs = preferences_for(people)
    queued = 0
    for kind, moments in ((Kind.PROMPT, prompt_for), (Kind.REMINDER, remind_for)):
        for moment in moments:
            shared = set(Share.objects.filter(moment=moment).values_list("user_id", flat=True))
            for pref in _audience(moment, prefs):
                if not (pref.prompts and may_email(pref)) or pref.membership.user_id in shared:
                    continue
                used = used_this_week([pref.membership_id], now)
                if used.get(pref.membership_id, 0) >= pref.max_per_week:
                    continue
                membership = pref.membership
                if queue_email(
                    membership,
                    pref,
                    kind=kind,
                    key=f"{kind}:{membership.pk}:{moment.pk}",
                    now=now,
                    moment=moment,
                    deliver=False,
                    context={"moment": moment, "url": selectors.compose_url(moment)},
                ):
                    queued += 1
    if queued:
        start_delivery(org.pk, queued)
    return queued


def queue_welcomes(org: Organisation, *, now: datetime | None = None) -> int:
    """A welcome for people who finished onboarding in the last two weeks, once."""
    now = now or timezone.now()
    people = Membership.objects.filter(
        org=org,
        is_active=True,
        user__profile__onboarded_at__gte=now - timedelta(days=14),
        user__profile__onboarded_at__lte=now,
    ).select_related("user__profile", "org")
    queued = 0
    for pref in preferences_for(people).values():
        if may_email(pref) and queue_email(
            pref.membership,
            pref,
            kind=Kind.WELCOME,
            key=f"welcome:{pref.membership_id}",
            now=now,
            deliver=False,
        ):
            queued += 1
    if queued:
        start_delivery(org.pk, queued)
    return queued
