"""Writes for sharing: tracked links, shares and clicks."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, unquote_plus, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.orgs import jobs
from zichtbaar.orgs.models import Membership, User
from zichtbaar.sharing import linkedin
from zichtbaar.sharing.linkedin import client as linkedin_client
from zichtbaar.sharing.linkedin import tokens as linkedin_tokens
from zichtbaar.sharing.models import (
    Click,
    ConnectionState,
    LinkedInConnection,
    LinkedInPost,
    PostProblem,
    PostState,
    Share,
    TrackedLink,
)
from zichtbaar.sharing.signals import share_recorded

logger = logging.getLogger(__name__)

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
    TrackedLink.objects.bulk_update(links, ["destination"], batch_size=500)
    # Forget cached destinations only once the new ones are committed: a redirect in between
    # would otherwise read the old row and cache it again.
    codes = [link.code for link in links]

    def forget() -> None:
        for code in codes:
            forget_code(code)

    transaction.on_commit(forget)
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
    share = Share.objects.create(
        org_id=moment.org_id,
        moment=moment,
        user=user,
        link=link,
        text=text,
        post_url=post_url,
        angle=angle,
        shared_at=shared_at or timezone.now(),
    )
    transaction.on_commit(lambda: share_recorded.send(Share, share=share))
    return share


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


def _click_values(address: str, user_agent: str, at: datetime, automated: bool) -> tuple[str, bool]:
    visitor = visitor_hash(address, user_agent, timezone.localdate(at))
    return visitor, automated or is_bot(user_agent)


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
    visitor, flagged = _click_values(address, user_agent, at, automated)
    _insert_click(link_id, at, visitor, flagged)
    return Click(link_id=link_id, at=at, visitor=visitor, is_bot=flagged)


def _insert_click(link_id: int, at: datetime, visitor: str, flagged: bool) -> None:
    # One plain INSERT: the ORM's model machinery doubled the cost of the redirect (bench/clicks.py).
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_CLICK,
            [link_id, connection.ops.adapt_datetimefield_value(at), visitor, flagged],
        )


_INSERT_CLICK = (
    f"INSERT INTO {Click._meta.db_table} (link_id, at, visitor, is_bot) VALUES (%s, %s, %s, %s)"  # noqa: S608
)

# --- a click is never lost -----------------------------------------------------------------
# A click never waits long for the database. On SQLite it does not sit in SQLite's busy handler
# (which sleeps up to 100 ms between tries, for up to busy_timeout = 10 s): it tries, and polls
# every few milliseconds itself, so it takes the write lock in the pause a bulk write leaves
# between two short transactions. Other refusals (a dropped connection) are tried again after a
# short wait. A click the database has not taken within CLICK_PATIENCE goes to a spool file next
# to the database, which `runperiodic` drains; not a table or the cache, which live in the very
# database that refused it (docs/decisions.md). The visitor is redirected either way.

CLICK_PATIENCE = 0.05  # seconds a visitor may wait for their click to be stored
LOCK_POLL = 0.002  # seconds between tries while SQLite's write lock is taken
CLICK_RETRY_DELAYS = (0.005, 0.02)  # before the 2nd and later tries after other refusals


def click_spool_path() -> Path:
    """One JSON line a click; ZICHTBAAR_CLICK_SPOOL, else clicks-spool.jsonl in DATA_DIR."""
    configured = getattr(settings, "ZICHTBAAR_CLICK_SPOOL", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "clicks-spool.jsonl"


@contextlib.contextmanager
def _no_busy_wait() -> Iterator[None]:
    """On SQLite: busy_timeout 0 while a click is stored (we poll instead), then as it was."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    (before,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        if connection.connection is raw:
            raw.execute(f"PRAGMA busy_timeout = {int(before)}")


