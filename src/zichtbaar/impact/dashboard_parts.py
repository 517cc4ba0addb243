"""The parts of the comms dashboard, one selector per block: who is in scope, participation,
reach, clicks, the weekly trend and the tables per team, moment, moment type and barrier.

`selectors.dashboard()` composes them. Each part runs at most a couple of grouped queries; the
database sums and counts, Python combines rows grouped per person, moment, team or day (never
per share or per click), so the cost grows with the period's rows in SQL only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db import connections
from django.db.models import Count, F, Func, IntegerField, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zichtbaar.impact import anonymity, reach
from zichtbaar.impact.anonymity import Group
from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.orgs.models import Barrier, Membership, Organisation, Team
from zichtbaar.sharing.models import ClickDaily, Share

TOP_MOMENTS = 15


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
    days: int = 7  # days of this week inside the period (fewer: the running or first week)

    @property
    def partial(self) -> bool:
        return self.days < 7


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


def week_starts(start: dt.date, today: dt.date) -> list[dt.date]:
    """The Mondays of the weeks from `start` up to `today`: the trend's x axis."""
    monday = start - dt.timedelta(days=start.weekday())
    out = []
    while monday <= today:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def aware(day: dt.date) -> dt.datetime:
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
            # date_part is double precision; EXTRACT is numeric, several times slower per row.
            f"FLOOR(date_part('epoch', {sql} - %s) / 604800)::integer",
            [*params, self.origin],
        )


def raw_rows(qs: Any) -> list[tuple[Any, ...]]:
    """The rows of a grouped `values_list` query as the database returns them.

    Skips Django's per-value converters (an int() per aggregate), which cost more than the
    query itself on tens of thousands of grouped rows. Only for columns the database already
    returns as the right Python type (integers, ids); the columns come in `values_list` order.
    """
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- who is in scope ---------------------------------------------------------------------------


@dataclass
class Scope:
    """The active people the dashboard is about: the whole organisation or one team."""

    team: Team | None  # None as well when a team filter was refused
    refused: str  # why the team filter was refused ("" when it wasn't)
    sizes: dict[int | None, int]  # active people per team, the whole organisation
    team_of: dict[int, int | None]  # every active person's team, by user id
    network_of: dict[int, int]  # the network of each person in scope, by user id
    people: int
    connections: int
    followers: int
    barriers: dict[str, int]  # people in scope per barrier named at onboarding ("": none yet)


def scope(org: Organisation, assumptions: reach.Assumptions, team: Team | None) -> Scope:
    """The people in scope, one row per active person (team, barrier, network): one query.

    A team filter that would single out individuals is refused: the scope is then everyone.
    """
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
    return Scope(
        team=team,
        refused=refused,
        sizes=sizes,
        team_of=dict(map(itemgetter(0, 1), members)),
        network_of={m[0]: reach.network(m[3] or 0, m[4] or 0, assumptions) for m in scoped},
        people=len(scoped),
        connections=sum(m[3] or 0 for m in scoped),
        followers=sum(m[4] or 0 for m in scoped),
        barriers=Counter(m[2] or "" for m in scoped),
    )


def scope_reach(org: Organisation, people: Scope, assumptions: reach.Assumptions) -> reach.Reach:
    """The estimated reach of the people in scope (no query)."""
    networks = list(people.network_of.values())
    return reach.estimate(
        people=people.people,
        connections=people.connections,
        followers=people.followers,
        potential_reach=sum(networks),
        largest_network=max(networks, default=0),
        company_followers=org.linkedin_followers,
        assumptions=assumptions,
    )


def scoped_shares(org: Organisation, team: Team | None) -> QuerySet[Share]:
    """Every share in the organisation, or by the members of one team."""
    shares = Share.objects.filter(org=org)
    if team is not None:
        shares = shares.filter(user__memberships__org=org, user__memberships__team=team)
    return shares


def scoped_clicks(
    org: Organisation, team: Team | None, start: dt.date, today: dt.date
) -> QuerySet[ClickDaily]:
    """The daily click rollup of the period, for the organisation or one team."""
    clicks = ClickDaily.objects.filter(org=org, day__gte=start, day__lte=today)
    if team is not None:
        clicks = clicks.filter(team=team)
    return clicks


# --- participation and shares ------------------------------------------------------------------


@dataclass
class Participation:
    """Who shared: in the period, and in the last 30 and 90 days."""

    sharers: int  # people in scope who shared in the period
    last_30: int  # people in scope who shared in the last 30 days
    last_90: int
    shares: int  # shares in the period, also by people who have left
    views: int  # the period's shares times each sharer's network
    by_team: dict[int | None, list[int]]  # team id: [shares, people who shared] in the period


