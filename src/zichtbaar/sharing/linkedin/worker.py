"""The LinkedIn outbox worker: claim due posts, publish them, record what happened.

Every post is first a `LinkedInPost` row (services.schedule_post). A worker claims rows with
one conditional UPDATE (`state = queued AND next_try_at <= now`), so two workers never send
the same row; a row left in `sending` by a worker that died goes back in the queue after
LEASE. Published at most once: before the request that creates the post the row is marked
`reached`; from then on LinkedIn's 422 DUPLICATE_POST (it refuses an identical post by the
same member) means that an earlier attempt went out, and the row counts as sent. Retries send
exactly the same body (the same text, the same uploaded image), so LinkedIn recognises it.

- 429: try again when LinkedIn says (Retry-After), else with backoff; not counted as an attempt.
- 5xx, 408, a timeout, no connection: try again with backoff, at most MAX_ATTEMPTS times and
  not later than GIVE_UP_AFTER past the chosen time.
- 401: the connection is marked expired and the post waits for the person to reconnect.
- Other 4xx (and 426 for a retired API version): not posted, with the reason.
A successful post records the share with its URN and address.
"""

from __future__ import annotations

import logging
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zichtbaar.moments.models import MomentStatus
from zichtbaar.orgs import jobs
from zichtbaar.sharing import linkedin
from zichtbaar.sharing.linkedin import client, little, tokens
from zichtbaar.sharing.linkedin.analytics import start_reading
from zichtbaar.sharing.models import (
    ConnectionState,
    LinkedInConnection,
    LinkedInPost,
    PostProblem,
    PostState,
)
from zichtbaar.sharing.services import record_share

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a row in `sending` longer than this belonged to a dead worker
MAX_ATTEMPTS = 8
GIVE_UP_AFTER = timedelta(hours=48)  # past the chosen time, a post is no longer what they chose
BATCH = 10  # rows a worker claims at once (each may take a few requests)


def reclaim_stale(now: datetime | None = None, lease: timedelta = LEASE) -> int:
    """Put posts of a worker that died while posting back in the queue. Whether that worker's
    request reached LinkedIn is unknown; `reached` stays set, so a DUPLICATE_POST answer on
    the next try counts as sent."""
    now = now or timezone.now()
    stale = LinkedInPost.objects.filter(state=PostState.SENDING, claimed_at__lt=now - lease)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=PostState.FAILED,
        claimed_by="",
        problem=PostProblem.GAVE_UP,
        reason=f"the worker stopped while posting, {MAX_ATTEMPTS} times",
    )
    return stale.update(
        state=PostState.QUEUED,
        claimed_by="",
        next_try_at=now,
        reason="the worker stopped while posting; trying again",
    )


