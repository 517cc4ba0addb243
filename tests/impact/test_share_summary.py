"""The dashboard's share figures from the rollup's summary of the days before today, with
today's shares added, are the figures grouping every share afresh gives; a summary that no
longer matches the shares is not used."""

from __future__ import annotations

import pytest

from tests.conftest import _person
from zichtbaar.impact import selectors, services
from zichtbaar.impact.models import ShareSummary
from zichtbaar.orgs.models import Membership, Organisation, Team
from zichtbaar.privacy.services import erase_person
from zichtbaar.sharing.models import Share


@pytest.fixture
def beta(db):
    return Organisation.objects.create(slug="beta", name="Beta", linkedin_followers=1000)


@pytest.fixture
def history(beta, crowd, make_moment, shared):
    """A year of shares in Beta (Big 12, Mid 8), summarised by the rollup; nothing today yet."""
    big = [
        _person(beta, "dana@beta.test", "Dana", role="comms", team="Big", language="en"),
        *crowd(beta, "Big", 11),
    ]
    mid = crowd(beta, "Mid", 8, connections=900)
    open_day = make_moment(org=beta, title="Open day", type_key="event")
    delivery = make_moment(org=beta, title="Library website")
    vacancy = make_moment(org=beta, title="We're hiring", type_key="vacancy")
    for i, user in enumerate(big):
        shared(user, open_day, clicks=2, days_ago=1 + i)  # the last 30 days
    for i, user in enumerate(mid):
        shared(user, delivery, clicks=1, days_ago=40 + 5 * i)  # 40 to 75 days ago
    for i, user in enumerate(big[:6] + mid[:2]):
        shared(user, vacancy, days_ago=120 + 20 * i)  # only in the year
    shared(big[0], delivery, days_ago=1)  # yesterday, and again today below
    services.rollup_clicks()
    return {"big": big, "mid": mid, "moments": (open_day, delivery, vacancy)}


@pytest.fixture
def from_summary(monkeypatch):
    """How many times the dashboard took its share figures from a summary."""
    from zichtbaar.impact import share_summary

    calls = []
    real = share_summary._with_today
    monkeypatch.setattr(share_summary, "_with_today", lambda *args: calls.append(1) or real(*args))
    return calls


def figures(org, period, team=None):
    a = selectors.reach_settings_for(org).assumptions()
    db = selectors.dashboard(org, a, period=period, team=team)
    return {
        "people": db.people,
        "participation": (db.participation_30, db.participation_90, db.shares),
        "views": db.views_realised,
        "weeks": [(w.start, w.shares) for w in db.weeks],
        "tables": {t.key: [(g.label, g.hidden, dict(g.values)) for g in t.rows] for t in db.tables},
        "totals": {t.key: t.total.values if t.total else None for t in db.tables},
        "moments_hidden": db.moments_hidden,
    }


def afresh(org, period, team=None):
    """The same figures with the summaries gone: every share grouped by the page itself."""
    kept = list(ShareSummary.objects.all())
    ShareSummary.objects.all().delete()
    try:
        return figures(org, period, team)
    finally:
        ShareSummary.objects.bulk_create(kept)


def test_the_rollup_summarises_every_period(beta, history):
    assert sorted(ShareSummary.objects.filter(org=beta).values_list("period", flat=True)) == [
        30,
        90,
        365,
    ]
    assert services.summarise_shares() == 0  # up to date: nothing written again


@pytest.mark.parametrize("period", [30, 90, 365])
def test_summary_plus_todays_shares_gives_the_figures_grouped_afresh(
    beta, history, shared, make_moment, crowd, period, from_summary
):
    big, mid = history["big"], history["mid"]
    open_day, delivery, vacancy = history["moments"]
    assert figures(beta, period) == afresh(beta, period)  # nothing today yet

    # Today: a sharer new to a moment, one sharing a moment again, one back after months,
    # a newcomer, and a moment nobody shared before.
    shared(big[0], delivery)  # shared it yesterday too: one more share, not one more person
    shared(mid[0], open_day)
    shared(mid[0], vacancy)  # shared it 120+ days ago: new in the 30 and 90 days
    newcomer = crowd(beta, "Mid", 1)[0]
    shared(newcomer, delivery)
    fresh = make_moment(org=beta, title="Award", type_key="award")
    for user in mid[1:7]:
        shared(user, fresh)
    got = figures(beta, period)
    assert from_summary == [1, 1]  # before and after today's shares, the summary was used
    assert got == afresh(beta, period)
    assert got["participation"][2] == Share.objects.filter(org=beta).count() - (
        0 if period == 365 else Share.objects.filter(org=beta, shared_at__lt=_start(period)).count()
    )