def participation_from(per_person: list[tuple[Any, ...]], people: Scope) -> Participation:
    """Participation from shares per person: (user id, shares in the period, in the last 90
    days, in the last 30), as `share_summary` counts them (no query)."""
    team_of, network_of = people.team_of, people.network_of
    sharers = p30 = p90 = shares_total = views_total = 0
    by_team: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for user_id, n, n90, n30 in per_person:
        active = user_id in team_of  # people who left still count in shares, not in people
        if active:
            p90 += n90 > 0
            p30 += n30 > 0
        if n:
            sharers += active
            shares_total += n
            if active:
                views_total += n * network_of.get(user_id, 0)
            bucket = by_team[team_of.get(user_id)]
            bucket[0] += n
            bucket[1] += 1
    return Participation(sharers, p30, p90, shares_total, views_total, by_team)


def shares_per_moment(period_shares: QuerySet[Share]) -> dict[int, tuple[int, int]]:
    """Moment id: (shares, people who shared) in the period: one grouped query."""
    # Tuples as fetched, not a dict per row: thousands of rows, and less for the GC to walk.
    return {
        mid: (n, who)
        for mid, n, who in raw_rows(
            period_shares.values("moment_id")
            .annotate(n=Count("id"), people=Count("user_id", distinct=True))
            .order_by()
            .values_list("moment_id", "n", "people")
        )
    }


def shares_per_type(period_shares: QuerySet[Share]) -> dict[int, dict[str, Any]]:
    """Moment type id: {"n": shares, "people": people who shared} in the period."""
    return {
        tid: {"n": n, "people": who}
        for tid, n, who in raw_rows(
            period_shares.values("moment__type_id")
            .annotate(n=Count("id"), people=Count("user_id", distinct=True))
            .order_by()
            .values_list("moment__type_id", "n", "people")
        )
    }


def shares_per_week(period_shares: QuerySet[Share], first_monday: dt.datetime) -> dict[int, int]:
    """Week number (0: the week of `first_monday`): shares in the period."""
    return dict(
        period_shares.annotate(w=WeekIndex("shared_at", first_monday))
        .values("w")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("w", "n")
    )


# --- clicks, from the daily rollup -------------------------------------------------------------


@dataclass
class Clicks:
    """The period's clicks and visitors in total, per week and per team."""

    clicks: int
    visitors: int
    by_week: dict[int, int]  # week number (0: the first Monday): clicks
    by_team: dict[int | None, int]


def clicks_per_day_and_team(clicks: QuerySet[ClickDaily], first_monday: dt.date) -> Clicks:
    """Clicks per day and team in one pass: at most days x teams rows, in index order."""
    rows = raw_rows(
        clicks.values("day", "team_id")
        .annotate(c=Sum("clicks"), v=Sum("visitors"))
        .order_by()
        .values_list("day", "team_id", "c", "v")
    )
    by_week: dict[int, int] = defaultdict(int)
    by_team: dict[int | None, int] = defaultdict(int)
    clicks_total = visitors_total = 0
    week_of: dict[Any, int] = {}  # a day as the database returns it (SQLite: a string)
    for day, team_id, c, v in rows:
        week = week_of.get(day)
        if week is None:
            as_date = dt.date.fromisoformat(day) if isinstance(day, str) else day
            week = week_of[day] = (as_date - first_monday).days // 7
        by_week[week] += c
        by_team[team_id] += c
        clicks_total += c
        visitors_total += v
    return Clicks(clicks_total, visitors_total, by_week, by_team)


def clicks_per_moment(clicks: QuerySet[ClickDaily]) -> dict[int, tuple[int, int]]:
    """Moment id: (clicks, people whose links brought them) in the period: one query."""
    return {
        mid: (c, who)
        for mid, c, _v, who in raw_rows(
            clicks.values("moment_id")
            .annotate(c=Sum("clicks"), v=Sum("visitors"), people=Count("user_id", distinct=True))
            .order_by()
            .values_list("moment_id", "c", "v", "people")
        )
    }


def people_version(org: Organisation) -> str:
    """What the click summaries depend on besides the rollup: the organisation's people (an
    erasure empties the person on their click rows, a join or leave changes the counts)."""
    found = Membership.objects.filter(org=org).aggregate(
        n=Count("id", filter=Q(is_active=True)), all=Count("id"), last=Max("id")
    )
    return f"{found['n']}:{found['all']}:{found['last'] or 0}"


