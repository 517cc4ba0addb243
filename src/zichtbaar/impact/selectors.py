"""Reads for impact: reach of a scope, a person's own impact, the comms dashboard.

Every read here runs a fixed number of queries, whatever the size of the organisation, and
never touches the raw clicks: clicks come from the ClickDaily rollup.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from zichtbaar.impact import anonymity, reach
from zichtbaar.impact.anonymity import Group
from zichtbaar.impact.models import ClickDaily, ReachSettings
from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.orgs.models import Barrier, Membership, Organisation, Team
from zichtbaar.sharing.models import Share

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90
TOP_MOMENTS = 15
MY_SHARES = 50


def reach_settings_for(org: Organisation) -> ReachSettings:
    found = ReachSettings.objects.filter(org=org).first()
    return found if found is not None else ReachSettings.default_for(org)


def _network_expr(assumptions: reach.Assumptions, prefix: str = "user__profile__"):  # noqa: ANN202
    connections = f"{prefix}connections"
    if assumptions.count_followers:
        return Greatest(connections, f"{prefix}followers")
    from django.db.models import F

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
    mine = Share.objects.filter(user_id=user.pk, org_id=org_id)
    counts = mine.aggregate(
        total=Count("id"),
        quarter=Count("id", filter=Q(shared_at__gte=since)),
    )
    quarter_links = set(
        mine.filter(shared_at__gte=since, link__isnull=False).values_list("link_id", flat=True)
    )
    shares = list(mine.select_related("moment").order_by("-shared_at", "-id")[: MY_SHARES + 1])
    per_link = {
        r["link_id"]: (r["clicks"], r["visitors"])
        for r in ClickDaily.objects.filter(user_id=user.pk, org_id=org_id)
        .values("link_id")
        .annotate(clicks=Sum("clicks"), visitors=Sum("visitors"))
        .order_by()
    }
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
        all_visitors=sum(v for _, v in per_link.values()),
        all_clicks=sum(c for c, _ in per_link.values()),
        more=len(shares) > MY_SHARES,
        assumptions=assumptions,
    )


# --- the comms dashboard ----------------------------------------------------------------------


@dataclass
class Total:
    values: dict[str, object]
    people: int
    hidden: bool


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (value key, heading)
    rows: list[Group]
    total: Total | None = None
    note: str = ""


@dataclass
class Week:
    start: dt.date
    shares: int
    clicks: int


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
    tables: list[Table] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    moments_hidden: int = 0
    updated: dt.datetime | None = None

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @property
    def participation_30_pct(self) -> int:
        return round(100 * self.participation_30 / self.people) if self.people else 0

    @property
    def participation_90_pct(self) -> int:
        return round(100 * self.participation_90 / self.people) if self.people else 0


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def team_sizes(org: Organisation) -> dict[int | None, int]:
    rows = (
        Membership.objects.filter(org=org, is_active=True)
        .values("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["team_id"]: r["n"] for r in rows}


def check_team_filter(team: Team | None, sizes: dict[int | None, int]) -> str:
    """Why a team filter must be refused, or ""."""
    if team is None:
        return ""
    everyone = sum(sizes.values())
    selected = sizes.get(team.pk, 0)
    if anonymity.isolating_filter(selected, everyone):
        k = anonymity.threshold()
        if selected < k:
            return _(
                "Team %(team)s has fewer than %(k)s people, so its figures would be about "
                "individual colleagues. The dashboard shows the whole organisation instead."
            ) % {"team": team.name, "k": k}
        return _(
            "Fewer than %(k)s people are outside team %(team)s, so comparing this view with the "
            "whole organisation would reveal their figures. The dashboard shows the whole "
            "organisation instead."
        ) % {"team": team.name, "k": k}
    return ""


def period_bounds(period: int, today: dt.date) -> tuple[dt.date, dt.datetime]:
    start = today - dt.timedelta(days=period - 1)
    return start, timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def dashboard(
    org: Organisation,
    assumptions: reach.Assumptions,
    *,
    period: int = DEFAULT_PERIOD,
    team: Team | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    today = today or timezone.localdate()
    k = anonymity.threshold()
    teams = list(Team.objects.filter(org=org).order_by("name"))
    sizes = team_sizes(org)
    refused = check_team_filter(team, sizes)
    if refused:
        team = None
    people = sizes.get(team.pk, 0) if team else sum(sizes.values())
    start, start_at = period_bounds(period, today)
    since_90 = timezone.now() - dt.timedelta(days=90)
    since_30 = timezone.now() - dt.timedelta(days=30)

    shares_qs = Share.objects.filter(org=org)
    clicks_qs = ClickDaily.objects.filter(org=org, day__gte=start, day__lte=today)
    if team is not None:
        shares_qs = shares_qs.filter(user__memberships__org=org, user__memberships__team=team)
        clicks_qs = clicks_qs.filter(team=team)

    part = shares_qs.filter(shared_at__gte=since_90).aggregate(
        p90=Count("user_id", distinct=True),
        p30=Count("user_id", distinct=True, filter=Q(shared_at__gte=since_30)),
    )
    network = _network_expr(assumptions)
    share_rows = list(
        shares_qs.filter(shared_at__gte=start_at)
        .filter(user__memberships__org=org)
        .annotate(net=network)
        .values_list(
            "moment_id",
            "moment__type_id",
            "user_id",
            "user__memberships__team_id",
            "shared_at",
            "net",
        )
    )
    click_rows = list(
        clicks_qs.values("moment_id", "user_id", "team_id")
        .annotate(c=Sum("clicks"), v=Sum("visitors"))
        .order_by()
        .values_list("moment_id", "user_id", "team_id", "c", "v")
    )
    click_days = list(
        clicks_qs.values("day").annotate(c=Sum("clicks")).order_by().values_list("day", "c")
    )
    moment_ids = {r[0] for r in share_rows} | {r[0] for r in click_rows}
    moments: dict[int, dict[str, Any]] = {
        m["id"]: dict(m)
        for m in Moment.objects.filter(org=org, pk__in=moment_ids).values("id", "title", "type_id")
    }
    types = {t.pk: t for t in MomentType.objects.filter(Q(org=None) | Q(org=org))}
    barrier_rows = (
        Membership.objects.filter(org=org, is_active=True, **({"team": team} if team else {}))
        .values("user__profile__barrier")
        .annotate(n=Count("id"))
        .order_by()
    )
    scope_reach = reach_for(org, assumptions, team)

    # Per moment, per type, per team: shares, sharers and clicks, in Python over the rows.
    by_moment: dict[int, dict] = defaultdict(lambda: {"shares": 0, "clicks": 0, "visitors": 0})
    members_m: dict[int, set[int]] = defaultdict(set)
    by_type: dict[int, dict] = defaultdict(lambda: {"shares": 0, "clicks": 0, "visitors": 0})
    members_t: dict[int, set[int]] = defaultdict(set)
    by_team: dict[int | None, dict] = defaultdict(lambda: {"shares": 0, "clicks": 0, "visitors": 0})
    sharers_team: dict[int | None, set[int]] = defaultdict(set)
    weeks: dict[dt.date, Week] = {}
    first_monday = start - dt.timedelta(days=start.weekday())
    d = first_monday
    while d <= today:
        weeks[d] = Week(d, 0, 0)
        d += dt.timedelta(days=7)
    views_sum = 0
    for moment_id, type_id, user_id, team_id, shared_at, net in share_rows:
        by_moment[moment_id]["shares"] += 1
        members_m[moment_id].add(user_id)
        by_type[type_id]["shares"] += 1
        members_t[type_id].add(user_id)
        by_team[team_id]["shares"] += 1
        sharers_team[team_id].add(user_id)
        day = timezone.localtime(shared_at).date()
        monday = day - dt.timedelta(days=day.weekday())
        if monday in weeks:
            weeks[monday].shares += 1
        views_sum += net or 0
    clicks_total = visitors_total = 0
    for moment_id, user_id, team_id, c, v in click_rows:
        clicked_type: int = moments.get(moment_id, {}).get("type_id", 0)
        for bucket in (by_moment[moment_id], by_type[clicked_type], by_team[team_id]):
            bucket["clicks"] += c
            bucket["visitors"] += v
        members_m[moment_id].add(user_id)
        members_t[clicked_type].add(user_id)
        clicks_total += c
        visitors_total += v
    for day, c in click_days:
        monday = day - dt.timedelta(days=day.weekday())
        if monday in weeks:
            weeks[monday].clicks += c

    hidden_scope = anonymity.total_hidden(people, k)
    db = Dashboard(
        org=org,
        period=period,
        start=start,
        end=today,
        team=team,
        teams=teams,
        people=people,
        threshold=k,
        hidden=hidden_scope,
        refused=refused,
        participation_30=part["p30"],
        participation_90=part["p90"],
        shares=len(share_rows),
        clicks=clicks_total,
        visitors=visitors_total,
        views_realised=reach.views_per_post(views_sum, assumptions),
        reach=scope_reach,
        weeks=list(weeks.values()),
    )

    # Teams (the whole organisation only; a team view has one team).
    if team is None:
        rows = []
        for t in [*teams, None]:
            size = sizes.get(t.pk if t else None, 0)
            if t is None and size == 0:
                continue
            key = t.pk if t else None
            figures = by_team.get(key, {"shares": 0, "clicks": 0, "visitors": 0})
            sharers = len(sharers_team.get(key, ()))
            rows.append(
                Group(
                    key=key or 0,
                    label=t.name if t else _("No team"),
                    people=size,
                    values={
                        "people": size,
                        "sharers": sharers,
                        "participation": _pct(sharers, size),
                        "shares": figures["shares"],
                        "clicks": figures["clicks"],
                    },
                )
            )
        anonymity.suppress(rows, k)
        sharers_all = sum(len(s) for s in sharers_team.values())
        db.tables.append(
            Table(
                key="teams",
                title=_("Per team"),
                columns=[
                    ("people", _("People")),
                    ("participation", _("Shared in this period (%)")),
                    ("shares", _("Shares")),
                    ("clicks", _("Clicks")),
                ],
                rows=rows,
                total=Total(
                    {
                        "people": people,
                        "participation": _pct(sharers_all, people),
                        "shares": db.shares,
                        "clicks": db.clicks,
                    },
                    people,
                    hidden_scope,
                ),
            )
        )

    # Moments: the most shared first; rests on the people who shared them or whose links
    # brought the clicks.
    moment_groups = [
        Group(
            key=mid,
            label=moments.get(mid, {}).get("title", "?"),
            people=len(members_m[mid]),
            members=frozenset(members_m[mid]),
            values={"people": len(members_m[mid]), **figs},
        )
        for mid, figs in by_moment.items()
    ]
    anonymity.suppress(moment_groups, k)
    visible = sorted(
        (g for g in moment_groups if g.visible),
        key=lambda g: (-g.values["shares"], -g.values["clicks"], g.label),
    )
    db.moments_hidden = sum(1 for g in moment_groups if not g.visible)
    db.tables.append(
        Table(
            key="moments",
            title=_("Per moment"),
            columns=[("people", _("People")), ("shares", _("Shares")), ("clicks", _("Clicks"))],
            rows=visible[:TOP_MOMENTS],
            total=Total(
                {"people": "", "shares": db.shares, "clicks": db.clicks}, people, hidden_scope
            ),
        )
    )

    type_groups = [
        Group(
            key=tid or 0,
            label=types[tid].name if tid in types else "?",
            people=len(members_t[tid]),
            members=frozenset(members_t[tid]),
            values={"people": len(members_t[tid]), **figs},
        )
        for tid, figs in sorted(
            by_type.items(), key=lambda kv: types[kv[0]].position if kv[0] in types else 999
        )
    ]
    anonymity.suppress(type_groups, k)
    db.tables.append(
        Table(
            key="types",
            title=_("Per moment type"),
            columns=[("people", _("People")), ("shares", _("Shares")), ("clicks", _("Clicks"))],
            rows=type_groups,
            total=Total(
                {"people": "", "shares": db.shares, "clicks": db.clicks}, people, hidden_scope
            ),
        )
    )

    counts = {r["user__profile__barrier"] or "": r["n"] for r in barrier_rows}
    barrier_groups = [
        Group(
            key=value,
            label=str(label),
            people=counts.get(value, 0),
            values={"people": counts.get(value, 0), "share": _pct(counts.get(value, 0), people)},
        )
        for value, label in [*Barrier.choices, ("", _("Not answered yet"))]
    ]
    anonymity.suppress(barrier_groups, k)
    db.tables.append(
        Table(
            key="barriers",
            title=_("What holds people back (named at onboarding)"),
            columns=[("people", _("People")), ("share", _("Share (%)"))],
            rows=barrier_groups,
            total=Total({"people": people, "share": 100 if people else 0}, people, hidden_scope),
        )
    )
    return db
