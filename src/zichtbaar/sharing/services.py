"""Writes for sharing: tracked links, shares and clicks."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import quote, unquote_plus, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import User
from zichtbaar.sharing.models import Click, Share, TrackedLink

LINKEDIN_COMPOSER = "https://www.linkedin.com/feed/?shareActive=true&text="
MAX_POST_LENGTH = 3000
# Django refuses longer redirects (16,384); browsers and LinkedIn cope with this much.
MAX_COMPOSER_URL = 16_000

# Crawlers and link-preview fetchers (LinkedIn's own included) never count as people.
# Only names that browsers never carry: LinkedIn's in-app browser ("LinkedInApp/9.x") is a
# person, its preview fetcher ("LinkedInBot/1.0") is not; likewise Telegram, Pinterest.
# "bot" anywhere, except in the CUBOT phone brand. Matched against the lowercased user agent
# (five times faster than IGNORECASE on this hot path): use is_bot().
BOT_PATTERN = re.compile(
    r"(?<!cu)bot|crawl|spider|slurp|preview|facebookexternalhit|facebookcatalog|"
    r"meta-externalagent|embedly|iframely|quora link|whatsapp|skypeuripreview|vkshare|"
    r"pinterest/0\.|outbrain|bitly|nuzzel|headless|python-requests|python-urllib|aiohttp|"
    r"httpx|curl|wget|httpclient|okhttp|go-http|java/|http\.rb|node-fetch|axios|"
    r"microsoft office|ms-office|validator|uptime|monitor|scanner|lighthouse|"
    r"google-inspectiontool|google-pagerenderer|feedfetcher|mediapartners"
)


@functools.lru_cache(maxsize=2048)
def is_bot(user_agent: str) -> bool:
    """True for crawlers, link-preview fetchers and scripts; an empty user agent is no person."""
    return not user_agent.strip() or BOT_PATTERN.search(user_agent.lower()) is not None


def linkedin_composer_url(text: str) -> str:
    """LinkedIn's composer with the text prefilled (UTF-8, emoji and line breaks encoded)."""
    return LINKEDIN_COMPOSER + quote(text, safe="")


def with_utm(url: str, *, campaign: str, content: str) -> str:
    """The URL with our UTM parameters added.

    Existing query parameters are kept exactly as written (order and encoding), except
    earlier `utm_*` ones, which would compete with ours; the fragment is kept too.
    """
    parts = urlsplit(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not unquote_plus(pair.split("=", 1)[0]).strip().lower().startswith("utm_")
    ]
    ours = urlencode(
        [
            ("utm_source", "linkedin"),
            ("utm_medium", "employee_advocacy"),
            ("utm_campaign", campaign),
            ("utm_content", content),
        ]
    )
    return urlunsplit(parts._replace(query="&".join([*kept, ours])))


def campaign_for(moment: Moment) -> str:
    return f"moment-{moment.pk}"


def get_or_create_link(moment: Moment, user: User) -> TrackedLink | None:
    """The person's tracked link for a moment; None when the moment has no link to point to."""
    if not moment.link:
        return None
    existing = TrackedLink.objects.filter(moment=moment, user=user).first()
    if existing is not None:
        return existing
    link = TrackedLink(org_id=moment.org_id, moment=moment, user=user)
    # utm_content identifies the share: one tracked link per person and moment (decisions.md).
    link.destination = with_utm(moment.link, campaign=campaign_for(moment), content=link.code)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:  # the same person opened the moment twice at once
        return TrackedLink.objects.get(moment=moment, user=user)
    return link


def link_codes_for(pairs: Iterable[tuple[Moment, int]]) -> dict[tuple[int, int], str]:
    """The tracked-link codes of many (moment, user id) pairs, links made where missing,
    keyed by (user id, moment id): the batch form of `get_or_create_link`, for digests."""
    wanted = {(user_id, moment.pk): moment for moment, user_id in pairs if moment.link}
    if not wanted:
        return {}
    users = {user_id for user_id, _m in wanted}
    moments = {moment_id for _u, moment_id in wanted}

    def existing() -> dict[tuple[int, int], str]:
        rows = TrackedLink.objects.filter(user_id__in=users, moment_id__in=moments)
        return {
            (u, m): code
            for u, m, code in rows.values_list("user_id", "moment_id", "code")
            if (u, m) in wanted
        }

    found = existing()
    missing = []
    for (user_id, _moment_id), moment in wanted.items():
        if (user_id, moment.pk) in found:
            continue
        link = TrackedLink(org_id=moment.org_id, moment=moment, user_id=user_id)
        link.destination = with_utm(moment.link, campaign=campaign_for(moment), content=link.code)
        missing.append(link)
    if missing:
        # A link made at the same moment elsewhere wins; the second read returns that one.
        TrackedLink.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
        found = existing()
    return found


def refresh_destinations(moment: Moment) -> int:
    """Recompute the stored destinations of a moment's tracked links after its link changed."""
    from zichtbaar.sharing.selectors import forget_code

    if not moment.link:  # a removed link: keep sending people where the posts promised
        return 0
    links = list(TrackedLink.objects.filter(moment=moment))
    for link in links:
        link.destination = with_utm(moment.link, campaign=campaign_for(moment), content=link.code)
        forget_code(link.code)
    TrackedLink.objects.bulk_update(links, ["destination"], batch_size=500)
    return len(links)


def record_share(
    *,
    moment: Moment,
    user: User,
    text: str,
    post_url: str = "",
    angle: str = "",
    shared_at: datetime | None = None,
) -> Share:
    link = TrackedLink.objects.filter(moment=moment, user=user).first()
    return Share.objects.create(
        org_id=moment.org_id,
        moment=moment,
        user=user,
        link=link,
        text=text,
        post_url=post_url,
        angle=angle,
        shared_at=shared_at or timezone.now(),
    )


@functools.lru_cache(maxsize=8)
def _salt_for(secret: str, day: date) -> bytes:
    return hmac.new(secret.encode(), day.isoformat().encode(), hashlib.sha256).digest()


def _daily_salt(day: date) -> bytes:
    # Derived from the secret and the date: it changes every day and is never stored, so
    # yesterday's visitor hashes cannot be linked to today's.
    return _salt_for(settings.SECRET_KEY, day)


def visitor_hash(address: str, user_agent: str, day: date) -> str:
    digest = hmac.new(_daily_salt(day), f"{address}|{user_agent}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def record_click(
    link_id: int,
    address: str,
    user_agent: str,
    at: datetime | None = None,
    *,
    automated: bool = False,
) -> Click:
    """Store one click: a single INSERT. The address is only used for the hash, never stored.

    The day of the salt is the local calendar day (TIME_ZONE). `automated` marks requests no
    person's browser makes (HEAD), whatever their user agent says.
    """
    at = at or timezone.now()
    visitor = visitor_hash(address, user_agent, timezone.localdate(at))
    flagged = automated or is_bot(user_agent)
    # One plain INSERT: the ORM's model machinery doubled the cost of the redirect (bench/clicks.py).
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_CLICK,
            [link_id, connection.ops.adapt_datetimefield_value(at), visitor, flagged],
        )
    return Click(link_id=link_id, at=at, visitor=visitor, is_bot=flagged)


_INSERT_CLICK = (
    f"INSERT INTO {Click._meta.db_table} (link_id, at, visitor, is_bot) VALUES (%s, %s, %s, %s)"  # noqa: S608
)
