"""Writes and workflows for nudges: preferences, queueing messages, and the outbox worker.

Every outgoing message is first a `Message` row. A worker claims rows with a conditional
UPDATE (`status = queued AND next_try_at <= now`), so two workers never send the same row;
a row stuck in `sending` (a worker that died) is put back after a lease. Rows are unique by
`key` (person, kind, moment or period), so queueing anything twice never sends twice.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zichtbaar.impact import services as impact_services
from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.nudges import emails, selectors
from zichtbaar.nudges.channels import Permanent, Retry, slack, teams
from zichtbaar.nudges.channels.email import Mailer
from zichtbaar.nudges.models import (
    CAPPED_KINDS,
    Channel,
    Frequency,
    Kind,
    Message,
    Preference,
    Status,
    Webhook,
    new_feed_token,
)
from zichtbaar.orgs.models import Membership, Organisation
from zichtbaar.sharing.models import Share

LEASE = timedelta(minutes=10)  # a row in `sending` longer than this belonged to a dead worker
MAX_ATTEMPTS = 8
BATCH = 200
MIN_GAP: dict[str, int] = {Frequency.WEEKLY: 6, Frequency.BIWEEKLY: 13, Frequency.MONTHLY: 27}
UNSUBSCRIBE_SALT = "zichtbaar.nudges.unsubscribe"
REMIND_BEFORE = timedelta(hours=48)


# --- preferences ---------------------------------------------------------------------------


def preference_for(membership: Membership) -> Preference:
    pref, _created = Preference.objects.get_or_create(membership=membership)
    pref.membership = membership
    return pref


def preferences_for(memberships: Iterable[Membership]) -> dict[int, Preference]:
    people = {m.pk: m for m in memberships}
    have = set(
        Preference.objects.filter(membership_id__in=people).values_list("membership_id", flat=True)
    )
    Preference.objects.bulk_create(
        [Preference(membership_id=pk) for pk in people if pk not in have], ignore_conflicts=True
    )
    prefs = {p.membership_id: p for p in Preference.objects.filter(membership_id__in=people)}
    for pk, pref in prefs.items():
        pref.membership = people[pk]
    return prefs


def reset_feed(pref: Preference) -> Preference:
    """Revoke the old calendar address and make a new one."""
    pref.feed_token = new_feed_token()
    pref.save(update_fields=["feed_token", "updated_at"])
    return pref


def unsubscribe_token(membership_id: int) -> str:
    return signing.dumps(membership_id, salt=UNSUBSCRIBE_SALT)


def membership_from_token(token: str) -> Membership | None:
    try:
        membership_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(membership_id, int):
        return None
    return Membership.objects.select_related("org", "user").filter(pk=membership_id).first()


def unsubscribe_url(membership_id: int) -> str:
    return settings.SITE_URL + _unsubscribe_path().replace(
        "TOKEN", unsubscribe_token(membership_id)
    )


@functools.cache
def _unsubscribe_path() -> str:
    # Reversed once: a signed token has only URL-safe characters (base64url and ':').
    return reverse("nudges:unsubscribe", args=["TOKEN"])


def unsubscribe(membership: Membership) -> None:
    """Stop every e-mail nudge; queued ones are not sent."""
    with transaction.atomic():
        pref = preference_for(membership)
        pref.email = False
        pref.unsubscribed_at = timezone.now()
        pref.save(update_fields=["email", "unsubscribed_at", "updated_at"])
        Message.objects.filter(
            membership=membership, channel=Channel.EMAIL, status=Status.QUEUED
        ).update(status=Status.FAILED, last_error="Unsubscribed before it was sent")


def resubscribe(membership: Membership) -> None:
    pref = preference_for(membership)
    pref.email = True
    pref.unsubscribed_at = None
    pref.save(update_fields=["email", "unsubscribed_at", "updated_at"])


# --- time ----------------------------------------------------------------------------------


def period_key(frequency: str, day: date) -> str:
    year, week, _weekday = day.isocalendar()
    if frequency == Frequency.BIWEEKLY:
        return f"{year}-F{(week - 1) // 2:02d}"
    if frequency == Frequency.MONTHLY:
        return f"{day.year}-M{day.month:02d}"
    return f"{year}-W{week:02d}"


def is_quiet(pref: Preference, when: datetime) -> bool:
    local = timezone.localtime(when)
    if local.weekday() in (pref.quiet_days or []):
        return True
    start, end, now = pref.quiet_start, pref.quiet_end, local.time()
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


def next_allowed(pref: Preference, now: datetime) -> datetime:
    """The first moment at or after `now` outside the person's quiet hours and days."""
    when = now
    for _step in range(8 * 24 * 4):
        if not is_quiet(pref, when):
            return when
        when = (when + timedelta(minutes=15)).replace(second=0, microsecond=0)
        when -= timedelta(minutes=when.minute % 15)
    return now  # every moment is quiet: don't hold the message forever


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def used_this_week(membership_ids: list[int], now: datetime) -> dict[int, int]:
    """Capped nudges (not failed) in the last seven days, per person; one query."""
    return dict(
        Message.objects.filter(
            membership_id__in=membership_ids,
            kind__in=CAPPED_KINDS,
            created_at__gt=now - timedelta(days=7),
        )
        .exclude(status=Status.FAILED)
        .values("membership_id")
        .annotate(n=Count("id"))
        .values_list("membership_id", "n")
        .order_by()
    )


