"""News feeds as moments: fetch RSS/Atom (conditional requests, size and time limits,
redirects followed by hand and each checked), parse with feedparser, and bring new items in as
moment drafts for comms to review. Each item once per feed (unique by guid, or else link)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import feedparser
import nh3
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from zichtbaar.integrations import transport
from zichtbaar.integrations.models import CREATED, NOT_MODIFIED, Feed, FeedItem
from zichtbaar.moments import services as moment_services
from zichtbaar.moments.models import MomentType
from zichtbaar.nudges.channels import Permanent, Retry
from zichtbaar.orgs import jobs
from zichtbaar.orgs.models import Organisation

logger = logging.getLogger(__name__)

MAX_FEED_BYTES = 2 * 1024 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
FETCH_TIMEOUT = 15.0
MAX_REDIRECTS = 5
MIN_INTERVAL = 15  # minutes
SUMMARY_LENGTH = 2000
RETRY_AFTER_ERROR = timedelta(minutes=30)
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")


class FeedProblem(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Outcome:
    created: int = 0
    not_modified: bool = False
    error: str = ""


def types_for(org: Organisation) -> list[MomentType]:
    return list(MomentType.objects.filter(Q(org=None) | Q(org=org)).order_by("position", "pk"))


# --------------------------------------------------------------------------- feeds (writes)


def create_feed(org: Organisation, author: Any, data: dict[str, Any]) -> Feed:
    feed = Feed.objects.create(org=org, created_by=author, **data)
    jobs.enqueue("integrations.fetch_feed", org.pk, feed.pk)
    return feed


def update_feed(feed: Feed, data: dict[str, Any]) -> Feed:
    url_changed = data.get("url", feed.url) != feed.url
    for name, value in data.items():
        setattr(feed, name, value)
    if url_changed:
        feed.etag = feed.last_modified = ""
        feed.next_fetch_at = timezone.now()
    feed.save()
    return feed


def fetch_soon(feed: Feed) -> None:
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())
    jobs.enqueue("integrations.fetch_feed", feed.org_id, feed.pk)


def delete_feed(feed: Feed) -> None:
    feed.delete()  # the drafts it brought in stay


# --------------------------------------------------------------------------- fetching


def get(url: str, headers: dict[str, str], max_bytes: int) -> tuple[str, transport.Answer]:
    """GET, following up to MAX_REDIRECTS redirects by hand; every hop passes the address
    rules again. Returns the final address and the answer. Raises FeedProblem."""
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            answer = transport.request(
                "GET", url, headers=headers, timeout=FETCH_TIMEOUT, max_bytes=max_bytes
            )
        except transport.Refused as exc:
            raise FeedProblem(exc.reason) from exc
        except (Retry, Permanent) as exc:
            raise FeedProblem(exc.reason) from exc
        if answer.status in (301, 302, 303, 307, 308):
            location = answer.headers.get("location", "")
            if not location:
                raise FeedProblem(_("The feed answered with a redirect to nowhere."))
            target = urljoin(url, location)
            try:
                _s, host, port = transport.check_address(target)
                transport.pinned_address(host, port)
            except (transport.Refused, Retry) as exc:
                raise FeedProblem(
                    _("The feed redirects to an address Zichtbaar doesn't follow: %(why)s")
                    % {"why": exc.reason}
                ) from exc
            url = target
            continue
        return url, answer
    raise FeedProblem(_("The feed redirects more than %(n)s times.") % {"n": MAX_REDIRECTS})


def claim(feed_id: int, now: datetime) -> Feed | None:
    """The feed, if this worker may fetch it now (a conditional UPDATE: one worker wins)."""
    feed = Feed.objects.filter(pk=feed_id, is_active=True).first()
    if feed is None:
        return None
    interval = timedelta(minutes=max(MIN_INTERVAL, feed.interval_minutes))
    won = Feed.objects.filter(pk=feed_id, next_fetch_at=feed.next_fetch_at, next_fetch_at__lte=now)
    if not won.update(next_fetch_at=now + interval):
        return None
    feed.next_fetch_at = now + interval
    return feed


def due_feeds(now: datetime) -> list[tuple[int, int]]:
    return list(
        Feed.objects.filter(is_active=True, next_fetch_at__lte=now).values_list("org_id", "pk")
    )


def fetch(feed: Feed, now: datetime | None = None) -> Outcome:
    """Fetch a (claimed) feed and bring its new items in; the outcome is kept on the feed (a
    problem in the organisation's language, the same whether cron or a comms click fetched it;
    the result as a code, said in the reader's language)."""
    with translation.override(feed.org.default_language):
        return _fetch(feed, now or timezone.now())


def _fetch(feed: Feed, now: datetime) -> Outcome:
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
    }
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    outcome = Outcome()
    try:
        final_url, answer = get(feed.url, headers, MAX_FEED_BYTES)
        if answer.status == 304:
            outcome.not_modified = True
        elif answer.status != 200:
            raise FeedProblem(
                _("The feed address answered %(code)s instead of the feed.")
                % {"code": answer.status}
            )
        else:
            if answer.too_large:
                raise FeedProblem(
                    _("The feed is larger than %(mb)s MB; Zichtbaar reads feeds up to that size.")
                    % {"mb": MAX_FEED_BYTES // (1024 * 1024)}
                )
            entries = parse(answer)
            outcome.created = bring_in(feed, entries, final_url, now)
            feed.etag = answer.headers.get("etag", "")[:300]
            feed.last_modified = answer.headers.get("last-modified", "")[:100]
    except FeedProblem as problem:
        outcome.error = problem.reason
    feed.last_fetched_at = now
    feed.last_error = outcome.error[:400]
    # Kept as a code, said in the reader's language (Feed.result_text).
    if outcome.error:
        feed.last_result = ""
    elif outcome.not_modified:
        feed.last_result = NOT_MODIFIED
    else:
        feed.last_result = f"{CREATED}{outcome.created}"
    Feed.objects.filter(pk=feed.pk).update(
        last_fetched_at=feed.last_fetched_at,
        last_error=feed.last_error,
        last_result=feed.last_result,
        etag=feed.etag,
        last_modified=feed.last_modified,
    )
    return outcome


BENIGN = (feedparser.CharacterEncodingOverride,)


def parse(answer: transport.Answer) -> list[Any]:
    parsed = feedparser.parse(
        answer.body,
        response_headers={"content-type": answer.headers.get("content-type", "application/xml")},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, BENIGN):
        raise FeedProblem(
            _("This isn't a readable RSS or Atom feed: %(why)s. Nothing was brought in.")
            % {"why": str(problem)[:200] or problem.__class__.__name__}
        )
    if not parsed.get("version"):
        raise FeedProblem(
            _("This address gives something other than an RSS or Atom feed (a web page?).")
        )
    return list(parsed.entries)


_SPACE = re.compile(r"\s+")


def plain_text(value: str, limit: int) -> str:
    """HTML to plain text: every tag out (nh3), entities decoded, whitespace tidied."""
    text = html.unescape(nh3.clean(value or "", tags=set()))
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def item_key(entry: Any) -> str | None:
    ident = entry.get("id") or entry.get("link") or ""
    if not ident:
        return None
    return hashlib.sha256(ident.strip().encode()).hexdigest()


def type_for(feed: Feed, entry: Any, types: dict[str, MomentType]) -> MomentType:
    haystack = f"{entry.get('link', '')} {entry.get('title', '')}".lower()
    for rule in feed.rules:
        needle = str(rule.get("contains", "")).strip().lower()
        if needle and needle in haystack and rule.get("type") in types:
            return types[rule["type"]]
    return feed.default_type


def _web_link(value: str) -> str:
    value = (value or "").strip()
    return value if value.startswith(("https://", "http://")) and len(value) <= 500 else ""


def image_url(entry: Any) -> str:
    for media in entry.get("media_thumbnail", []) or []:
        if media.get("url"):
            return str(media["url"])
    for media in entry.get("media_content", []) or []:
        if media.get("url") and str(media.get("medium", "image")) == "image":
            return str(media["url"])
    for link in entry.get("links", []) or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return str(link.get("href", ""))
    return ""


def download_image(url: str) -> ContentFile | None:
    """The item's image, with the same address rules and a size cap; None when it can't be
    had (the draft is still made, without an image)."""
    try:
        _final, answer = get(url, {"Accept": ", ".join(IMAGE_TYPES)}, MAX_IMAGE_BYTES)
    except FeedProblem:
        return None
    kind = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if answer.status != 200 or answer.too_large or kind not in IMAGE_TYPES:
        return None
    try:
        with Image.open(io.BytesIO(answer.body)) as probe:
            probe.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    extension = kind.split("/")[1].replace("jpeg", "jpg")
    return ContentFile(answer.body, name=f"feed.{extension}")


def _happened_on(entry: Any, now: datetime) -> dt.date:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        try:
            return dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
        except ValueError:
            pass
    return timezone.localdate(now)


def bring_in(feed: Feed, entries: list[Any], base_url: str, now: datetime) -> int:
    """Make a draft for every entry not brought in before; returns how many were made."""
    types = {t.key: t for t in types_for(feed.org)}
    keyed = [(item_key(e), e) for e in entries]
    known = set(
        FeedItem.objects.filter(feed=feed, key__in=[k for k, _e in keyed if k]).values_list(
            "key", flat=True
        )
    )
    created = 0
    for key, entry in keyed:
        if key is None or key in known:
            continue
        known.add(key)  # a feed that lists an item twice still gives one draft
        title = plain_text(entry.get("title", ""), 160) or _("News item")
        summary = plain_text(
            entry.get("summary", "") or entry.get("description", ""), SUMMARY_LENGTH
        )
        link = _web_link(urljoin(base_url, entry.get("link", "")) if entry.get("link") else "")
        picture = image_url(entry)
        image = download_image(urljoin(base_url, picture)) if picture else None
        data: dict[str, Any] = {
            "type": type_for(feed, entry, types),
            "title": title,
            "what_happened": summary or title,
            "link": link,
            "happened_on": _happened_on(entry, now),
        }
        try:
            with transaction.atomic():
                FeedItem.objects.create(feed=feed, key=key, created_at=now)
                moment = moment_services.create_moment(
                    org=feed.org,
                    # Moment.created_by may be empty (the comms lead who added the feed left).
                    author=feed.created_by,  # type: ignore[arg-type]
                    data=data,
                )
                if image is not None:
                    moment.image.save(image.name or "feed.jpg", image, save=True)
                FeedItem.objects.filter(feed=feed, key=key).update(moment=moment)
        except IntegrityError:
            continue  # another worker brought it in just now
        except Exception as exc:  # one odd item must not stop the rest
            logger.warning("feed %s: item skipped: %s", feed.pk, exc)
            continue
        created += 1
    return created