def clicks_to_data(clicks: Clicks, moments: dict[int, tuple[int, int]]) -> dict[str, Any]:
    """Clicks and per-moment clicks as JSON (a ClickSummary's data)."""
    return {
        "clicks": clicks.clicks,
        "visitors": clicks.visitors,
        "by_week": sorted(clicks.by_week.items()),
        "by_team": [[t, c] for t, c in clicks.by_team.items()],
        "moments": [[m, c, who] for m, (c, who) in moments.items()],
    }


def clicks_from_data(data: dict[str, Any]) -> tuple[Clicks, dict[int, tuple[int, int]]]:
    clicks = Clicks(
        data.get("clicks", 0),
        data.get("visitors", 0),
        defaultdict(int, {int(w): c for w, c in data.get("by_week", [])}),
        defaultdict(int, {t: c for t, c in data.get("by_team", [])}),
    )
    return clicks, {m: (c, who) for m, c, who in data.get("moments", [])}


def click_summaries(
    org: Organisation, period: int, today: dt.date
) -> dict[int | None, dict[str, Any]]:
    """The click figures of one period for the whole organisation (None) and each team that
    had clicks, as ClickSummary data: three grouped queries, for the rollup to store."""
    start, _start_at = period_bounds(period, today)
    first_monday = week_starts(start, today)[0]
    qs = scoped_clicks(org, None, start, today)
    whole = clicks_per_day_and_team(qs, first_monday)
    out: dict[int | None, dict[str, Any]] = {None: clicks_to_data(whole, clicks_per_moment(qs))}
    # Per team: the day rows again, split by team (the same sums as a team filter gives).
    per_team: dict[int, Clicks] = {}
    for day, team_id, c, v in raw_rows(
        qs.exclude(team=None)
        .values("day", "team_id")
        .annotate(c=Sum("clicks"), v=Sum("visitors"))
        .order_by()
        .values_list("day", "team_id", "c", "v")
    ):
        part = per_team.setdefault(team_id, Clicks(0, 0, defaultdict(int), defaultdict(int)))
        as_date = dt.date.fromisoformat(day) if isinstance(day, str) else day
        part.by_week[(as_date - first_monday).days // 7] += c
        part.by_team[team_id] += c
        part.clicks += c
        part.visitors += v
    moments: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for team_id, mid, c, who in raw_rows(
        qs.exclude(team=None)
        .values("team_id", "moment_id")
        .annotate(c=Sum("clicks"), people=Count("user_id", distinct=True))
        .order_by()
        .values_list("team_id", "moment_id", "c", "people")
    ):
        moments[team_id][mid] = (c, who)
    for team_id, part in per_team.items():
        out[team_id] = clicks_to_data(part, moments.get(team_id, {}))
    return out


def moment_types(org: Organisation) -> dict[int, int]:
    """Every moment's type, by moment id: one query."""
    return dict(Moment.objects.filter(org=org).order_by().values_list("id", "type_id"))


def clicks_per_type(
    type_of: dict[int, int], per_moment: dict[int, tuple[int, int]]
) -> dict[int, list[int]]:
    """Moment type id: [clicks, the most people behind one moment's clicks] (no query).

    A type's clicks rest on at least as many people as its largest moment's (the same person
    can bring clicks to several moments).
    """
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for mid, (clicked, clickers) in per_moment.items():
        bucket = out[type_of.get(mid, 0)]
        bucket[0] += clicked
        bucket[1] = max(bucket[1], clickers)
    return out


def trend(
    weeks: list[dt.date],
    shares_by_week: dict[int, int],
    clicks_by_week: dict[int, int],
    start: dt.date | None = None,
    today: dt.date | None = None,
) -> list[Week]:
    """Shares and clicks per week of the period, every week present (zero when quiet).

    Each week knows how many of its days fall in the period: the running week (up to today)
    and a first week that starts before the period are partial, and the chart says so.
    """
    start = start or (weeks[0] if weeks else dt.date.min)
    today = today or (weeks[-1] + dt.timedelta(days=6) if weeks else dt.date.max)
    out = []
    for i, w in enumerate(weeks):
        first = max(w, start)
        last = min(w + dt.timedelta(days=6), today)
        out.append(
            Week(w, shares_by_week.get(i, 0), clicks_by_week.get(i, 0), (last - first).days + 1)
        )
    return out


# --- the tables --------------------------------------------------------------------------------


def team_table(
    teams: list[Team],
    people: Scope,
    took_part: Participation,
    clicks: Clicks,
    hidden: bool,
    k: int,
) -> Table:
    """Per team (for the whole organisation only: a team view is one team); small teams and
    the groups that would give them away are suppressed."""
    rows = []
    for t in [*teams, None]:
        key = t.pk if t else None
        size = people.sizes.get(key, 0)
        if t is None and size == 0:
            continue
        n, who = took_part.by_team.get(key, (0, 0))
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
                    "clicks": clicks.by_team.get(key, 0),
                },
            )
        )
    anonymity.suppress(rows, k)
    return Table(
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
                "people": people.people,
                "participation": _pct(took_part.sharers, people.people),
                "shares": took_part.shares,
                "clicks": clicks.clicks,
            },
            people.people,
            hidden,
        ),
    )


