"""Writes for impact: the click rollup and an organisation's reach settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from zichtbaar.impact import share_summary
from zichtbaar.impact.models import ClickSummary, ReachSettings, RollupState, ShareSummary
from zichtbaar.orgs import jobs
from zichtbaar.orgs.models import Membership, Organisation, User
from zichtbaar.sharing.models import Click, ClickDaily, Share, TrackedLink

ROLLUP_KEY = "clicks"
# Pages ask for a fresh rollup at most this often; the worker does the work.
ROLLUP_INTERVAL = dt.timedelta(minutes=5)
CLICK_BATCH = 200_000
LINK_CHUNK = 500


@dataclass(frozen=True)
class RollupResult:
    clicks_read: int
    rows_written: int
    last_click_id: int


def _state() -> RollupState:
    state, _ = RollupState.objects.get_or_create(key=ROLLUP_KEY)
    return state


def _day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _recompute(link_ids: list[int], first: dt.date, last: dt.date, touched: set[int]) -> int:
    """Recompute the rows of these links for these days from the raw clicks (idempotent)."""
    start, end = _day_bounds(first, last)
    links = {
        row[0]: row[1:]
        for row in TrackedLink.objects.filter(pk__in=link_ids).values_list(
            "id", "org_id", "moment_id", "user_id"
        )
    }
    teams = {
        (m.user_id, m.org_id): m.team_id
        for m in Membership.objects.filter(user_id__in={v[2] for v in links.values()}).only(
            "user_id", "org_id", "team_id"
        )
    }
    rows = (
        Click.objects.filter(link_id__in=link_ids, at__gte=start, at__lt=end, is_bot=False)
        .annotate(day=TruncDate("at"))
        .values("link_id", "day")
        .annotate(clicks=Count("id"), visitors=Count("visitor", distinct=True))
        .order_by()
    )
    objs = []
    for r in rows:
        found = links.get(r["link_id"])
        if found is None:
            continue
        org_id, moment_id, user_id = found
        touched.add(org_id)
        objs.append(
            ClickDaily(
                link_id=r["link_id"],
                day=r["day"],
                org_id=org_id,
                moment_id=moment_id,
                user_id=user_id,
                team_id=teams.get((user_id, org_id)),
                clicks=r["clicks"],
                visitors=r["visitors"],
            )
        )
    ClickDaily.objects.bulk_create(
        objs,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["link", "day"],
        update_fields=["org", "moment", "user", "team", "clicks", "visitors"],
    )
    return len(objs)


def summarise_clicks(touched: Iterable[int] = (), *, today: dt.date | None = None) -> int:
    """Write the dashboard's ClickSummary rows of every period, for the organisations whose
    clicks changed (`touched`) and those whose summaries are missing, not today's, or from
    before their people changed. Returns how many organisations were summarised.

    The dashboard reads these instead of summing a year of ClickDaily rows on every first view
    (docs/decisions.md, "Dashboard speed"); the summing happens here, in the background.
    """
    from zichtbaar.impact import dashboard_parts as parts
    from zichtbaar.impact.selectors import PERIODS

    today = today or timezone.localdate()
    changed = set(touched)
    with_clicks = set(ClickDaily.objects.order_by().values_list("org_id", flat=True).distinct())
    current = {
        (row["org_id"], row["computed_for"], row["people"])
        for row in ClickSummary.objects.filter(team=None)
        .order_by()
        .values("org_id", "computed_for", "people")
        .distinct()
    }
    orgs = Organisation.objects.filter(pk__in=with_clicks)
    done = 0
    for org in orgs:
        version = parts.people_version(org)
        if org.pk not in changed and (org.pk, today, version) in current:
            continue
        rows = [
            ClickSummary(
                org=org,
                period=period,
                computed_for=today,
                team_id=team_id,
                people=version,
                data=data,
            )
            for period in PERIODS
            for team_id, data in parts.click_summaries(org, period, today).items()
        ]
        with transaction.atomic():
            ClickSummary.objects.filter(org=org).delete()
            ClickSummary.objects.bulk_create(rows, batch_size=500)
        done += 1
    return done


def summarise_shares(*, today: dt.date | None = None) -> int:
    """Write the dashboard's ShareSummary of every period for the organisations whose summary
    is missing, not today's, or out of date (`share_summary.version`). Returns how many were
    written: each organisation's periods once a day, and again after a share is removed.
    """
    from zichtbaar.impact.selectors import PERIODS

    today = today or timezone.localdate()
    current = {
        (org_id, period): (day, version)
        for org_id, period, day, version in ShareSummary.objects.values_list(
            "org_id", "period", "computed_for", "shares"
        )
    }
    written = 0
    for org in Organisation.objects.filter(pk__in=Share.objects.values("org_id")):
        for period in PERIODS:
            version = share_summary.version(org, share_summary.windows(period, today))
            if current.get((org.pk, period)) == (today, version):
                continue
            version, data = share_summary.summary_data(org, period, today)
            ShareSummary.objects.update_or_create(
                org=org,
                period=period,
                defaults={"computed_for": today, "shares": version, "data": data},
            )
            written += 1
    return written


def rollup_clicks(*, batch: int = CLICK_BATCH, shares: bool = True) -> RollupResult:
    """Sum the clicks that arrived since the last run into ClickDaily rows, and write the
    dashboard's click and (`shares`) share summaries.

    Every (link, day) a new click touches is recomputed from the raw clicks, so a run is
    idempotent, two runs at once write the same rows, and distinct visitors stay distinct
    within a day. The redirect (/l/<code>) is never involved: it stays one INSERT. Callers
    that run it for one organisation's sake, often (the digests), leave the share summaries,
    which check every organisation, to the background task pages and cron ask for.
    """
    state = _state()
    start_id = state.last_click_id
    read = written = 0
    touched: set[int] = set()
    top = Click.objects.aggregate(m=Max("id"))["m"] or 0
    while start_id < top:
        end_id = min(start_id + batch, top)
        new = Click.objects.filter(id__gt=start_id, id__lte=end_id)
        span = new.aggregate(first=Min("at"), last=Max("at"), n=Count("id"))
        if span["n"]:
            link_ids = sorted(set(new.values_list("link_id", flat=True).distinct()))
            first = timezone.localdate(span["first"])
            last = timezone.localdate(span["last"])
            for i in range(0, len(link_ids), LINK_CHUNK):
                with transaction.atomic():
                    written += _recompute(link_ids[i : i + LINK_CHUNK], first, last, touched)
            read += span["n"]
        start_id = end_id
        RollupState.objects.filter(key=ROLLUP_KEY, last_click_id__lt=end_id).update(
            last_click_id=end_id
        )
    summarise_clicks(touched)
    if shares:
        summarise_shares()
    RollupState.objects.filter(key=ROLLUP_KEY).update(last_run_at=timezone.now())
    return RollupResult(clicks_read=read, rows_written=written, last_click_id=start_id)


def request_rollup() -> dt.datetime | None:
    """Ask the worker for a rollup when the last request is older than ROLLUP_INTERVAL.

    Returns when the clicks were last summed (pages say so). One SELECT; at most every
    ROLLUP_INTERVAL a conditional UPDATE as well, so many page views enqueue one task.
    """
    now = timezone.now()
    stale = now - ROLLUP_INTERVAL
    state = RollupState.objects.filter(key=ROLLUP_KEY).values("requested_at", "last_run_at").first()
    if state is None:
        _, claimed = RollupState.objects.get_or_create(
            key=ROLLUP_KEY, defaults={"requested_at": now}
        )
        last_run = None
    else:
        last_run = state["last_run_at"]
        if state["requested_at"] is not None and state["requested_at"] >= stale:
            return last_run
        claimed = bool(
            RollupState.objects.filter(key=ROLLUP_KEY)
            .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=stale))
            .update(requested_at=now)
        )
    if claimed:
        jobs.enqueue("impact.rollup_clicks")
    return last_run


def save_reach_settings(
    org: Organisation,
    *,
    organic_reach_low: float,
    organic_reach_high: float,
    overlap: float,
    count_followers: bool,
    source: str,
    by: User | None,
) -> ReachSettings:
    obj, _ = ReachSettings.objects.update_or_create(
        org=org,
        defaults={
            "organic_reach_low": organic_reach_low,
            "organic_reach_high": organic_reach_high,
            "overlap": overlap,
            "count_followers": count_followers,
            "source": source,
            "updated_by": by,
        },
    )
    return obj


def reset_reach_settings(org: Organisation) -> None:
    ReachSettings.objects.filter(org=org).delete()
