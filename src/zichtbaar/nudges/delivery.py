"""The outbox worker: claim due rows, send them, and record what happened.

A worker claims rows with a conditional UPDATE (`status = queued AND next_try_at <= now`), so
two workers never send the same row; a row stuck in `sending` (a worker that died) is put back
after a lease.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zichtbaar.nudges.channels import Permanent, Retry, slack, teams
from zichtbaar.nudges.channels.email import Mailer
from zichtbaar.nudges.models import Channel, Message, Status

LEASE = timedelta(minutes=10)  # a row in `sending` longer than this belonged to a dead worker
MAX_ATTEMPTS = 8
BATCH = 200


def reclaim_stale(now: datetime | None = None, lease: timedelta = LEASE) -> int:
    """Put rows of a worker that died while sending back in the queue; a row whose workers
    died MAX_ATTEMPTS times fails for good (it may be what kills them)."""
    now = now or timezone.now()
    stale = Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        claimed_by="",
        last_error=_("Gave up after %(n)s attempts: the worker stopped while sending")
        % {"n": MAX_ATTEMPTS},
    )
    return stale.update(
        status=Status.QUEUED,
        claimed_by="",
        next_try_at=now,
        last_error="The worker stopped while sending; trying again",
    )


def claim(org_id: int | None, limit: int = BATCH, now: datetime | None = None) -> list[Message]:
    """Claim up to `limit` due rows with one conditional UPDATE; only rows still queued at
    that moment become ours, so concurrent workers get disjoint sets."""
    now = now or timezone.now()
    due = Message.objects.filter(status=Status.QUEUED, next_try_at__lte=now)
    if org_id is not None:
        due = due.filter(org_id=org_id)
    ids = list(due.order_by("next_try_at", "id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4().hex
    Message.objects.filter(pk__in=ids, status=Status.QUEUED, next_try_at__lte=now).update(
        status=Status.SENDING, claimed_by=token, claimed_at=now, attempts=F("attempts") + 1
    )
    return list(Message.objects.filter(claimed_by=token, status=Status.SENDING).order_by("id"))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _mine(message: Message) -> Any:
    return Message.objects.filter(
        pk=message.pk, claimed_by=message.claimed_by, status=Status.SENDING
    )


def mark_sent(message: Message) -> None:
    """The same conditional UPDATE as `_mine(message).update(...)`, in plain SQL: it runs once
    per message sent, and building the query through the ORM cost more than running it."""
    table = connection.ops.quote_name(Message._meta.db_table)
    sent_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, last_error = '', claimed_by = '' "  # noqa: S608 (the table name is ours)
            "WHERE id = %s AND claimed_by = %s AND status = %s",
            [Status.SENT.value, sent_at, message.pk, message.claimed_by, Status.SENDING.value],
        )


def mark_failed(message: Message, error: Permanent | Retry, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if isinstance(error, Permanent) or message.attempts >= MAX_ATTEMPTS:
        reason = error.reason
        if isinstance(error, Retry):
            reason = _("Gave up after %(n)s attempts: %(reason)s") % {
                "n": message.attempts,
                "reason": reason,
            }
        _mine(message).update(status=Status.FAILED, last_error=reason[:2000], claimed_by="")
        return
    wait = timedelta(seconds=error.retry_after) if error.retry_after else backoff(message.attempts)
    _mine(message).update(
        status=Status.QUEUED, next_try_at=now + wait, last_error=error.reason[:2000], claimed_by=""
    )


def release(messages: list[Message], error: Retry, now: datetime | None = None) -> None:
    """Give back rows this worker never tried (the channel was down): not an attempt."""
    now = now or timezone.now()
    for m in messages:
        _mine(m).update(
            status=Status.QUEUED,
            claimed_by="",
            attempts=F("attempts") - 1,
            next_try_at=now + backoff(max(m.attempts, 1)),
            last_error=error.reason[:2000],
        )


def message_id(message: Message) -> str:
    """The same Message-ID on every attempt, so a receiving server can drop a repeat."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<nudge-{message.pk}-{message.key.replace(':', '-')}@{host}>"


@dataclass
class Delivered:
    sent: int = 0
    retry: int = 0
    failed: int = 0


def send_batch(messages: list[Message], mailer: Mailer) -> Delivered:
    result = Delivered()
    for i, message in enumerate(messages):
        try:
            if message.channel == Channel.EMAIL:
                mailer.send(
                    to=message.to,
                    subject=message.subject,
                    text=message.body_text,
                    html=message.body_html,
                    headers={**message.headers, "Message-ID": message_id(message)},
                )
            elif message.channel == Channel.SLACK:
                slack.send(message.to, message.payload)
            elif message.channel == Channel.TEAMS:
                teams.send(message.to, message.payload)
            else:
                raise Permanent(f"Unknown channel {message.channel}")
        except Retry as error:
            mark_failed(message, error)
            result.retry += 1
            if message.channel == Channel.EMAIL and mailer.connection is None:
                # The mail server is unreachable: the other e-mails wait for the next round.
                rest = [m for m in messages[i + 1 :] if m.channel == Channel.EMAIL]
                release(rest, error)
                result.retry += len(rest)
                others = [m for m in messages[i + 1 :] if m.channel != Channel.EMAIL]
                more = send_batch(others, mailer)
                result.sent += more.sent
                result.retry += more.retry
                result.failed += more.failed
                return result
        except Permanent as error:
            mark_failed(message, error)
            result.failed += 1
        else:
            mark_sent(message)
            result.sent += 1
    return result


def deliver(org_id: int | None = None, *, max_batches: int = 50) -> Delivered:
    """Send what is due: claim a batch, send it over one connection, repeat."""
    reclaim_stale()
    total = Delivered()
    with Mailer() as mailer:
        for _batch in range(max_batches):
            messages = claim(org_id)
            if not messages:
                break
            done = send_batch(messages, mailer)
            total.sent += done.sent
            total.retry += done.retry
            total.failed += done.failed
            if done.sent == 0 and done.retry:
                break  # everything is waiting for a channel to come back
    return total


def orgs_with_due_messages(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Message.objects.filter(status=Status.QUEUED, next_try_at__lte=now)
        .values_list("org_id", flat=True)
        .distinct()
        .order_by("org_id")
    )
