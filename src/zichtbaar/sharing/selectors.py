"""Reads for sharing."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet, Sum

from zichtbaar.sharing.models import ClickDaily, Share, TrackedLink

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
