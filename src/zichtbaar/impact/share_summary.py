"""The share parts of the comms dashboard: participation, and shares per moment, type and week.

Grouping a year of shares four ways took most of a first view (some 80 ms at 40,000 shares).
Shares of the days before today hardly change (an erasure, a deleted moment or a moment's new
type), so the click rollup also sums those once a day into a ShareSummary, and the dashboard
adds today's shares to it: two small queries instead of four large ones, whatever the size of
the organisation (docs/decisions.md, "Dashboard speed"). Without a current summary, or for one
team (whose people change when someone moves), the parts are grouped afresh; both ways give the
same figures, which the tests hold them to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from zichtbaar.impact import dashboard_parts as parts
from zichtbaar.impact.models import ShareSummary
from zichtbaar.orgs.models import Membership, Organisation, Team
from zichtbaar.sharing.models import Share

WEEK_SECONDS = 7 * 24 * 3600
CHUNK = 500  # today's sharers per query of their earlier shares


@dataclass(frozen=True)
class Windows:
    """The times the share parts count from, all at the start of a day."""

    start_at: dt.datetime  # the period's first day
    since_90: dt.datetime  # the first of the last 90 days (today included)
    since_30: dt.datetime
    today_at: dt.datetime  # a summary holds the shares before this
    first_monday: dt.datetime  # week 0 of the trend

    @property
    def earliest(self) -> dt.datetime:
        return min(self.start_at, self.since_90)


def windows(period: int, today: dt.date) -> Windows:
    start, start_at = parts.period_bounds(period, today)
    return Windows(
        start_at=start_at,
        since_90=parts.period_bounds(90, today)[1],
        since_30=parts.period_bounds(30, today)[1],
        today_at=parts.period_bounds(1, today)[1],
        first_monday=parts.aware(parts.week_starts(start, today)[0]),
    )


@dataclass
class ShareParts:
    took_part: parts.Participation
    per_moment: dict[int, tuple[int, int]]  # moment id: (shares, people who shared)
    per_type: dict[int, dict[str, Any]]  # type id: {"n": shares, "people": people who shared}
    per_week: dict[int, int]  # week number: shares


def share_parts(
    org: Organisation,
    team: Team | None,
    period: int,
    today: dt.date,
    people: parts.Scope,
    type_of: dict[int, int],
) -> ShareParts:
    """The period's share parts: from the summary plus today's shares when there is a
    current one (the whole organisation only), else grouped afresh. `type_of`: every moment's
    type, by moment id (`dashboard_parts.moment_types`)."""
    w = windows(period, today)
    shares = parts.scoped_shares(org, team)
    if team is None:
        found = (
            ShareSummary.objects.filter(
                org=org, period=period, computed_for=today, shares=version(org, w)
            )
            .values_list("data", flat=True)
            .first()
        )
        # A moment given another type since moves its shares between types.
        if found is not None and all(type_of.get(m) == t for m, t in found["type_of"]):
            return _with_today(found, shares, people, w)
    return ShareParts(
        took_part=parts.participation_from(per_person(shares, w), people),
        per_moment=parts.shares_per_moment(shares.filter(shared_at__gte=w.start_at)),
        per_type=parts.shares_per_type(shares.filter(shared_at__gte=w.start_at)),
        per_week=parts.shares_per_week(shares.filter(shared_at__gte=w.start_at), w.first_monday),
    )


def version(org: Organisation, w: Windows) -> str:
    """What a summary of the days before today depends on besides the moments' types: those
    shares (a removed one lowers the count, one added with an earlier date raises the last id)
    and the removed memberships (an erasure empties a share's person), which are the gaps in
    the membership ids: a newcomer leaves it as it is."""
    closed = Share.objects.filter(org=org, shared_at__gte=w.earliest, shared_at__lt=w.today_at)
    found = closed.aggregate(n=Count("id"), last=Max("id"))
    members = Membership.objects.filter(org=org).aggregate(n=Count("id"), last=Max("id"))
    return "{}:{}:{}".format(found["n"], found["last"] or 0, (members["last"] or 0) - members["n"])


def per_person(shares: QuerySet[Share], w: Windows) -> list[tuple[Any, ...]]:
    """(user id, shares in the period, in the last 90 days, in the last 30): one query."""
    return parts.raw_rows(
        shares.filter(shared_at__gte=w.earliest)
        .values("user_id")
        .annotate(
            n=Count("id", filter=Q(shared_at__gte=w.start_at)),
            n90=Count("id", filter=Q(shared_at__gte=w.since_90)),
            n30=Count("id", filter=Q(shared_at__gte=w.since_30)),
        )
        .order_by()
        .values_list("user_id", "n", "n90", "n30")
    )


def summary_data(org: Organisation, period: int, today: dt.date) -> tuple[str, dict[str, Any]]:
    """The version and the data of a summary of the period's days before today.

    The version and the types are taken first: a change while the shares are grouped then
    leaves them already out of date, so the summary is never used with figures it doesn't
    match.
    """
    w = windows(period, today)
    current = version(org, w)
    type_of = parts.moment_types(org)
    closed = parts.scoped_shares(org, None).filter(shared_at__lt=w.today_at)
    in_period = closed.filter(shared_at__gte=w.start_at)
    moments = parts.shares_per_moment(in_period)
    return current, {
        "people": [list(row) for row in per_person(closed, w)],
        "moments": [[m, n, who] for m, (n, who) in moments.items()],
        "types": [[t, v["n"], v["people"]] for t, v in parts.shares_per_type(in_period).items()],
        "weeks": sorted(parts.shares_per_week(in_period, w.first_monday).items()),
        "type_of": [[m, type_of.get(m)] for m in moments],
    }


def _with_today(
    data: dict[str, Any], shares: QuerySet[Share], people: parts.Scope, w: Windows
) -> ShareParts:
    """The summary with today's shares added: today's shares and the earlier ones of the
    people who shared today, which tell whether a sharer is new to a moment or type."""
    columns = ("user_id", "moment_id", "moment__type_id", "shared_at")
    today_rows = list(shares.filter(shared_at__gte=w.today_at).values_list(*columns))
    sharers = sorted({row[0] for row in today_rows if row[0] is not None})
    earlier: list[tuple[Any, ...]] = []
    for i in range(0, len(sharers), CHUNK):
        # All their shares, the dates checked here: with a date range in SQL, SQLite scans the
        # period in the (org, shared_at) index instead of these people's in (org, user).
        earlier += (
            row
            for row in shares.filter(user_id__in=sharers[i : i + CHUNK]).values_list(*columns)
            if w.earliest <= row[3] < w.today_at
        )
    # The counts of today's sharers afresh from all their shares; shares without a person
    # (erased) are only added, as nobody's earlier shares are fetched for them.
    recounted: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    nobody = [0, 0, 0]
    for user_id, _m, _t, at in chain(earlier, today_rows):
        c = recounted[user_id] if user_id is not None else nobody
        c[0] += at >= w.start_at
        c[1] += at >= w.since_90
        c[2] += at >= w.since_30
    per_person = [row for row in data["people"] if row[0] not in recounted]
    if any(nobody):
        per_person = [row for row in per_person if row[0] is not None]
        old = next((row for row in data["people"] if row[0] is None), [None, 0, 0, 0])
        per_person.append([None, *(a + b for a, b in zip(old[1:], nobody, strict=True))])
    per_person += [[u, *c] for u, c in recounted.items()]

    moments = {m: [n, who] for m, n, who in data["moments"]}
    types = {t: [n, who] for t, n, who in data["types"]}
    weeks: dict[int, int] = defaultdict(int, {int(k): n for k, n in data["weeks"]})
    seen = {(u, m) for u, m, _t, at in earlier if at >= w.start_at}
    seen_type = {(u, t) for u, _m, t, at in earlier if at >= w.start_at}
    for user_id, moment_id, type_id, at in today_rows:
        moment = moments.setdefault(moment_id, [0, 0])
        kind = types.setdefault(type_id, [0, 0])
        moment[0] += 1
        kind[0] += 1
        if user_id is not None and (user_id, moment_id) not in seen:
            seen.add((user_id, moment_id))
            moment[1] += 1
        if user_id is not None and (user_id, type_id) not in seen_type:
            seen_type.add((user_id, type_id))
            kind[1] += 1
        weeks[int((at - w.first_monday).total_seconds() // WEEK_SECONDS)] += 1
    return ShareParts(
        took_part=parts.participation_from(per_person, people),
        per_moment={m: (n, who) for m, (n, who) in moments.items()},
        per_type={t: {"n": n, "people": who} for t, (n, who) in types.items()},
        per_week=dict(weeks),
    )