def store_click(link_id: int, address: str, user_agent: str, *, automated: bool = False) -> bool:
    """Record a click so that it is never lost: True once it is in the database, False when it
    went to the spool instead. IntegrityError (the link is gone) is the caller's to handle."""
    at = timezone.now()
    visitor, flagged = _click_values(address, user_agent, at, automated)
    deadline = time.monotonic() + CLICK_PATIENCE
    tries = 0
    with _no_busy_wait():
        while True:
            try:
                _insert_click(link_id, at, visitor, flagged)
                return True
            except IntegrityError:
                raise
            except OperationalError as exc:
                error: DatabaseError = exc
                locked = "locked" in str(exc) or "busy" in str(exc)
                delay = LOCK_POLL if locked else CLICK_RETRY_DELAYS[min(tries, 1)]
                tries += 1
                if time.monotonic() + delay > deadline:
                    break
                time.sleep(delay)
                if not locked and connection.vendor != "sqlite":
                    connection.close_if_unusable_or_obsolete()  # a broken one is replaced
            except DatabaseError as exc:
                error = exc
                break
    logger.warning("click on link %s kept in the spool after %d tries: %s", link_id, tries, error)
    try:
        spool_click(link_id, at, visitor, flagged)
    except OSError:
        # Nowhere left to keep it; the visitor still gets their redirect.
        logger.exception("lost a click on link %s: the spool cannot be written", link_id)
    return False


def spool_click(link_id: int, at: datetime, visitor: str, flagged: bool) -> None:
    """Append one click to the spool; the visitor's address is not in it, only the hash."""
    line = json.dumps({"link": link_id, "at": at.isoformat(), "visitor": visitor, "bot": flagged})
    path = click_spool_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        # The same lock the drain holds while it reads and empties the file.
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line + "\n")


def drain_click_spool() -> int:
    """Move spooled clicks into the database (`runperiodic`); returns how many were stored.

    The file stays locked from reading to emptying, so a click spooled meanwhile waits and lands
    in the emptied file. If the database still refuses, the file is left as it was.
    """
    path = click_spool_path()
    try:
        handle = path.open("r+", encoding="utf-8")
    except FileNotFoundError:
        return 0
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        clicks = []
        for line in handle:
            try:
                item = json.loads(line)
                clicks.append(
                    Click(
                        link_id=int(item["link"]),
                        at=datetime.fromisoformat(item["at"]),
                        visitor=str(item["visitor"])[:32],
                        is_bot=bool(item["bot"]),
                    )
                )
            except (ValueError, KeyError, TypeError):
                # A line a crashed process left half-written.
                logger.warning("skipped an unreadable line in the click spool %s", path)
        if not clicks:
            handle.truncate(0)
            return 0
        wanted = sorted({click.link_id for click in clicks})
        existing: set[int] = set()
        for start in range(0, len(wanted), 500):
            existing.update(
                TrackedLink.objects.filter(pk__in=wanted[start : start + 500]).values_list(
                    "pk", flat=True
                )
            )
        # A link deleted since takes its clicks with it, as it would have in the database.
        kept = [click for click in clicks if click.link_id in existing]
        with transaction.atomic():
            Click.objects.bulk_create(kept, batch_size=500)
        handle.truncate(0)
    return len(kept)


# --- LinkedIn: connect, disconnect, schedule (docs/linkedin.md) -----------------------------
# The compose page calls `schedule_post` after the check, with the same confirmation rules as
# the composer link; nothing is ever posted that the person did not choose, post by post.

LINKEDIN_SESSION_KEY = "zichtbaar_linkedin_oauth"
LINKEDIN_STATE_MAX_AGE = 600  # seconds from "Connect" to LinkedIn's redirect back
# Self-serve apps get 60 days; when LinkedIn does not say, assume less rather than more.
LINKEDIN_DEFAULT_LIFETIME = timedelta(days=59)
MAX_SCHEDULE_AHEAD = timedelta(days=90)