# --- queueing ------------------------------------------------------------------------------


def _enqueue_delivery(org_id: int | None, rows: int = 1) -> None:
    """After the transaction commits: a delivery job per batch, keeping the organisation."""
    from zichtbaar.nudges import tasks

    def go() -> None:
        for _i in range(max(1, -(-rows // BATCH))):
            tasks.enqueue(tasks.deliver_outbox, org_id)

    transaction.on_commit(go)


def _create(deliver: bool, row: Message | None = None, **fields: Any) -> Message | None:
    """Save an outbox row (`row`, or one made of `fields`); None when its key exists."""
    message = row if row is not None else Message(**fields)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return None  # the same nudge was queued before: never a second copy
    if deliver:
        _enqueue_delivery(message.org_id)
    return message


def store_and_deliver(message: Message) -> Message:
    """An e-mail of the product's own (channels/outbox.py): saved, then sent after commit."""
    saved = _create(True, message)
    assert saved is not None  # noqa: S101 - its key is new
    return saved


def render_email(kind: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    return emails.render(kind, context, language)


def email_headers(membership_id: int, kind: str, unsubscribe: str = "") -> dict[str, str]:
    """One-click unsubscribe (RFC 8058), a mark for auto-responders (RFC 3834) and the kind
    of nudge (for mail filters). `unsubscribe`: the link already made for the body."""
    return {
        "X-Zichtbaar-Nudge": kind,
        "List-Unsubscribe": f"<{unsubscribe or unsubscribe_url(membership_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


@functools.cache
def _preferences_path() -> str:
    return reverse("nudges:preferences")


def email_context(membership: Membership, pref: Preference, **extra: Any) -> dict[str, Any]:
    return {
        "person": membership.user,
        "org": membership.org,
        "pref": pref,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(membership.pk),
        "preferences_url": settings.SITE_URL + _preferences_path(),
        **extra,
    }


def may_email(pref: Preference) -> bool:
    return pref.email and pref.unsubscribed_at is None and pref.membership.is_active


def queue_email(
    membership: Membership,
    pref: Preference,
    *,
    key: str,
    deliver: bool = True,
    **fields: Any,
) -> Message | None:
    """Render and save one e-mail (`fields` as for `email_row`), once per key."""
    if Message.objects.filter(key=key).exists():
        return None
    return _create(deliver, email_row(membership, pref, key=key, **fields))


def email_row(
    membership: Membership,
    pref: Preference,
    *,
    kind: str,
    key: str,
    now: datetime,
    moment: Moment | None = None,
    template: str | None = None,
    context: dict[str, Any] | None = None,
    respect_quiet: bool = True,
) -> Message:
    """The outbox row of one e-mail, rendered, not yet saved."""
    ctx = email_context(membership, pref, **(context or {}))
    subject, text, html = render_email(template or kind, ctx, pref.lang)
    return Message(
        org_id=membership.org_id,
        membership=membership,
        moment=moment,
        key=key,
        channel=Channel.EMAIL,
        kind=kind,
        to=membership.user.email,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=email_headers(membership.pk, kind, ctx["unsubscribe_url"]),
        next_try_at=next_allowed(pref, now) if respect_quiet else now,
        created_at=now,
    )


def digest_is_due(pref: Preference, now: datetime) -> bool:
    return bool(due_for_digest([pref], now))


def due_for_digest(prefs: list[Preference], now: datetime) -> list[Preference]:
    """Who gets a digest now: e-mail on, not `off`, under their weekly cap, and no digest
    within the gap of their frequency. Two queries, however many people."""
    open_ = [p for p in prefs if p.frequency != Frequency.OFF and may_email(p)]
    ids = [p.membership_id for p in open_]
    if not ids:
        return []
    used = used_this_week(ids, now)
    last = dict(
        Message.objects.filter(membership_id__in=ids, kind=Kind.DIGEST)
        .values("membership_id")
        .annotate(last=Max("created_at"))
        .values_list("membership_id", "last")
        .order_by()
    )
    return [
        p
        for p in open_
        if used.get(p.membership_id, 0) < p.max_per_week
        and (
            last.get(p.membership_id) is None
            or last[p.membership_id] <= now - timedelta(days=MIN_GAP.get(p.frequency, 6))
        )
    ]


def digest_key(pref: Preference, now: datetime) -> str:
    """One digest per person and period of their frequency (weekly when it is off)."""
    frequency = pref.frequency if pref.frequency != Frequency.OFF else Frequency.WEEKLY
    return f"digest:{pref.membership_id}:{period_key(frequency, timezone.localdate(now))}"


def count_new_clicks() -> None:
    """Sum the clicks that arrived since the last rollup before digests are written: the
    digest's "your links were clicked N times" then is what My impact shows (both read
    `impact.selectors.clicks_brought`), and never lags because nobody opened a page."""
    impact_services.rollup_clicks()


def queue_digest(
    membership: Membership,
    pref: Preference,
    *,
    now: datetime,
    deliver: bool = True,
) -> Message | None:
    """The digest for this person's current period, once (the key holds the period)."""
    key = digest_key(pref, now)
    if Message.objects.filter(key=key).exists():
        return None
    count_new_clicks()
    with translation.override(pref.lang):
        digest = selectors.digest_for(membership)
    if digest.is_empty:
        return None
    return queue_email(
        membership,
        pref,
        kind=Kind.DIGEST,
        key=key,
        now=now,
        context={"digest": digest},
        deliver=deliver,
    )


def queue_test_digest(membership: Membership) -> Message | None:
    """A comms lead's own digest, now, marked as a test; never counts towards the cap."""
    pref = preference_for(membership)
    count_new_clicks()
    with translation.override(pref.lang):
        digest = selectors.digest_for(membership)
    return queue_email(
        membership,
        pref,
        kind=Kind.TEST,
        key=f"test:{membership.pk}:{uuid.uuid4().hex}",
        now=timezone.now(),
        template="digest",
        context={"digest": digest, "is_test": True},
        respect_quiet=False,
    )


DIGEST_CHUNK = 500  # people per transaction: bounded memory, and sending starts early


def queue_digests(
    org: Organisation,
    *,
    force: bool = False,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Queue the digest for everyone in the organisation who is due (`force`: everyone who
    receives e-mail nudges, regardless of their schedule and cap; still once per period).

    People are taken in chunks; each chunk is read with a fixed number of queries, written
    in one transaction and handed to delivery when it commits, so sending starts while the
    next chunk renders. `progress(done, total)` is called after each chunk.
    """
    now = now or timezone.now()
    count_new_clicks()
    chunks = digest_chunks(org)
    total = sum(len(c) for c in chunks)
    queued = done = 0
    for ids in chunks:
        queued += queue_digests_of(org, ids, force=force, now=now, period=now)
        done += len(ids)
        if progress:
            progress(done, total)
    return queued


def digest_chunks(org: Organisation) -> list[list[int]]:
    """The organisation's active people in chunks of DIGEST_CHUNK membership ids."""
    ids = list(
        Membership.objects.filter(org=org, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [ids[i : i + DIGEST_CHUNK] for i in range(0, len(ids), DIGEST_CHUNK)]


def queue_digests_of(
    org: Organisation,
    membership_ids: list[int],
    *,
    force: bool,
    now: datetime | None = None,
    period: datetime | None = None,
) -> int:
    """One chunk: read with a fixed number of queries, written in one transaction.

    `period`: the moment that decides which digest period this is (the same for every chunk
    of one run, even when a chunk job runs late); quiet hours and expiry use `now`.
    """
    now = now or timezone.now()
    chunk = list(
        Membership.objects.filter(org=org, is_active=True, pk__in=membership_ids)
        .select_related("user__profile", "org", "team")
        .order_by("pk")
    )
    return _queue_digest_chunk(org, chunk, force=force, now=now, period=period or now)


def _queue_digest_chunk(
    org: Organisation,
    memberships: list[Membership],
    *,
    force: bool,
    now: datetime,
    period: datetime | None = None,
) -> int:
    prefs = list(preferences_for(memberships).values())
    if force:
        due = [p for p in prefs if p.frequency != Frequency.OFF and may_email(p)]
    else:
        due = due_for_digest(prefs, now)
    keys = {p.membership_id: digest_key(p, period or now) for p in due}
    sent_before = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    due = [p for p in due if keys[p.membership_id] not in sent_before]
    digests = selectors.digests_for([p.membership for p in due], now=now)
    rows = [
        email_row(
            p.membership,
            p,
            kind=Kind.DIGEST,
            key=keys[p.membership_id],
            now=now,
            context={"digest": digests[p.membership_id]},
        )
        for p in due
        if not digests[p.membership_id].is_empty
    ]
    if not rows:
        return 0
    with transaction.atomic():
        # A digest queued elsewhere meanwhile keeps its row: the key is unique.
        Message.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        # One delivery job per chunk (it sends everything due): while one worker sends, the
        # others go on rendering the next chunks.
        _enqueue_delivery(org.pk)
    # Rows queued elsewhere meanwhile were skipped (same key): count only ours.
    return Message.objects.filter(key__in=[r.key for r in rows], created_at=now).count()


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
        _enqueue_delivery(org.pk, queued)
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
        _enqueue_delivery(org.pk, queued)
    return queued


def chat_payload(webhook: Webhook, moment: Moment) -> dict[str, Any]:
    with translation.override(webhook.language):
        title = _("New moment: %(title)s") % {"title": moment.title}
        text = moment.what_happened[:500]
        button = _("Open with a ready draft")
    builder = slack if webhook.kind == Webhook.Kind.SLACK else teams
    return builder.payload(title=title, text=text, url=selectors.compose_url(moment), button=button)


def queue_announcements(org: Organisation, *, now: datetime | None = None) -> int:
    """Tell the organisation's Slack/Teams channels about moments that became shareable.

    Polled from `runperiodic` rather than hooked into publishing: a moment under embargo is
    announced when the embargo ends, and publishing never waits for a chat service.
    """
    now = now or timezone.now()
    hooks = list(Webhook.objects.filter(org=org, is_active=True))
    if not hooks:
        return 0
    recent = Moment.objects.filter(
        org=org,
        status=MomentStatus.PUBLISHED,
        published_at__gte=now - timedelta(days=2),
        audience_everyone=True,
    ).filter(
        Q(shareable_from__isnull=True) | Q(shareable_from__lte=now),
        Q(shareable_until__isnull=True) | Q(shareable_until__gte=now),
    )
    queued = 0
    for moment in recent:
        for hook in hooks:
            key = f"announce:{hook.pk}:{moment.pk}"
            if Message.objects.filter(key=key).exists():
                continue
            if _create(
                False,
                org_id=org.pk,
                webhook=hook,
                moment=moment,
                key=key,
                channel=hook.kind,
                kind=Kind.ANNOUNCE,
                to=hook.url,
                subject=moment.title[:300],
                payload=chat_payload(hook, moment),
                next_try_at=now,
                created_at=now,
            ):
                queued += 1
    if queued:
        _enqueue_delivery(org.pk, queued)
    return queued


# --- the outbox worker ---------------------------------------------------------------------


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


def run_periodic(now: datetime | None = None) -> dict[str, int]:
    """Everything cron runs every few minutes (`zichtbaar runperiodic`)."""
    now = now or timezone.now()
    done = {"reclaimed": reclaim_stale(now), "digests": 0, "moments": 0, "welcomes": 0, "chat": 0}
    for org in Organisation.objects.all():
        done["digests"] += queue_digests(org, now=now)
        done["moments"] += queue_moment_nudges(org, now=now)
        done["welcomes"] += queue_welcomes(org, now=now)
        done["chat"] += queue_announcements(org, now=now)
    due = orgs_with_due_messages(now)
    for org_id in due:
        _enqueue_delivery(org_id)
    done["deliveries"] = len(due)
    return done


# Webhooks: the comms screen ------------------------------------------------------------------
# Comms add, change, pause and remove their organisation's Slack/Teams webhooks and send a test
# message through the outbox (a `chat_test` row: retried like any message, never sent twice).

CHAT_TEST_BUCKET = 60  # seconds: clicks on "Send a test message" within a minute are one message


@dataclass
class WebhookRow:
    """A webhook with what the outbox knows about it, for the comms screen (no full URL)."""

    webhook: Webhook
    last_sent_at: datetime | None
    last_failure: str
    last_failure_at: datetime | None
    retrying: str
    next_try_at: datetime | None


def scrub_reason(text: str, hook: Webhook) -> str:
    """A reason never repeats the secret address."""
    return text.replace(hook.url, hook.masked_url) if hook.url else text


def webhook_rows(org_id: int) -> list[WebhookRow]:
    """The organisation's webhooks with their last delivery, in a single query."""
    from django.db.models import Max, OuterRef, Subquery

    failed = Message.objects.filter(webhook=OuterRef("pk"), status=Status.FAILED).order_by("-id")
    retrying = Message.objects.filter(
        webhook=OuterRef("pk"), status=Status.QUEUED, attempts__gt=0
    ).order_by("-id")
    hooks = (
        Webhook.objects.filter(org_id=org_id)
        .annotate(
            last_sent_at=Max("messages__sent_at", filter=Q(messages__status=Status.SENT)),
            last_failure=Subquery(failed.values("last_error")[:1]),
            last_failure_at=Subquery(failed.values("claimed_at")[:1]),
            retrying=Subquery(retrying.values("last_error")[:1]),
            next_try_at=Subquery(retrying.values("next_try_at")[:1]),
        )
        .order_by("name", "pk")
    )
    return [
        WebhookRow(
            webhook=h,
            last_sent_at=h.last_sent_at,  # type: ignore[attr-defined]
            last_failure=scrub_reason(h.last_failure or "", h),  # type: ignore[attr-defined]
            last_failure_at=h.last_failure_at,  # type: ignore[attr-defined]
            retrying=scrub_reason(h.retrying or "", h),  # type: ignore[attr-defined]
            next_try_at=h.next_try_at,  # type: ignore[attr-defined]
        )
        for h in hooks
    ]


def save_webhook(hook: Webhook) -> Webhook:
    """Save a new or changed webhook; messages still waiting go to its current address."""
    with transaction.atomic():
        hook.save()
        Message.objects.filter(webhook=hook, status=Status.QUEUED).exclude(to=hook.url).update(
            to=hook.url
        )
    return hook


def set_webhook_active(hook: Webhook, active: bool) -> Webhook:
    """Pause or resume announcements (a paused webhook can still get a test message)."""
    hook.is_active = active
    hook.save(update_fields=["is_active"])
    return hook


def delete_webhook(hook: Webhook) -> None:
    """Remove the webhook; its messages in the outbox go with it (nothing more is sent)."""
    hook.delete()


def chat_test_payload(hook: Webhook) -> dict[str, Any]:
    with translation.override(hook.language):
        title = _("Test message from Zichtbaar")
        text = _(
            "This channel is connected. New moments for everyone in %(org)s will be announced "
            "here, each with a ready draft."
        ) % {"org": hook.org.name}
        button = _("Open Zichtbaar")
    builder = slack if hook.kind == Webhook.Kind.SLACK else teams
    url = settings.SITE_URL + reverse("home:home")
    return builder.payload(title=title, text=text, url=url, button=button)


def queue_chat_test(hook: Webhook, *, now: datetime | None = None) -> Message:
    """Queue a test message for this webhook through the outbox and start its delivery.

    The key holds the webhook and the minute of the click: a double click, a resubmitted form
    or a retry sends one message, and the existing row is returned.
    """
    now = now or timezone.now()
    bucket = int(now.timestamp()) // CHAT_TEST_BUCKET
    key = f"{Kind.CHAT_TEST}:{hook.pk}:{bucket}"
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    created = _create(
        True,
        org_id=hook.org_id,
        webhook=hook,
        key=key,
        channel=hook.kind,
        kind=Kind.CHAT_TEST,
        to=hook.url,
        subject=str(_("Test message")),
        payload=chat_test_payload(hook),
        next_try_at=now,
        created_at=now,
    )
    return created or Message.objects.get(key=key)
