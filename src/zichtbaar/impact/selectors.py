"""Reads for impact: reach of a scope, a person's own impact, the comms dashboard.

Every read here runs a fixed number of queries, whatever the size of the organisation, and
never touches the raw clicks: clicks come from the ClickDaily rollup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import get_language

from zichtbaar.impact import anonymity, reach, share_summary
from zichtbaar.impact import dashboard_parts as parts
from zichtbaar.impact.models import ClickSummary, ReachSettings
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Membership, Organisation, Team
from zichtbaar.sharing import selectors as sharing_selectors
from zichtbaar.sharing.linkedin import configured as linkedin_configured
from zichtbaar.sharing.models import ClickDaily, Share, TrackedLink
from zichtbaar.sharing.selectors import clicks_brought

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90
MY_SHARES = 50


def reach_settings_for(org: Organisation) -> ReachSettings:
    found = ReachSettings.objects.filter(org=org).first()
    return found if found is not None else ReachSettings.default_for(org)


def _network_expr(assumptions: reach.Assumptions, prefix: str = "user__profile__"):  # noqa: ANN202
    connections = f"{prefix}connections"
    if assumptions.count_followers:
        return Greatest(connections, f"{prefix}followers")
    return F(connections)


def reach_for(
    org: Organisation, assumptions: reach.Assumptions, team: Team | None = None
) -> reach.Reach:
    """Reach of the active people of an organisation (or of one team): one query."""
    people = Membership.objects.filter(org=org, is_active=True)
    if team is not None:
        people = people.filter(team=team)
    network = _network_expr(assumptions)
    sums = people.aggregate(
        people=Count("id"),
        connections=Coalesce(Sum("user__profile__connections"), 0),
        followers=Coalesce(Sum("user__profile__followers"), 0),
        potential=Coalesce(Sum(network), 0),
        largest=Coalesce(Max(network), 0),
    )
    return reach.estimate(
        people=sums["people"],
        connections=sums["connections"],
        followers=sums["followers"],
        potential_reach=sums["potential"],
        largest_network=sums["largest"],
        company_followers=org.linkedin_followers,
        assumptions=assumptions,
    )


def quarter_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


@dataclass
class MyImpactRow:
    """One moment the person shared, with the clicks its tracked link brought since they joined.

    A person has one tracked link per moment, so two shares of one moment bring their clicks to
    the same link: the row lists both dates and shows the link's clicks once.
    """

    moment: Moment
    shared_at: list[dt.datetime]  # newest first; empty: a link made but no share recorded
    clicks: int | None  # None: no tracked link (clicks not counted)


@dataclass
class MyImpact:
    network: int
    connections: int
    followers: int
    views: tuple[int, int]
    consent: bool
    since: dt.datetime  # the one period of every click and share figure: since they joined
    shares_total: int
    clicks: int  # clicks_brought: the digest's figure, the sum of the rows
    rows: list[MyImpactRow]
    older_moments: int  # moments beyond MY_SHARES rows, folded into one line
    older_clicks: int
    assumptions: reach.Assumptions
    updated: dt.datetime | None = None

    @property
    def more(self) -> bool:
        return self.older_moments > 0

    @property
    def rows_clicks(self) -> int:
        """What the rows add up to (the folded line included): always equals `clicks`."""
        return sum(r.clicks or 0 for r in self.rows) + self.older_clicks


def my_impact(membership: Membership, assumptions: reach.Assumptions) -> MyImpact:
    """Only this person's own figures, one period for all of them: since they joined.

    Clicks come from `clicks_brought` alone (per tracked link), so the rows, the tile, the
    headline and the digest e-mail show the same figure. Rows are per moment, because a
    person's tracked link is per moment: shares of one moment are one row with their dates.
    """
    user = membership.user
    profile = user.profile
    org_id = membership.org_id
    # Filtered on the person alone (their index), the organisation checked in Python: a
    # person has few shares, an organisation many.
    own = [
        (at, moment_id, link_id)
        for org, at, moment_id, link_id in Share.objects.filter(user_id=user.pk).values_list(
            "org_id", "shared_at", "moment_id", "link_id"
        )
        if org == org_id
    ]
    brought = clicks_brought(org_id, [user.pk])[user.pk]  # the digest e-mail's figure too
    dates: dict[int, list[dt.datetime]] = {}
    links: dict[int, set[int]] = {}
    for at, moment_id, link_id in own:
        dates.setdefault(moment_id, []).append(at)
        if link_id is not None:
            links.setdefault(moment_id, set()).add(link_id)
    known = {link for ids in links.values() for link in ids}
    unshared = [link for link in brought.links if link not in known]
    if unshared:  # clicks on a link whose share was never recorded still count in the total
        for link_id, moment_id in TrackedLink.objects.filter(
            pk__in=unshared, org_id=org_id, user_id=user.pk
        ).values_list("id", "moment_id"):
            dates.setdefault(moment_id, [])
            links.setdefault(moment_id, set()).add(link_id)

    def clicks_of(moment_id: int) -> int | None:
        ids = links.get(moment_id)
        if not ids:
            return None
        return sum(brought.links[i].clicks for i in ids if i in brought.links)

    newest_first = sorted(
        dates,
        key=lambda m: max(dates[m]) if dates[m] else dt.datetime.min.replace(tzinfo=dt.UTC),
        reverse=True,
    )
    listed, folded = newest_first[:MY_SHARES], newest_first[MY_SHARES:]
    moments = Moment.objects.in_bulk(listed)
    rows = [
        MyImpactRow(moments[m], sorted(dates[m], reverse=True), clicks_of(m))
        for m in listed
        if m in moments
    ]
    network = reach.network(profile.connections, profile.followers, assumptions)
    return MyImpact(
        network=network,
        connections=profile.connections,
        followers=profile.followers,
        views=reach.views_per_post(network, assumptions),
        consent=profile.consent_tracking,
        since=membership.created_at,
        shares_total=len(own),
        clicks=brought.clicks,
        rows=rows,
        older_moments=len(folded),
        older_clicks=sum(clicks_of(m) or 0 for m in folded),
        assumptions=assumptions,
    )


@dataclass
class MyMeasured:
    """What LinkedIn itself measured for the person's posts made through Zichtbaar: kept apart
    from the estimates above, never added to them. `analytics`: the operator's LinkedIn app
    may read post analytics (without it every figure here stays unknown)."""

    analytics: bool
    totals: sharing_selectors.MeasuredReach
    posts: list[Any]  # sharing.LinkedInPost, sent, newest first

    @property
    def any_measured(self) -> bool:
        return any(p.metrics_at for p in self.posts)


def my_measured(membership: Membership) -> MyMeasured | None:
    """My impact's "measured by LinkedIn" part; None where no LinkedIn app is configured."""
    if not linkedin_configured():
        return None
    return MyMeasured(
        analytics=bool(settings.ZICHTBAAR_LINKEDIN_ANALYTICS),
        totals=sharing_selectors.linkedin_reach_of(membership),
        posts=sharing_selectors.linkedin_sent_posts_of(membership),
    )