def moment_table(
    org: Organisation,
    shares: dict[int, tuple[int, int]],
    clicks: dict[int, tuple[int, int]],
    total: Total,
    k: int,
) -> tuple[Table, int]:
    """The most shared moments first, and how many moments were hidden: one query (titles).

    A moment's figures rest on the people who shared it in the period and the people whose
    links brought its clicks: at least the larger of the two counts (the same person can be in
    both), so suppression treats them as overlapping groups.
    """
    groups = []
    zero = (0, 0)
    for mid in shares.keys() | clicks.keys():
        shared, sharers = shares.get(mid, zero)
        clicked, clickers = clicks.get(mid, zero)
        groups.append(
            Group(
                key=mid,
                label="",
                people=max(sharers, clickers),
                values={"people": sharers, "shares": shared, "clicks": clicked},
            )
        )
    anonymity.suppress(groups, k, overlapping=True)
    visible = sorted(
        (g for g in groups if g.visible),
        key=lambda g: (-g.values["shares"], -g.values["clicks"], g.key),
    )[:TOP_MOMENTS]
    titles = dict(
        Moment.objects.filter(org=org, pk__in=[g.key for g in visible]).values_list("id", "title")
    )
    for g in visible:
        g.label = titles.get(g.key, "?")  # type: ignore[call-overload]
    table = Table(
        key="moments",
        title=_("Per moment"),
        columns=[
            ("people", _("People who shared")),
            ("shares", _("Shares")),
            ("clicks", _("Clicks")),
        ],
        rows=visible,
        total=total,
    )
    return table, sum(1 for g in groups if not g.visible)


def type_table(
    org: Organisation,
    shares: dict[int, dict[str, Any]],
    clicks: dict[int, list[int]],
    total: Total,
    k: int,
) -> Table:
    """Per moment type, in the types' own order; overlapping groups as for moments: one query."""
    types = {t.pk: t for t in MomentType.objects.filter(Q(org=None) | Q(org=org))}
    groups = []
    for tid in sorted(
        shares.keys() | clicks.keys(),
        key=lambda t: (types[t].position, types[t].key) if t in types else (999, ""),
    ):
        sh = shares.get(tid, {})
        clicked, clickers = clicks.get(tid, (0, 0))
        groups.append(
            Group(
                key=tid or 0,
                label=types[tid].name if tid in types else "?",
                people=max(sh.get("people", 0), clickers),
                values={"people": sh.get("people", 0), "shares": sh.get("n", 0), "clicks": clicked},
            )
        )
    anonymity.suppress(groups, k, overlapping=True)
    return Table(
        key="types",
        title=_("Per moment type"),
        columns=[
            ("people", _("People who shared")),
            ("shares", _("Shares")),
            ("clicks", _("Clicks")),
        ],
        rows=groups,
        total=total,
    )


def barrier_table(people: Scope, hidden: bool, k: int) -> Table:
    """What holds the people in scope back, as they named it at onboarding (no query)."""
    counts = people.barriers
    groups = [
        Group(
            key=value,
            label=str(label),
            people=counts.get(value, 0),
            values={
                "people": counts.get(value, 0),
                "share": _pct(counts.get(value, 0), people.people),
            },
        )
        for value, label in [*Barrier.choices, ("", _("Not answered yet"))]
    ]
    anonymity.suppress(groups, k)
    return Table(
        key="barriers",
        title=_("What holds people back (named at onboarding)"),
        columns=[("people", _("People")), ("share", _("Share (%)"))],
        rows=groups,
        total=Total(
            {"people": people.people, "share": 100 if people.people else 0}, people.people, hidden
        ),
    )
