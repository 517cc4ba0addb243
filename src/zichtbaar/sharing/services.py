"""Writes for sharing: tracked links, shares and clicks."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, datetime
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import User
from zichtbaar.sharing.models import Click, Share, TrackedLink

LINKEDIN_COMPOSER = "https://www.linkedin.com/feed/?shareActive=true&text="
MAX_POST_LENGTH = 3000

# Crawlers and link-preview fetchers (LinkedIn's own included) never count as people.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|preview|linkedin|facebookexternalhit|embedly|quora link|"
    r"whatsapp|telegram|skypeuripreview|vkshare|pinterest|outbrain|bitly|nuzzel|"
    r"headless|python-requests|python-urllib|curl|wget|httpclient|okhttp|go-http|java/|"
    r"microsoft office|ms-office|validator|uptime",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOT_PATTERN.search(user_agent))


def linkedin_composer_url(text: str) -> str:
    """LinkedIn's composer with the text prefilled (UTF-8, emoji and line breaks encoded)."""
    return LINKEDIN_COMPOSER + quote(text, safe="")


def with_utm(url: str, *, campaign: str, content: str) -> str:
    """The URL with our UTM parameters added; existing query parameters are kept."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [
        ("utm_source", "linkedin"),
        ("utm_medium", "employee_advocacy"),
        ("utm_campaign", campaign),
        ("utm_content", content),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


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


def record_share(
    *, moment: Moment, user: User, text: str, post_url: str = "", angle: str = "",
    shared_at: datetime | None = None,
) -> Share:
    link = TrackedLink.objects.filter(moment=moment, user=user).first()
    return Share.objects.create(
        org_id=moment.org_id, moment=moment, user=user, link=link, text=text,
        post_url=post_url, angle=angle, shared_at=shared_at or timezone.now(),
    )


def _daily_salt(day: date) -> bytes:
    # Derived from the secret and the date: it changes every day and is never stored, so
    # yesterday's visitor hashes cannot be linked to today's.
    return hmac.new(settings.SECRET_KEY.encode(), day.isoformat().encode(), hashlib.sha256).digest()


def visitor_hash(address: str, user_agent: str, day: date) -> str:
    digest = hmac.new(_daily_salt(day), f"{address}|{user_agent}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def record_click(link_id: int, address: str, user_agent: str, at: datetime | None = None) -> Click:
    at = at or timezone.now()
    return Click.objects.create(
        link_id=link_id, at=at, visitor=visitor_hash(address, user_agent, at.date()),
        is_bot=is_bot(user_agent),
    )