def _start(period):
    from django.utils import timezone

    from zichtbaar.impact import dashboard_parts as parts

    return parts.period_bounds(period, timezone.localdate())[1]


def test_someone_who_left_still_counts_in_shares_not_in_people(beta, history, shared, from_summary):
    mid = history["mid"]
    shared(mid[3], history["moments"][0])
    Membership.objects.filter(user=mid[3]).update(is_active=False)
    services.rollup_clicks()  # a new summary for the new people
    shared(mid[4], history["moments"][0])
    assert figures(beta, 90) == afresh(beta, 90)
    assert from_summary == [1]


def test_a_summary_that_no_longer_matches_the_shares_is_not_used(beta, history):
    ShareSummary.objects.filter(org=beta, period=90).update(
        data={"people": [], "moments": [], "types": [], "weeks": [], "type_of": []}
    )
    assert figures(beta, 90)["participation"] == (0, 0, 0)  # the summary is read...
    Share.objects.filter(org=beta).order_by("-shared_at").first().delete()  # ...until one goes
    assert figures(beta, 90)["participation"] == (12, 20, 20)
    assert figures(beta, 90) == afresh(beta, 90)
    services.rollup_clicks()  # and the next rollup writes a fresh summary
    assert ShareSummary.objects.get(org=beta, period=90).data["people"]


def test_a_moments_new_type_and_an_erasure_make_the_summary_stale(beta, history):
    from zichtbaar.moments.models import MomentType

    open_day = history["moments"][0]
    open_day.type = MomentType.objects.get(org=None, key="milestone")
    open_day.save()
    assert figures(beta, 30) == afresh(beta, 30)
    services.rollup_clicks()
    Membership.objects.filter(user=history["big"][5]).update(is_active=False)
    services.rollup_clicks()
    erase_person(history["big"][5])  # an inactive member: the active count stays the same
    assert figures(beta, 30) == afresh(beta, 30)
    assert figures(beta, 365) == afresh(beta, 365)


def test_a_team_view_is_grouped_afresh_and_matches(beta, history, shared):
    shared(history["big"][2], history["moments"][1])
    big = Team.objects.get(org=beta, name="Big")
    assert figures(beta, 90, big) == afresh(beta, 90, big)


def test_another_organisations_shares_never_reach_the_summary(beta, history, alice, shared):
    from zichtbaar.moments.models import Moment, MomentStatus, MomentType

    before = figures(beta, 365)
    acme_moment = Moment.objects.create(
        org=alice.memberships.get().org,
        type=MomentType.objects.get(org=None, key="event"),
        status=MomentStatus.PUBLISHED,
        title="Acme's day",
        what_happened="We opened our doors.",
        link="https://acme.test/",
    )
    shared(alice, acme_moment, days_ago=1)
    services.rollup_clicks()
    shared(alice, acme_moment)  # today
    assert figures(beta, 365) == before
    summary = ShareSummary.objects.get(org=beta, period=365).data
    assert alice.pk not in [row[0] for row in summary["people"]]
    assert acme_moment.pk not in [row[0] for row in summary["moments"]]


def test_the_periodic_run_writes_a_new_days_summaries(
    beta, history, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from zichtbaar.impact.models import RollupState
    from zichtbaar.nudges.periodic import run_periodic

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ShareSummary.objects.update(computed_for=yesterday)
    RollupState.objects.update(requested_at=None)  # nobody asked for a rollup lately
    with django_capture_on_commit_callbacks(execute=True):  # the rollup job is sent
        run_periodic()  # what cron runs every few minutes
    assert set(ShareSummary.objects.values_list("computed_for", flat=True)) == {
        timezone.localdate()
    }