@dataclass
class OrgMeasured:
    """The dashboard's "measured by LinkedIn" part: LinkedIn's own figures for posts made
    through Zichtbaar in the period (None below the anonymity threshold of people)."""

    analytics: bool
    reach: sharing_selectors.MeasuredReach | None


def org_measured(org: Organisation, start: dt.date, team: Team | None) -> OrgMeasured | None:
    """None where no LinkedIn app is configured (the dashboard then says nothing about it)."""
    if not linkedin_configured():
        return None
    analytics = bool(settings.ZICHTBAAR_LINKEDIN_ANALYTICS)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    reach = (
        sharing_selectors.linkedin_reach_for_org(org.pk, since, team.pk if team else None)
        if analytics
        else None
    )
    return OrgMeasured(analytics=analytics, reach=reach)


# --- the comms dashboard ----------------------------------------------------------------------


@dataclass
class Dashboard:
    org: Organisation
    period: int
    start: dt.date
    end: dt.date
    team: Team | None
    teams: list[Team]
    people: int
    threshold: int
    hidden: bool  # the whole scope has fewer people than the threshold
    refused: str  # why a filter was refused ("" when it wasn't)
    participation_30: int
    participation_90: int
    shares: int
    clicks: int
    visitors: int
    views_realised: tuple[int, int]
    reach: reach.Reach
    tables: list[parts.Table] = field(default_factory=list)
    weeks: list[parts.Week] = field(default_factory=list)
    moments_hidden: int = 0
    updated: dt.datetime | None = None

    def table(self, key: str) -> parts.Table:
        return next(t for t in self.tables if t.key == key)

    @property
    def participation_30_pct(self) -> int:
        return round(100 * self.participation_30 / self.people) if self.people else 0

    @property
    def participation_90_pct(self) -> int:
        return round(100 * self.participation_90 / self.people) if self.people else 0


