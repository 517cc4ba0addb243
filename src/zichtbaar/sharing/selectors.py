"""Reads for sharing."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from zichtbaar.orgs.models import Membership
from zichtbaar.sharing.models import (
    ClickDaily,
    ConnectionState,
    LinkedInConnection,
    LinkedInPost,
    PostState,
    Share,
    TrackedLink,
)

logger = logging.getLogger(__name__)


LINK_CACHE_SECONDS = 300
# Codes are secrets.token_urlsafe output; anything else is unknown without asking the database.
_CODE = re.compile(r"[A-Za-z0-9_-]{1,24}")


def link_destination(code: str, *, cached: bool = True) -> tuple[int, str, bool] | None:
    """(link id, destination, clicks counted) for a code: from the cache, else one lookup.

    Clicks are counted only while the link's owner consents (Profile.consent_tracking);
    `forget_links` drops cached entries when that changes.

    Only with settings.ZICHTBAAR_LINK_CACHE (Redis): the cache is shared by every worker, and
    the entries it holds are dropped after the change commits when a person's consent changes
    (`forget_links`), when a moment's link is corrected (`refresh_destinations`) or when a link
    is deleted; at worst an entry lives LINK_CACHE_SECONDS. `cached=False` reads the database
    and refreshes the cache (or forgets the code). Unknown codes are not cached.
    """
    if not _CODE.fullmatch(code):
        return None
    use_cache = settings.ZICHTBAAR_LINK_CACHE
    key = f"zichtbaar:link:{code}"
    if cached and use_cache:
        try:
            hit = cache.get(key)
        except Exception:  # a cache outage must not break redirects
            logger.warning("link cache unavailable", exc_info=True)
            hit = None
        if hit is not None:
            return hit
    found = (
        TrackedLink.objects.filter(code=code)
        .values_list("id", "destination", "user__profile__consent_tracking")
        .first()
    )
    if found is not None:
        found = (found[0], found[1], bool(found[2]))
    if not use_cache:
        return found
    try:
        if found is None:
            cache.delete(key)
        else:
            cache.set(key, found, LINK_CACHE_SECONDS)
    except Exception:
        logger.warning("link cache unavailable", exc_info=True)
    return found


def forget_code(code: str) -> None:
    try:
        cache.delete(f"zichtbaar:link:{code}")
    except Exception:
        logger.warning("link cache unavailable", exc_info=True)


def forget_links(user_id: int) -> None:
    """Drop a person's cached links, e.g. after they changed their consent."""
    codes = TrackedLink.objects.filter(user_id=user_id).values_list("code", flat=True)
    try:
        cache.delete_many([f"zichtbaar:link:{code}" for code in codes])
    except Exception:
        logger.warning("link cache unavailable", exc_info=True)


def shares_of(user_id: int, org_id: int) -> QuerySet[Share]:
    return Share.objects.filter(user_id=user_id, org_id=org_id).select_related("moment")


@dataclass(frozen=True)
class LinkClicks:
    clicks: int = 0
    visitors: int = 0


@dataclass
class ClicksBrought:
    """What one person's tracked links brought in one organisation: per link and in total."""

    links: dict[int, LinkClicks] = field(default_factory=dict)

    @property
    def clicks(self) -> int:
        return sum(c.clicks for c in self.links.values())

    @property
    def visitors(self) -> int:
        return sum(c.visitors for c in self.links.values())


def clicks_brought(org_id: int, user_ids: Iterable[int]) -> dict[int, ClicksBrought]:
    """ "Clicks your shares brought": the one figure a person sees of it, on My impact and in
    the digest e-mail, for many people in one grouped query (index clickdaily_user).

    The period is "so far": every click by a person (bots excluded) on the person's tracked
    links in this organisation, from the first one up to the last run of the click rollup
    (ClickDaily). Pages ask for a rollup at most every few minutes and a digest sums the new
    clicks before it is written, so the e-mail and My impact agree and neither reads the raw
    clicks. Visitors: each day's distinct visitors, summed over days and links.
    """
    ids = list(user_ids)
    out = {user_id: ClicksBrought() for user_id in ids}
    rows = (
        ClickDaily.objects.filter(org_id=org_id, user_id__in=ids)
        .values_list("user_id", "link_id")
        .annotate(clicks=Sum("clicks"), visitors=Sum("visitors"))
        .order_by()
    )
    for user_id, link_id, clicks, visitors in rows:
        out[user_id].links[link_id] = LinkClicks(clicks, visitors)
    return out


# --- LinkedIn --------------------------------------------------------------------------------

EXPIRY_WARNING = timedelta(days=7)


@dataclass(frozen=True)
class LinkedInStatus:
    """What the person's page and profile show about their LinkedIn connection.

    `state`: "none" (never connected), "connected", "expired" (reconnect to post again) or
    "revoked" (they disconnected)."""

    state: str
    name: str = ""
    expires_at: datetime | None = None
    expiring_soon: bool = False

    @property
    def connected(self) -> bool:
        return self.state == ConnectionState.CONNECTED


def linkedin_connection_of(user_id: int) -> LinkedInConnection | None:
    return LinkedInConnection.objects.filter(user_id=user_id).first()


