"""Digests: the moments a person has not shared yet, once per period of their frequency."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from zichtbaar.impact import services as impact_services
from zichtbaar.nudges import selectors
from zichtbaar.nudges.models import Frequency, Kind, Message, Preference
from zichtbaar.nudges.preferences import may_email, preference_for, preferences_for
from zichtbaar.nudges.queueing import email_row, queue_email, start_delivery, used_this_week
from zichtbaar.orgs.models import Membership, Organisation

MIN_GAP: dict[str, int] = {Frequency.WEEKLY: 6, Frequency.BIWEEKLY: 13, Frequency.MONTHLY: 27}


def period_key(frequency: str, day: date) -> str:
    year, week, _weekday = day.isocalendar()
    if frequency == Frequency.BIWEEKLY:
        return f"{year}-F{(week - 1) // 2:02d}"
    if frequency == Frequency.MONTHLY:
        return f"{day.year}-M{day.month:02d}"
    return f"{year}-W{week:02d}"


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
    `sharing.selectors.clicks_brought`), and never lags because nobody opened a page."""
    impact_services.rollup_clicks(shares=False)


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
        start_delivery(org.pk)
    # Rows queued elsewhere meanwhile were skipped (same key): count only ours.
    return Message.objects.filter(key__in=[r.key for r in rows], created_at=now).count()