def dashboard(
    org: Organisation,
    assumptions: reach.Assumptions,
    *,
    period: int = DEFAULT_PERIOD,
    team: Team | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """Every figure of the comms dashboard in a fixed number of grouped queries.

    Composes the parts in `dashboard_parts`: the people in scope, their participation and
    reach, the clicks, the weekly trend and the tables per team, moment, type and barrier.
    The click parts, the heaviest, come from the ClickSummary the click rollup writes (the
    only thing that changes clicks), when it is today's and for the same people; the share
    parts from its ShareSummary of the days before today plus today's shares
    (`share_summary`).
    """
    today = today or timezone.localdate()
    k = anonymity.threshold()
    teams = list(Team.objects.filter(org=org).order_by("name"))
    people = parts.scope(org, assumptions, team)
    team = people.team  # None when the filter was refused

    start, _start_at = parts.period_bounds(period, today)
    weeks = parts.week_starts(start, today)
    clicks_qs = parts.scoped_clicks(org, team, start, today)
    type_of = parts.moment_types(org)
    shared = share_summary.share_parts(org, team, period, today, people, type_of)
    took_part = shared.took_part
    clicks, clicks_by_moment = _click_parts(org, clicks_qs, weeks[0], team, period, today)

    hidden = anonymity.total_hidden(people.people, k)
    db = Dashboard(
        org=org,
        period=period,
        start=start,
        end=today,
        team=team,
        teams=teams,
        people=people.people,
        threshold=k,
        hidden=hidden,
        refused=people.refused,
        participation_30=took_part.last_30,
        participation_90=took_part.last_90,
        shares=took_part.shares,
        clicks=clicks.clicks,
        visitors=clicks.visitors,
        views_realised=reach.views_per_post(took_part.views, assumptions),
        reach=parts.scope_reach(org, people, assumptions),
        weeks=parts.trend(weeks, shared.per_week, clicks.by_week, start, today),
    )

    def total() -> parts.Total:
        return parts.Total(
            {"people": "", "shares": db.shares, "clicks": db.clicks}, people.people, hidden
        )

    if team is None:
        db.tables.append(parts.team_table(teams, people, took_part, clicks, hidden, k))
    moments, db.moments_hidden = parts.moment_table(
        org, shared.per_moment, clicks_by_moment, total(), k
    )
    db.tables.append(moments)
    db.tables.append(
        parts.type_table(
            org,
            shared.per_type,
            parts.clicks_per_type(type_of, clicks_by_moment),
            total(),
            k,
        )
    )
    db.tables.append(parts.barrier_table(people, hidden, k))
    return db


def _click_parts(
    org: Organisation,
    clicks_qs: QuerySet[ClickDaily],
    first_monday: dt.date,
    team: Team | None,
    period: int,
    today: dt.date,
) -> tuple[parts.Clicks, dict[int, tuple[int, int]]]:
    """The click parts of the dashboard: from the rollup's ClickSummary when it was written
    today with the same people, else summed from ClickDaily (two grouped queries)."""
    found = {
        row.team_id: row.data
        for row in ClickSummary.objects.filter(
            Q(team=None) | Q(team=team) if team else Q(team=None),
            org=org,
            period=period,
            computed_for=today,
            people=parts.people_version(org),
        ).only("team_id", "data")
    }
    if None in found:  # the organisation's row: the summary was written
        key = team.pk if team else None
        return parts.clicks_from_data(found.get(key, {}))
    return (
        parts.clicks_per_day_and_team(clicks_qs, first_monday),
        parts.clicks_per_moment(clicks_qs),
    )


DASHBOARD_CACHE_SECONDS = 120


def cached_dashboard(
    org: Organisation,
    settings_row: ReachSettings,
    *,
    period: int = DEFAULT_PERIOD,
    team: Team | None = None,
    updated: dt.datetime | None = None,
) -> Dashboard:
    """`dashboard()`, kept for a short while under a key that changes with the data.

    The key holds the number and last id of the organisation's shares and memberships, the
    time of the last click rollup, the assumptions and the threshold: a new share, person or
    rollup gives a fresh computation at once. What the key can't see (a person editing their
    network size, a moment's new title) shows within DASHBOARD_CACHE_SECONDS.
    """
    shares = Share.objects.filter(org=org).aggregate(n=Count("id"), last=Max("id"))
    people = Membership.objects.filter(org=org).aggregate(
        n=Count("id", filter=Q(is_active=True)), last=Max("id")
    )
    assumptions = settings_row.assumptions()
    version = json.dumps(
        [
            org.pk,
            period,
            team.pk if team else None,
            get_language(),
            timezone.localdate().isoformat(),
            str(updated),
            shares,
            people,
            assumptions.as_dict(),
            anonymity.threshold(),
        ],
        sort_keys=True,
        default=str,
    )
    key = "zichtbaar:impact:dashboard:" + hashlib.sha256(version.encode()).hexdigest()[:32]
    try:
        hit = cache.get(key)
    except Exception:
        hit = None
    if isinstance(hit, Dashboard):
        hit.updated = updated
        return hit
    db = dashboard(org, assumptions, period=period, team=team)
    db.updated = updated
    with contextlib.suppress(Exception):  # a cache outage only costs a recomputation
        cache.set(key, db, DASHBOARD_CACHE_SECONDS)
    return db