def linkedin_status(user: Any, now: datetime | None = None) -> LinkedInStatus:
    now = now or timezone.now()
    found = LinkedInConnection.objects.filter(user_id=user.pk).first()
    if found is None:
        return LinkedInStatus("none")
    state = found.state
    if state == ConnectionState.CONNECTED and (found.expires_at <= now or not found.token):
        state = ConnectionState.EXPIRED
    return LinkedInStatus(
        state=state,
        name=found.name,
        expires_at=found.expires_at,
        expiring_soon=state == ConnectionState.CONNECTED
        and found.expires_at - now < EXPIRY_WARNING,
    )


def linkedin_posts_of(membership: Membership, limit: int = 50) -> QuerySet[LinkedInPost]:
    """The person's LinkedIn posts in this organisation: scheduled and waiting first (soonest
    first), then the most recent others."""
    return (
        LinkedInPost.objects.filter(membership=membership)
        .select_related("moment")
        .order_by("-created_at")[:limit]
    )


def linkedin_pending_of(membership: Membership) -> QuerySet[LinkedInPost]:
    return (
        LinkedInPost.objects.filter(
            membership=membership,
            state__in=[PostState.QUEUED, PostState.SENDING, PostState.WAITING],
        )
        .select_related("moment")
        .order_by("run_at", "id")
    )


def linkedin_posts_for_moment(membership: Membership, moment_id: int) -> list[LinkedInPost]:
    """The compose page: the person's LinkedIn posts of this moment, newest first (a cancelled
    one only while it is the latest word, so an old cancel doesn't linger); `on_its_way` marks
    those being posted now."""
    now = timezone.now()
    rows = list(
        LinkedInPost.objects.filter(membership=membership, moment_id=moment_id).order_by(
            "-created_at", "-id"
        )[:10]
    )
    for p in rows:
        # "Posting now…": being sent, or due and about to be claimed.
        p.on_its_way = p.state == PostState.SENDING or (  # type: ignore[attr-defined]
            p.state == PostState.QUEUED and p.next_try_at <= now
        )
    return [p for i, p in enumerate(rows) if p.state != PostState.CANCELLED or i == 0]


def linkedin_post_still_moving(posts: list[LinkedInPost], now: datetime | None = None) -> bool:
    """Is any of these posts about to change by itself (posting now, or due)? Then the compose
    page asks again in a moment; scheduled-later, posted, waiting and failed posts are still."""
    now = now or timezone.now()
    return any(
        p.state == PostState.SENDING or (p.state == PostState.QUEUED and p.next_try_at <= now)
        for p in posts
    )


def connections_expiring(start: datetime, end: datetime) -> QuerySet[LinkedInConnection]:
    """Connected accounts whose token expires in [start, end): for a reminder to reconnect."""
    return LinkedInConnection.objects.filter(
        state=ConnectionState.CONNECTED, expires_at__gte=start, expires_at__lt=end
    ).exclude(token="")


@dataclass(frozen=True)
class MeasuredReach:
    """LinkedIn's own figures for posts made through Zichtbaar (never an estimate): `posts`
    is how many of them LinkedIn reported on; `people` how many people made those posts."""

    posts: int = 0
    people: int = 0
    impressions: int = 0
    members_reached: int = 0
    reactions: int = 0
    comments: int = 0
    reshares: int = 0


def _measured(rows: QuerySet[LinkedInPost]) -> MeasuredReach:
    totals = rows.aggregate(
        posts=Count("id"),
        people=Count("membership", distinct=True),
        impressions=Sum("impressions"),
        members_reached=Sum("members_reached"),
        reactions=Sum("reactions"),
        comments=Sum("comments"),
        reshares=Sum("reshares"),
    )
    return MeasuredReach(**{k: int(v or 0) for k, v in totals.items()})


def linkedin_reach_of(membership: Membership) -> MeasuredReach:
    """My impact: what the person's posts through Zichtbaar reached, as LinkedIn reports it."""
    return _measured(
        LinkedInPost.objects.filter(
            membership=membership, state=PostState.SENT, metrics_at__isnull=False
        )
    )


def linkedin_sent_posts_of(membership: Membership, limit: int = 50) -> list[LinkedInPost]:
    """My impact: the person's posts through Zichtbaar that went out, newest first, with what
    LinkedIn measured (`metrics_at` None: not measured yet, or the permission is missing)."""
    return list(
        LinkedInPost.objects.filter(membership=membership, state=PostState.SENT)
        .select_related("moment")
        .order_by("-sent_at", "-id")[:limit]
    )


def linkedin_reach_for_org(
    org_id: int, since: datetime | None = None, team_id: int | None = None
) -> MeasuredReach | None:
    """The dashboard: the organisation's (or a team's) measured reach; None below the
    anonymity threshold of people, so nobody's figures can be read from it."""
    rows = LinkedInPost.objects.filter(
        org_id=org_id, state=PostState.SENT, metrics_at__isnull=False
    )
    if since is not None:
        rows = rows.filter(sent_at__gte=since)
    if team_id is not None:
        rows = rows.filter(membership__team_id=team_id)
    measured = _measured(rows)
    if measured.people < settings.ANONYMITY_THRESHOLD:
        return None
    return measured