class LinkedInProblem(Exception):
    """Connecting or scheduling did not work; `reason` is for the person (translated)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def linkedin_start(session: SessionBase, next_url: str = "") -> str:
    """The address of LinkedIn's consent page; the state that must come back is kept in the
    session (one at a time: a second "Connect" replaces the first)."""
    if not linkedin.configured():
        raise LinkedInProblem(_("Connecting LinkedIn is not available here."))
    state = secrets.token_urlsafe(32)
    session[LINKEDIN_SESSION_KEY] = {"state": state, "at": time.time(), "next": next_url}
    return linkedin_client.authorization_url(state)


def linkedin_finish(
    session: SessionBase, user: User, *, code: str, state: str, error: str = ""
) -> tuple[LinkedInConnection, str]:
    """Handle LinkedIn's redirect back: verify the state, exchange the code, read the member
    id, store the token encrypted. Returns the connection and where to go next."""
    saved = session.pop(LINKEDIN_SESSION_KEY, None)
    if (
        not isinstance(saved, dict)
        or not state
        or not hmac.compare_digest(str(saved.get("state", "")), state)
        or time.time() - float(saved.get("at", 0)) > LINKEDIN_STATE_MAX_AGE
    ):
        raise LinkedInProblem(
            _("That link back from LinkedIn has expired or is not yours. Please connect again.")
        )
    next_url = str(saved.get("next") or "")
    if error:
        raise LinkedInProblem(_("LinkedIn is not connected: you did not give permission there."))
    if not code:
        raise LinkedInProblem(_("LinkedIn sent no answer we can use. Please connect again."))
    try:
        token = linkedin_client.exchange_code(code)
        member = linkedin_client.userinfo(token.access_token)
    except linkedin.LinkedInError as exc:
        logger.warning("LinkedIn connect failed for user %s: %s", user.pk, exc.reason)
        raise LinkedInProblem(
            _("LinkedIn could not be connected just now. Please try again in a moment.")
        ) from exc
    if token.scopes and "w_member_social" not in token.scopes:
        raise LinkedInProblem(
            _("LinkedIn did not give permission to post for you, so it is not connected.")
        )
    now = timezone.now()
    lifetime = timedelta(seconds=token.expires_in) if token.expires_in else None
    with transaction.atomic():
        connection_row, _created = LinkedInConnection.objects.update_or_create(
            user=user,
            defaults={
                "member_sub": member.sub,
                "name": member.name[:200],
                "token": linkedin_tokens.encrypt(token.access_token),
                "scopes": " ".join(token.scopes)[:300],
                "expires_at": now + (lifetime or LINKEDIN_DEFAULT_LIFETIME),
                "state": ConnectionState.CONNECTED,
                "connected_at": now,
            },
        )
        resume_waiting_posts(user, now=now)
    return connection_row, next_url


def resume_waiting_posts(user: User, now: datetime | None = None) -> int:
    """After a (re)connect: the person's posts that waited for it go back in the queue."""
    now = now or timezone.now()
    waiting = LinkedInPost.objects.filter(membership__user=user, state=PostState.WAITING)
    org_ids = set(waiting.values_list("org_id", flat=True))
    # The chosen time has passed while it waited: it goes out now (and the retry window of
    # the worker counts from now, not from a time days ago).
    ids = list(waiting.values_list("pk", flat=True))
    LinkedInPost.objects.filter(pk__in=ids, state=PostState.WAITING, run_at__lt=now).update(
        run_at=now
    )
    count = LinkedInPost.objects.filter(pk__in=ids, state=PostState.WAITING).update(
        state=PostState.QUEUED, next_try_at=F("run_at"), problem=PostProblem.NONE, reason=""
    )
    for org_id in sorted(org_ids):
        jobs.enqueue("sharing.post_linkedin", org_id)
    return count


def linkedin_disconnect(user: User) -> int:
    """Forget the person's LinkedIn token (and ask LinkedIn to revoke it, best effort); their
    scheduled posts are cancelled, never posted later by surprise. Returns how many."""
    found = LinkedInConnection.objects.filter(user=user).first()
    if found is None:
        return 0
    if found.token:
        try:
            linkedin_client.revoke(linkedin_tokens.decrypt(found.token))
        except (linkedin.LinkedInError, linkedin_tokens.Unreadable) as exc:
            # Forgotten here either way; LinkedIn drops it at expiry.
            logger.info("LinkedIn did not confirm revoking a token: %s", exc)
        except Exception:  # a misconfigured secret must not keep a token around
            logger.warning("could not ask LinkedIn to revoke a token", exc_info=True)
    with transaction.atomic():
        LinkedInConnection.objects.filter(pk=found.pk).update(
            token="", state=ConnectionState.REVOKED, updated_at=timezone.now()
        )
        cancelled = LinkedInPost.objects.filter(
            membership__user=user, state__in=[PostState.QUEUED, PostState.WAITING]
        ).update(state=PostState.CANCELLED, problem=PostProblem.DISCONNECTED, claimed_by="")
    return cancelled


def post_idempotency(membership: Membership, moment: Moment, text: str) -> str:
    raw = f"{membership.pk}:{moment.pk}:{text}".encode()
    return hashlib.sha256(raw).hexdigest()


