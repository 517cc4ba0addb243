"""Reads for impact: reach of a scope, a person's own impact, the comms dashboard.

Every read here runs a fixed number of queries, whatever the size of the organisation, and
never touches the raw clicks: clicks come from the ClickDaily rollup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, F, Func, IntegerField, Max, Q, Sum
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import get_language
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


@dataclass(frozen=True)
class LinkClicks:
    clicks: int = 0
    visitors: int = 0


@dataclass
class ClicksBrought:
    """What one person's tracked links brought in one organisation: per link and in total."""

    links: dict[int, LinkClicks] = field(default_factory=dict)

    @property
    def clicks(self) -> int:
        return sum(c.clicks for c in self.links.values())

    @property
    def visitors(self) -> int:
        return sum(c.visitors for c in self.links.values())


def clicks_brought(org_id: int, user_ids: Iterable[int]) -> dict[int, ClicksBrought]:
    """ "Clicks your shares brought": the one figure a person sees of it, on My impact and in
    the digest e-mail, for many people in one grouped query (index clickdaily_user).

    The period is "so far": every click by a person (bots excluded) on the person's tracked
    links in this organisation, from the first one up to the last run of the click rollup
    (ClickDaily). Pages ask for a rollup at most every few minutes and a digest sums the new
    clicks before it is written, so the e-mail and My impact agree and neither reads the raw
    clicks. Visitors: each day's distinct visitors, summed over days and links.
    """
    ids = list(user_ids)
    out = {user_id: ClicksBrought() for user_id in ids}
    rows = (
        ClickDaily.objects.filter(org_id=org_id, user_id__in=ids)
        .values_list("user_id", "link_id")
        .annotate(clicks=Sum("clicks"), visitors=Sum("visitors"))
        .order_by()
    )
    for user_id, link_id, clicks, visitors in rows:
        out[user_id].links[link_id] = LinkClicks(clicks, visitors)
    return out


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


def _weeks(start: dt.date, today: dt.date) -> list[dt.date]:
    monday = start - dt.timedelta(days=start.weekday())
    out = []
    while monday <= today:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class WeekIndex(Func):
    """Whole weeks between `origin` (an aware datetime) and a datetime column, in SQL.

    Native date arithmetic on both databases, so grouping shares by week costs no Python per
    row (Django's own date truncation runs a Python function per row on SQLite).
    """

    output_field = IntegerField()

    def __init__(self, expression: str, origin: dt.datetime) -> None:
        self.origin = origin
        super().__init__(F(expression))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        origin = connection.ops.adapt_datetimefield_value(self.origin)
        return f"CAST((julianday({sql}) - julianday(%s)) / 7 AS INTEGER)", [*params, origin]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"FLOOR(EXTRACT(EPOCH FROM ({sql} - %s)) / 604800)::integer",
            [*params, self.origin],
        )


