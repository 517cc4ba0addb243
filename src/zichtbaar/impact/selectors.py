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

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import get_language

from zichtbaar.impact import anonymity, reach
from zichtbaar.impact import dashboard_parts as parts
from zichtbaar.impact.models import ReachSettings
from zichtbaar.orgs.models import Membership, Organisation, Team
from zichtbaar.sharing.models import Share
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
class MyShare:
    share: Share
    clicks: int | None  # None: no tracked link (clicks not counted)
    visitors: int | None


@dataclass
class MyImpact:
    network: int
    connections: int
    followers: int
    views: tuple[int, int]
    consent: bool
    shares: list[MyShare]
    shares_total: int
    quarter_shares: int
    quarter_visitors: int
    quarter_clicks: int
    all_visitors: int
    all_clicks: int
    more: bool
    assumptions: reach.Assumptions
    updated: dt.datetime | None = None


def my_impact(membership: Membership, assumptions: reach.Assumptions) -> MyImpact:
    """Only this person's own figures: every query is filtered on their user id."""
    user = membership.user
    profile = user.profile
    org_id = membership.org_id
    since = timezone.make_aware(
        dt.datetime.combine(quarter_start(timezone.localdate()), dt.time.min)
    )
    # Filtered on the person alone (their index), the organisation checked in Python: a
    # person has few shares, an organisation many.
    own = sorted(
        (
            (at, pk, link_id)
            for pk, org, at, link_id in Share.objects.filter(user_id=user.pk).values_list(
                "id", "org_id", "shared_at", "link_id"
            )
            if org == org_id
        ),
        reverse=True,
    )
    counts = {"total": len(own), "quarter": sum(1 for at, _p, _l in own if at >= since)}
    quarter_links = {link for at, _p, link in own if at >= since and link is not None}
    newest = [pk for _at, pk, _l in own[: MY_SHARES + 1]]
    found = Share.objects.filter(pk__in=newest).select_related("moment").in_bulk()
    shares = [found[pk] for pk in newest if pk in found]
    brought = clicks_brought(org_id, [user.pk])[user.pk]  # the digest e-mail's figure too
    per_link = {link: (c.clicks, c.visitors) for link, c in brought.links.items()}
    network = reach.network(profile.connections, profile.followers, assumptions)
    rows = []
    for s in shares[:MY_SHARES]:
        c, v = per_link.get(s.link_id, (0, 0)) if s.link_id else (None, None)
        rows.append(MyShare(s, c, v))
    return MyImpact(
        network=network,
        connections=profile.connections,
        followers=profile.followers,
        views=reach.views_per_post(network, assumptions),
        consent=profile.consent_tracking,
        shares=rows,
        shares_total=counts["total"],
        quarter_shares=counts["quarter"],
        quarter_visitors=sum(per_link.get(i, (0, 0))[1] for i in quarter_links),
        quarter_clicks=sum(per_link.get(i, (0, 0))[0] for i in quarter_links),
        all_visitors=brought.visitors,
        all_clicks=brought.clicks,
        more=len(shares) > MY_SHARES,
        assumptions=assumptions,
    )


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
    """
    today = today or timezone.localdate()
    k = anonymity.threshold()
    now = timezone.now()
    teams = list(Team.objects.filter(org=org).order_by("name"))
    people = parts.scope(org, assumptions, team)
    team = people.team  # None when the filter was refused

    start, start_at = parts.period_bounds(period, today)
    weeks = parts.week_starts(start, today)
    shares_qs = parts.scoped_shares(org, team)
    clicks_qs = parts.scoped_clicks(org, team, start, today)
    period_shares = shares_qs.filter(shared_at__gte=start_at)
    took_part = parts.participation(shares_qs, people, start_at, now)
    clicks = parts.clicks_per_day_and_team(clicks_qs, weeks[0])
    clicks_by_moment = parts.clicks_per_moment(clicks_qs)

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
        weeks=parts.trend(weeks, parts.shares_per_week(period_shares, weeks[0]), clicks.by_week),
    )

    def total() -> parts.Total:
        return parts.Total(
            {"people": "", "shares": db.shares, "clicks": db.clicks}, people.people, hidden
        )

    if team is None:
        db.tables.append(parts.team_table(teams, people, took_part, clicks, hidden, k))
    moments, db.moments_hidden = parts.moment_table(
        org, parts.shares_per_moment(period_shares), clicks_by_moment, total(), k
    )
    db.tables.append(moments)
    db.tables.append(
        parts.type_table(
            org,
            parts.shares_per_type(period_shares),
            parts.clicks_per_type(org, clicks_by_moment),
            total(),
            k,
        )
    )
    db.tables.append(parts.barrier_table(people, hidden, k))
    return db


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