def schedule_post(
    membership: Membership,
    moment: Moment,
    text: str,
    when: datetime | None = None,
    *,
    with_image: bool = True,
    angle: str = "",
) -> LinkedInPost:
    """Post `text` on the person's LinkedIn now (`when` None or past) or at `when`.

    For the compose page, once the check has run and the person confirmed as for the
    composer link. Idempotent: the same person, moment and text give the same row (a double
    click schedules once); a failed or cancelled one is scheduled again, a queued one moves to
    the new time. Raises LinkedInProblem (translated) when it cannot be scheduled.
    """
    now = timezone.now()
    run_at = max(when or now, now)
    if not linkedin.configured():
        raise LinkedInProblem(_("Posting through LinkedIn is not available here."))
    if moment.org_id != membership.org_id or not membership.is_active:
        raise LinkedInProblem(_("This moment is not one of your organisation's."))
    if not text.strip():
        raise LinkedInProblem(_("There is no text to post yet."))
    if len(text) > MAX_POST_LENGTH:
        raise LinkedInProblem(
            _("LinkedIn takes at most %(n)s characters; please shorten the text.")
            % {"n": MAX_POST_LENGTH}
        )
    if moment.status != MomentStatus.PUBLISHED:
        raise LinkedInProblem(_("This moment is not published, so it cannot be shared."))
    if moment.shareable_from and run_at < moment.shareable_from:
        raise LinkedInProblem(
            _("This moment may be shared from %(when)s; choose that time or later.")
            % {"when": timezone.localtime(moment.shareable_from).strftime("%Y-%m-%d %H:%M")}
        )
    if moment.shareable_until and run_at > moment.shareable_until:
        raise LinkedInProblem(_("This moment may not be shared any more at that time."))
    if run_at > now + MAX_SCHEDULE_AHEAD:
        raise LinkedInProblem(_("Choose a time within the next 90 days."))
    found = LinkedInConnection.objects.filter(user_id=membership.user_id).first()
    if found is None or found.state == ConnectionState.REVOKED or not found.token:
        raise LinkedInProblem(_("Connect your LinkedIn account first."))
    key = post_idempotency(membership, moment, text)
    fields = {
        "org_id": membership.org_id,
        "membership": membership,
        "moment": moment,
        "text": text,
        "angle": angle[:40],
        "with_image": with_image and bool(moment.image),
        "run_at": run_at,
        "next_try_at": run_at,
        "state": PostState.QUEUED,
        "idempotency": key,
    }
    try:
        with transaction.atomic():
            post = LinkedInPost.objects.create(**fields)
    except IntegrityError:
        post = LinkedInPost.objects.get(idempotency=key)
        again = {"run_at": run_at, "next_try_at": run_at, "with_image": fields["with_image"]}
        if post.state in (PostState.FAILED, PostState.CANCELLED):
            LinkedInPost.objects.filter(pk=post.pk, state=post.state).update(
                state=PostState.QUEUED,
                attempts=0,
                throttled=0,
                problem=PostProblem.NONE,
                reason="",
                **again,
            )
        elif post.state == PostState.QUEUED:
            LinkedInPost.objects.filter(pk=post.pk, state=PostState.QUEUED).update(**again)
        post.refresh_from_db()
    if post.state == PostState.QUEUED and post.next_try_at <= now:
        jobs.enqueue("sharing.post_linkedin", membership.org_id)
    return post


def cancel_post(membership: Membership, post_id: int) -> bool:
    """The person takes back a post that has not gone out yet."""
    return bool(
        LinkedInPost.objects.filter(
            pk=post_id,
            membership=membership,
            state__in=[PostState.QUEUED, PostState.WAITING],
        ).update(state=PostState.CANCELLED, problem=PostProblem.CANCELLED)
    )


def rotate_linkedin_keys() -> tuple[int, int]:
    """Re-encrypt every stored token with the first key; (rotated, unreadable). A token no key
    opens is wiped and its connection marked expired: the person reconnects."""
    rotated = unreadable = 0
    for row in LinkedInConnection.objects.exclude(token="").only("pk", "token").iterator():
        try:
            value = linkedin_tokens.rotate(row.token)
        except linkedin_tokens.Unreadable:
            LinkedInConnection.objects.filter(pk=row.pk).update(
                token="", state=ConnectionState.EXPIRED
            )
            unreadable += 1
            continue
        LinkedInConnection.objects.filter(pk=row.pk, token=row.token).update(token=value)
        rotated += 1
    return rotated, unreadable