def claim(
    org_id: int | None, limit: int = BATCH, now: datetime | None = None
) -> list[LinkedInPost]:
    """Claim up to `limit` due posts with one conditional UPDATE; only rows still queued at
    that moment become ours, so concurrent workers get disjoint sets."""
    now = now or timezone.now()
    due = LinkedInPost.objects.filter(state=PostState.QUEUED, next_try_at__lte=now)
    if org_id is not None:
        due = due.filter(org_id=org_id)
    ids = list(due.order_by("next_try_at", "id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4().hex
    LinkedInPost.objects.filter(pk__in=ids, state=PostState.QUEUED, next_try_at__lte=now).update(
        state=PostState.SENDING, claimed_by=token, claimed_at=now, attempts=F("attempts") + 1
    )
    return list(
        LinkedInPost.objects.filter(claimed_by=token, state=PostState.SENDING)
        .select_related("membership__user", "moment")
        .order_by("id")
    )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _mine(post: LinkedInPost) -> Any:
    return LinkedInPost.objects.filter(
        pk=post.pk, claimed_by=post.claimed_by, state=PostState.SENDING
    )


def _finish(
    post: LinkedInPost, state: str, problem: str = "", reason: str = "", **more: Any
) -> int:
    return int(
        _mine(post).update(
            state=state, problem=problem, reason=reason[:2000], claimed_by="", **more
        )
    )


def mark_sent(post: LinkedInPost, urn: str, now: datetime) -> bool:
    """Sent: the row and its share, in one transaction; False when the row was no longer ours
    (its lease ran out and another worker took it: that one records it)."""
    address = linkedin.post_url(urn) if urn else ""
    with transaction.atomic():
        if not _finish(post, PostState.SENT, post_urn=urn, post_url=address, sent_at=now):
            return False
        share = record_share(
            moment=post.moment,
            user=post.membership.user,
            text=post.text,
            post_url=address,
            angle=post.angle,
            shared_at=now,
        )
        LinkedInPost.objects.filter(pk=post.pk).update(share=share)
    return True


def _retry(post: LinkedInPost, error: linkedin.Retry, now: datetime) -> str:
    if isinstance(error, linkedin.Throttled):
        throttled = post.throttled + 1
        wait = timedelta(seconds=error.retry_after) if error.retry_after else backoff(throttled)
        attempts = max(post.attempts - 1, 0)  # LinkedIn's limit, not the post's fault
    else:
        throttled = post.throttled
        wait = timedelta(seconds=error.retry_after) if error.retry_after else backoff(post.attempts)
        attempts = post.attempts
    if attempts >= MAX_ATTEMPTS or now + wait > post.run_at + GIVE_UP_AFTER:
        maybe = (
            " It may have been published: please look at your LinkedIn feed."
            if post.reached
            else ""
        )
        _finish(
            post,
            PostState.FAILED,
            PostProblem.GAVE_UP,
            f"gave up after {post.attempts} attempts: {error.reason}.{maybe}",
        )
        return "failed"
    _mine(post).update(
        state=PostState.QUEUED,
        claimed_by="",
        attempts=attempts,
        throttled=throttled,
        next_try_at=now + wait,
        reason=error.reason[:2000],
    )
    return "retry"


def _wait(post: LinkedInPost, problem: str, reason: str = "") -> str:
    _finish(post, PostState.WAITING, problem, reason, attempts=max(post.attempts - 1, 0))
    return "waiting"


def _expire(connection: LinkedInConnection) -> None:
    LinkedInConnection.objects.filter(pk=connection.pk, state=ConnectionState.CONNECTED).update(
        state=ConnectionState.EXPIRED
    )


def _image(post: LinkedInPost) -> tuple[bytes, str]:
    image = post.moment.image
    with image.open("rb") as handle:
        data = handle.read()
    kind = mimetypes.guess_type(image.name or "")[0] or "application/octet-stream"
    return data, kind


def send_one(post: LinkedInPost, now: datetime | None = None) -> str:
    """Publish one claimed post; returns "sent", "retry", "waiting" or "failed"."""
    now = now or timezone.now()
    moment = post.moment
    membership = post.membership
    if not membership.is_active:
        _finish(post, PostState.FAILED, PostProblem.LEFT)
        return "failed"
    if now > post.run_at + GIVE_UP_AFTER:
        # Days late (the worker did not run): no longer the time the person chose.
        maybe = (
            " It may have been published: please look at your LinkedIn feed."
            if post.reached
            else ""
        )
        _finish(post, PostState.FAILED, PostProblem.GAVE_UP, f"more than 48 hours late.{maybe}")
        return "failed"
    if moment.status != MomentStatus.PUBLISHED:
        _finish(post, PostState.FAILED, PostProblem.WITHDRAWN)
        return "failed"
    if moment.shareable_until and moment.shareable_until < now:
        _finish(post, PostState.FAILED, PostProblem.MOMENT_EXPIRED)
        return "failed"
    if moment.shareable_from and moment.shareable_from > now:
        # The embargo moved after it was scheduled: it goes out once the moment may be shared.
        _mine(post).update(
            state=PostState.QUEUED,
            claimed_by="",
            attempts=max(post.attempts - 1, 0),
            next_try_at=moment.shareable_from,
        )
        return "retry"
    connection = LinkedInConnection.objects.filter(user_id=membership.user_id).first()
    if connection is None or connection.state == ConnectionState.REVOKED or not connection.token:
        return _wait(post, PostProblem.NOT_CONNECTED)
    if connection.state == ConnectionState.EXPIRED or connection.expires_at <= now:
        _expire(connection)
        return _wait(post, PostProblem.EXPIRED)
    try:
        access = tokens.decrypt(connection.token)
    except tokens.Unreadable:
        _expire(connection)
        return _wait(post, PostProblem.EXPIRED, "the stored token cannot be decrypted")
    shown, complete = little.render(little.commentary(post.text))
    if not complete or shown != post.text:  # never send what LinkedIn would cut or change
        _finish(post, PostState.FAILED, PostProblem.REFUSED, "the text cannot be sent intact")
        return "failed"
    reached_before = post.reached
    try:
        image_urn = post.image_urn
        if post.with_image and moment.image and not image_urn:
            upload = client.initialize_image_upload(access, sub=connection.member_sub)
            data, kind = _image(post)
            client.upload_image(access, upload, data, kind)
            image_urn = upload.image_urn
            _mine(post).update(image_urn=image_urn)
        if not reached_before:
            _mine(post).update(reached=True)
            post.reached = True
        urn = client.create_post(
            access, sub=connection.member_sub, text=post.text, image_urn=image_urn
        )
    except linkedin.Duplicate as error:
        if reached_before:
            # An earlier attempt (a timeout, a worker that died) published it.
            return "sent" if mark_sent(post, error.urn, now) else "lost"
        _finish(post, PostState.FAILED, PostProblem.DUPLICATE, error.reason)
        return "failed"
    except linkedin.Unauthorized as error:
        _expire(connection)
        return _wait(post, PostProblem.EXPIRED, error.reason)
    except linkedin.VersionRetired as error:
        logger.error("LinkedIn refused the API version: %s", error.reason)
        _finish(post, PostState.FAILED, PostProblem.VERSION, error.reason)
        return "failed"
    except linkedin.Retry as error:
        return _retry(post, error, now)
    except linkedin.Permanent as error:
        _finish(post, PostState.FAILED, PostProblem.REFUSED, error.reason)
        return "failed"
    except OSError as error:  # the moment's image file is gone
        _finish(post, PostState.FAILED, PostProblem.REFUSED, f"the image cannot be read: {error}")
        return "failed"
    return "sent" if mark_sent(post, urn, now) else "lost"


@dataclass
class Done:
    sent: int = 0
    retry: int = 0
    waiting: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retry": self.retry,
            "waiting": self.waiting,
            "failed": self.failed,
        }


def post_due(
    org_id: int | None = None, *, now: datetime | None = None, max_batches: int = 20
) -> Done:
    """Publish what is due (one organisation, or all): claim a batch, post it, repeat."""
    reclaim_stale(now)
    done = Done()
    for _batch in range(max_batches):
        posts = claim(org_id, now=now)
        if not posts:
            break
        for post in posts:
            outcome = send_one(post, now)
            if outcome == "sent":
                done.sent += 1
            elif outcome == "retry":
                done.retry += 1
            elif outcome == "waiting":
                done.waiting += 1
            elif outcome == "failed":
                done.failed += 1
    return done


def orgs_with_due_posts(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        LinkedInPost.objects.filter(state=PostState.QUEUED, next_try_at__lte=now)
        .values_list("org_id", flat=True)
        .distinct()
        .order_by("org_id")
    )


def start_due(now: datetime | None = None) -> int:
    """From `runperiodic`: put back posts of dead workers and start a posting job for each
    organisation with due posts (scheduled ones reach their time this way). Returns the
    number of jobs."""
    reclaim_stale(now)
    due = orgs_with_due_posts(now)
    for org_id in due:
        jobs.enqueue("sharing.post_linkedin", org_id)
    start_reading(now)  # what posts reached, once a day each (only with the permission)
    return len(due)