def _rows(qs: Any) -> list[tuple[Any, ...]]:
    """The rows of a grouped `values_list` query as the database returns them.

    Skips Django's per-value converters (an int() per aggregate), which cost more than the
    query itself on tens of thousands of grouped rows. Only for columns the database already
    returns as the right Python type (integers, ids); the columns come in `values_list` order.
    """
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def dashboard(
    org: Organisation,
    assumptions: reach.Assumptions,
    *,
    period: int = DEFAULT_PERIOD,
    team: Team | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """Every figure of the comms dashboard in a fixed number of grouped queries.

    The database sums and counts; Python combines rows grouped per person, moment, team or
    day (never per share or per click), so the cost grows with the period's rows in SQL only.
    """
    today = today or timezone.localdate()
    k = anonymity.threshold()
    now = timezone.now()
    teams = list(Team.objects.filter(org=org).order_by("name"))

    # People: one row per active person (team, barrier, network).
    members = list(
        Membership.objects.filter(org=org, is_active=True).values_list(
            "user_id",
            "team_id",
            "user__profile__barrier",
            "user__profile__connections",
            "user__profile__followers",
        )
    )
    sizes: dict[int | None, int] = Counter(map(itemgetter(1), members))
    refused = check_team_filter(team, sizes)
    if refused:
        team = None
    scoped = [m for m in members if team is None or m[1] == team.pk]
    team_of = dict(map(itemgetter(0, 1), members))
    network_of = {m[0]: reach.network(m[3] or 0, m[4] or 0, assumptions) for m in scoped}
    people = len(scoped)
    barrier_counts: dict[str, int] = Counter(m[2] or "" for m in scoped)
    networks = list(network_of.values())
    scope_reach = reach.estimate(
        people=people,
        connections=sum(m[3] or 0 for m in scoped),
        followers=sum(m[4] or 0 for m in scoped),
        potential_reach=sum(networks),
        largest_network=max(networks, default=0),
        company_followers=org.linkedin_followers,
        assumptions=assumptions,
    )

    start, start_at = period_bounds(period, today)
    weeks = _weeks(start, today)
    since_30 = now - dt.timedelta(days=30)
    since_90 = now - dt.timedelta(days=90)
    shares_qs = Share.objects.filter(org=org)
    clicks_qs = ClickDaily.objects.filter(org=org, day__gte=start, day__lte=today)
    if team is not None:
        shares_qs = shares_qs.filter(user__memberships__org=org, user__memberships__team=team)
        clicks_qs = clicks_qs.filter(team=team)
    in_period = Q(shared_at__gte=start_at)
    period_shares = shares_qs.filter(in_period)

    # Shares per person (participation, teams, realised views), per moment, type and week.
    per_person = _rows(
        shares_qs.filter(shared_at__gte=min(start_at, since_90))
        .values("user_id")
        .annotate(
            n=Count("id", filter=in_period),
            n90=Count("id", filter=Q(shared_at__gte=since_90)),
            n30=Count("id", filter=Q(shared_at__gte=since_30)),
        )
        .order_by()
        .values_list("user_id", "n", "n90", "n30")
    )
    # Tuples as fetched, not a dict per row: thousands of rows, and less for the GC to walk.
    share_by_moment: dict[int, tuple[int, int]] = {  # shares, people
        mid: (n, who)
        for mid, n, who in _rows(
            period_shares.values("moment_id")
            .annotate(n=Count("id"), people=Count("user_id", distinct=True))
            .order_by()
            .values_list("moment_id", "n", "people")
        )
    }
    share_by_type: dict[int, dict[str, Any]] = {
        tid: {"n": n, "people": who}
        for tid, n, who in _rows(
            period_shares.values("moment__type_id")
            .annotate(n=Count("id"), people=Count("user_id", distinct=True))
            .order_by()
            .values_list("moment__type_id", "n", "people")
        )
    }
    share_by_week = dict(
        period_shares.annotate(w=WeekIndex("shared_at", _aware(weeks[0])))
        .values("w")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("w", "n")
    )

    # Clicks, from the daily rollup: per moment, per team, per day.
    click_by_moment: dict[int, tuple[int, int]] = {  # clicks, people
        mid: (c, who)
        for mid, c, _v, who in _rows(
            clicks_qs.values("moment_id")
            .annotate(c=Sum("clicks"), v=Sum("visitors"), people=Count("user_id", distinct=True))
            .order_by()
            .values_list("moment_id", "c", "v", "people")
        )
    }
    # Per day and team in one pass: at most days x teams rows, grouped in index order.
    click_by_day_team = _rows(
        clicks_qs.values("day", "team_id")
        .annotate(c=Sum("clicks"), v=Sum("visitors"))
        .order_by()
        .values_list("day", "team_id", "c", "v")
    )
    type_of = dict(Moment.objects.filter(org=org).order_by().values_list("id", "type_id"))
    types = {t.pk: t for t in MomentType.objects.filter(Q(org=None) | Q(org=org))}

    sharers = p30 = p90 = shares_total = views_total = 0
    share_by_team: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])  # shares, people
    for user_id, n, n90, n30 in per_person:
        active = user_id in team_of  # people who left still count in shares, not in people
        p90 += active and n90 > 0
        p30 += active and n30 > 0
        if n:
            sharers += active
            shares_total += n
            views_total += n * network_of.get(user_id, 0)
            bucket = share_by_team[team_of.get(user_id)]
            bucket[0] += n
            bucket[1] += 1
    week_clicks: dict[int, int] = defaultdict(int)
    clicks_total = visitors_total = 0
    click_by_team: dict[int | None, int] = defaultdict(int)
    week_of: dict[Any, int] = {}  # a day as the database returns it (SQLite: a string)
    for day, team_id, c, v in click_by_day_team:
        week = week_of.get(day)
        if week is None:
            as_date = dt.date.fromisoformat(day) if isinstance(day, str) else day
            week = week_of[day] = (as_date - weeks[0]).days // 7
        week_clicks[week] += c
        click_by_team[team_id] += c
        clicks_total += c
        visitors_total += v

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
        participation_30=p30,
        participation_90=p90,
        shares=shares_total,
        clicks=clicks_total,
        visitors=visitors_total,
        views_realised=reach.views_per_post(views_total, assumptions),
        reach=scope_reach,
        weeks=[
            Week(w, share_by_week.get(i, 0), week_clicks.get(i, 0)) for i, w in enumerate(weeks)
        ],
    )

    # Teams (the whole organisation only; a team view is one team).
    if team is None:
        rows = []
        for t in [*teams, None]:
            key = t.pk if t else None
            size = sizes.get(key, 0)
            if t is None and size == 0:
                continue
            n, who = share_by_team.get(key, (0, 0))
            rows.append(
                Group(
                    key=key or 0,
                    label=t.name if t else _("No team"),
                    people=size,
                    values={
                        "people": size,
                        "sharers": who,
                        "participation": _pct(who, size),
                        "shares": n,
                        "clicks": click_by_team.get(key, 0),
                    },
                )
            )
        anonymity.suppress(rows, k)
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
                        "participation": _pct(sharers, people),
                        "shares": db.shares,
                        "clicks": db.clicks,
                    },
                    people,
                    hidden_scope,
                ),
            )
        )

    # Moments: the most shared first. A moment's figures rest on the people who shared it
    # in the period and the people whose links brought its clicks: at least the larger of
    # the two counts (the same person can be in both), so suppression treats them as
    # overlapping groups.
    moment_groups = []
    click_by_type: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # clicks, max people
    zero = (0, 0)
    for mid in share_by_moment.keys() | click_by_moment.keys():
        shared, sharers_m = share_by_moment.get(mid, zero)
        cl = click_by_moment.get(mid)
        clicked, clickers_m = cl or zero
        if cl is not None:
            tb = click_by_type[type_of.get(mid, 0)]
            tb[0] += clicked
            tb[1] = max(tb[1], clickers_m)
        moment_groups.append(
            Group(
                key=mid,
                label="",
                people=max(sharers_m, clickers_m),
                values={"people": sharers_m, "shares": shared, "clicks": clicked},
            )
        )
    anonymity.suppress(moment_groups, k, overlapping=True)
    visible = sorted(
        (g for g in moment_groups if g.visible),
        key=lambda g: (-g.values["shares"], -g.values["clicks"], g.key),
    )[:TOP_MOMENTS]
    titles = dict(
        Moment.objects.filter(org=org, pk__in=[g.key for g in visible]).values_list("id", "title")
    )
    for g in visible:
        g.label = titles.get(g.key, "?")  # type: ignore[call-overload]
    db.moments_hidden = sum(1 for g in moment_groups if not g.visible)
    db.tables.append(
        Table(
            key="moments",
            title=_("Per moment"),
            columns=[
                ("people", _("People who shared")),
                ("shares", _("Shares")),
                ("clicks", _("Clicks")),
            ],
            rows=visible,
            total=Total(
                {"people": "", "shares": db.shares, "clicks": db.clicks}, people, hidden_scope
            ),
        )
    )

    type_groups = []
    for tid in sorted(
        share_by_type.keys() | click_by_type.keys(),
        key=lambda t: (types[t].position, types[t].key) if t in types else (999, ""),
    ):
        sh = share_by_type.get(tid, {})
        clicks, clickers = click_by_type.get(tid, (0, 0))
        type_groups.append(
            Group(
                key=tid or 0,
                label=types[tid].name if tid in types else "?",
                people=max(sh.get("people", 0), clickers),
                values={"people": sh.get("people", 0), "shares": sh.get("n", 0), "clicks": clicks},
            )
        )
    anonymity.suppress(type_groups, k, overlapping=True)
    db.tables.append(
        Table(
            key="types",
            title=_("Per moment type"),
            columns=[
                ("people", _("People who shared")),
                ("shares", _("Shares")),
                ("clicks", _("Clicks")),
            ],
            rows=type_groups,
            total=Total(
                {"people": "", "shares": db.shares, "clicks": db.clicks}, people, hidden_scope
            ),
        )
    )

    barrier_groups = [
        Group(
            key=value,
            label=str(label),
            people=barrier_counts.get(value, 0),
            values={
                "people": barrier_counts.get(value, 0),
                "share": _pct(barrier_counts.get(value, 0), people),
            },
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
