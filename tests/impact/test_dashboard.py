"""The comms dashboard: figures, charts, the threshold on every figure about people, exports."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.conftest import _person
from zichtbaar.impact import services
from zichtbaar.orgs.models import Organisation, Team


@pytest.fixture
def beta(db):
    return Organisation.objects.create(slug="beta", name="Beta", linkedin_followers=1000)


@pytest.fixture
def dana(beta):
    """Comms lead of Beta, in team Big."""
    return _person(beta, "dana@beta.test", "Dana", role="comms", team="Big", language="en")


@pytest.fixture
def teams(beta, dana, crowd, make_moment, shared):
    """Beta: Big (10 people incl. Dana), Mid (8), Tiny (4); shares and clicks in each."""
    big = [dana, *crowd(beta, "Big", 9)]
    mid = crowd(beta, "Mid", 8)
    tiny = crowd(beta, "Tiny", 4, barrier="value")
    moment = make_moment(org=beta, title="Open day")
    for i, user in enumerate(big[:6]):
        shared(user, moment, clicks=10 + i)
    for user in mid[:5]:
        shared(user, moment, clicks=3)
    party = make_moment(org=beta, title="Summer party")
    for user in big[4:9]:
        shared(user, party)
    lonely = make_moment(org=beta, title="Tiny team's own moment")
    shared(tiny[0], lonely, clicks=7, bots=3)
    services.rollup_clicks()
    return {"big": big, "mid": mid, "tiny": tiny}


def row(html, label):
    match = re.search(rf"<tr><th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert match, label
    return match.group(1)


def test_comms_see_participation_reach_and_clicks(login, dana, teams):
    html = login(dana).get("/comms/impact/").content.decode()
    # 22 people, 15 shared (9 Big + 5 Mid + 1 Tiny).
    assert "68%" in html and "15 of 22 people" in html
    assert "10,900" in html  # potential reach: 21 x 500 + Dana's 400
    assert "Open day" in html
    # Clicks: 6x Big (10..15 = 75) + 5x Mid (15) + Tiny 7; bots never count.
    assert ">97<" in html


def test_a_team_of_four_cannot_be_worked_out_from_the_totals(login, dana, teams):
    html = login(dana).get("/comms/impact/").content.decode()
    assert "hidden: fewer than 5 people" in row(html, "Tiny")
    # Mid is hidden too, else total minus Big minus Mid would be Tiny's figures.
    assert "hidden so a small group can't be worked out from the total" in row(html, "Mid")
    assert '<td class="n">10</td>' in row(html, "Big")
    # The moment only the tiny team shared is not listed, nor the next smallest: else the
    # total minus the listed moments would be the lonely share's clicks.
    assert "Tiny team&#x27;s own moment" not in html
    assert "Summer party" not in html
    assert "2 more moments are not listed" in html


def test_charts_are_titled_described_and_have_their_table_one_click_away(login, dana, teams):
    html = login(dana).get("/comms/impact/").content.decode()
    svgs = re.findall(r"<svg [^>]*role=\"img\"[^>]*>\s*<title id=\"([\w-]+)-title\">", html)
    assert set(svgs) >= {
        "chart-trend",
        "chart-reach",
        "chart-teams",
        "chart-types",
        "chart-barriers",
    }
    assert html.count("<desc id=") == len(svgs)
    assert html.count("Show the data as a table") == len(svgs)
    teams_desc = re.search(r'<desc id="chart-teams-desc">(.*?)</desc>', html).group(1)
    assert "Tiny: hidden: fewer than 5 people" in teams_desc
    assert "Big: 90%" in teams_desc
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids repeat between charts"


def test_charts_speak_dutch_too(login, dana, teams):
    profile = dana.profile
    profile.language = "nl"
    profile.save()
    html = login(dana).get("/comms/impact/").content.decode()
    assert 'lang="nl"' in html
    assert "10.900" in html


def test_a_filter_that_isolates_a_small_team_is_refused_and_explained(login, dana, teams, beta):
    tiny = Team.objects.get(org=beta, name="Tiny")
    html = login(dana).get(f"/comms/impact/?team={tiny.pk}").content.decode()
    assert "Team Tiny has fewer than 5 people" in html
    assert "15 of 22 people" in html  # the whole organisation instead


def test_a_filter_leaving_few_people_outside_is_refused(login, dana, crowd, beta):
    crowd(beta, "Big", 6)
    crowd(beta, "Small", 3)
    big = Team.objects.get(org=beta, name="Big")
    html = login(dana).get(f"/comms/impact/?team={big.pk}").content.decode()
    assert "Fewer than 5 people are outside team Big" in html


def test_a_team_filter_shows_that_team(login, dana, teams, beta):
    big = Team.objects.get(org=beta, name="Big")
    html = login(dana).get(f"/comms/impact/?team={big.pk}&period=30").content.decode()
    assert "9 of 10 people" in html
    assert "Showing team Big only." in html


def test_another_organisations_team_is_404(login, dana, teams, other_org, alice):
    theirs = Team.objects.create(org=other_org, name="Secret")
    client = login(dana)
    assert client.get(f"/comms/impact/?team={theirs.pk}").status_code == 404
    assert client.get(f"/comms/impact/export.csv?team={theirs.pk}").status_code == 404
    assert client.get("/comms/impact/?team=abc").status_code == 404


def test_a_small_organisation_shows_no_figures_about_people(login, alice, bob, carol):
    html = login(alice).get("/comms/impact/").content.decode()
    assert "There are fewer than 5 people here" in html
    assert "<svg" not in html


def test_employees_cannot_open_the_dashboard_or_exports(login, bob):
    client = login(bob)
    for url in ("/comms/impact/", "/comms/impact/export.csv", "/comms/impact/export.xlsx"):
        assert client.get(url).status_code == 403


def test_csv_export_keeps_the_threshold(login, dana, teams):
    response = login(dana).get("/comms/impact/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_label = {r[0]: r for r in rows if r}
    assert by_label["Tiny"][1:5] == ["", "", "", ""]
    assert by_label["Tiny"][-1] == "hidden: fewer than 5 people"
    assert by_label["Mid"][1:5] == ["", "", "", ""]
    assert "small group" in by_label["Mid"][-1]
    assert by_label["Big"][1] == "10"


def test_xlsx_export_keeps_the_threshold(login, dana, teams):
    response = login(dana).get("/comms/impact/export.xlsx?period=30")
    wb = load_workbook(io.BytesIO(response.content))
    assert "Per team" in wb.sheetnames and "Summary" in wb.sheetnames
    rows = {r[0]: r for r in wb["Per team"].iter_rows(values_only=True)}
    assert rows["Tiny"][1] is None and rows["Tiny"][-1] == "hidden: fewer than 5 people"
    assert rows["Big"][1] == 10


def _queries(client, url):
    client.get(url)  # the first may also ask for a rollup (at most every five minutes)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_data(login, dana, beta, crowd, make_moment, shared):
    client = login(dana)
    pages = ["/comms/impact/", "/comms/impact/?period=365", "/me/impact/", "/impact/sum/"]

    def grow(n):
        people = crowd(beta, "Big", n) + crowd(beta, f"Team {n}", n)
        for i, user in enumerate(people):
            moment = make_moment(org=beta, title=f"Moment {n}-{i % 3}")
            shared(user, moment, clicks=2, days_ago=i % 60)
        shared(dana, moment, clicks=1)
        services.rollup_clicks()

    grow(6)
    small = {url: _queries(client, url) for url in pages}
    grow(30)
    large = {url: _queries(client, url) for url in pages}
    assert large == small
    assert max(small.values()) <= 25, small


def _as(user, language):
    profile = user.profile
    profile.language = language
    profile.save()


def test_dutch_csv_opens_in_columns_in_dutch_excel(login, dana, teams, beta, crowd):
    crowd(beta, "=HYPERLINK(1)", 5)  # a team name that a spreadsheet would run as a formula
    _as(dana, "nl")
    response = login(dana).get("/comms/impact/export.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    by_label = {r[0]: r for r in rows if r}
    assert by_label["Big"][1] == "10"  # one value per column, not one long text cell
    assert "'=HYPERLINK(1)" in by_label  # still never a formula
    assert not any(r and r[0].startswith("=") for r in rows)


def test_dutch_csv_writes_decimal_commas(login, dana, teams, beta):
    from zichtbaar.impact import services as impact_services

    impact_services.save_reach_settings(
        beta,
        by=dana,
        organic_reach_low=0.025,
        organic_reach_high=0.075,
        overlap=0.3,
        count_followers=True,
        source="",
    )
    _as(dana, "nl")
    text = login(dana).get("/comms/impact/export.csv").content.decode("utf-8-sig")
    assert "2,5–7,5" in text and "2.5" not in text
    _as(dana, "en")
    text = login(dana).get("/comms/impact/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("2.5–7.5" in r for r in rows)  # English: commas between, decimal points


def test_scrollable_tables_can_be_reached_by_keyboard(login, dana, teams):
    html = login(dana).get("/comms/impact/").content.decode()
    wraps = re.findall(r'<div class="table-wrap"[^>]*>', html)
    assert len(wraps) >= 5
    for tag in wraps:
        assert 'tabindex="0"' in tag and 'role="region"' in tag
        assert re.search(r'aria-label="[^"]+"', tag), tag


def test_a_quiet_team_gets_a_sentence_instead_of_an_empty_chart(login, dana, beta, crowd):
    crowd(beta, "Big", 9)
    crowd(beta, "Quiet", 6)
    quiet = Team.objects.get(org=beta, name="Quiet")
    html = login(dana).get(f"/comms/impact/?team={quiet.pk}").content.decode()
    assert "No shares or clicks in this period yet." in html
    assert 'id="chart-trend-title"' not in html
    assert not re.search(r">0\.0\d\d<", html)  # no axis of fractions of a share


def test_the_running_week_is_marked_as_so_far(login, dana, teams):
    from django.utils import timezone

    html = login(dana).get("/comms/impact/").content.decode()
    if timezone.localdate().weekday() != 6:  # on a Sunday the running week is complete
        assert "(this week so far)" in html  # in the data table
        assert "Hatched: this week so far" in html


def _figures(db):
    return {
        "clicks": db.clicks,
        "visitors": db.visitors,
        "weeks": [(w.start, w.shares, w.clicks) for w in db.weeks],
        "tables": {t.key: [(g.label, g.hidden, dict(g.values)) for g in t.rows] for t in db.tables},
        "moments_hidden": db.moments_hidden,
    }


@pytest.mark.parametrize("period", [30, 90, 365])
def test_the_rollups_click_summary_gives_the_same_figures_as_summing_the_days(
    beta, teams, period, monkeypatch
):
    from zichtbaar.impact import selectors
    from zichtbaar.impact.models import ClickSummary

    a = selectors.reach_settings_for(beta).assumptions()
    big = Team.objects.get(org=beta, name="Big")
    assert ClickSummary.objects.filter(org=beta, period=period, team=None).exists()
    from_summary = {
        t: _figures(selectors.dashboard(beta, a, period=period, team=t)) for t in (None, big)
    }
    ClickSummary.objects.all().delete()  # the page sums ClickDaily itself
    summed = {t: _figures(selectors.dashboard(beta, a, period=period, team=t)) for t in (None, big)}
    assert from_summary == summed
    assert summed[None]["clicks"] == 97


def test_a_summary_from_before_people_changed_is_not_used(login, dana, beta, teams, crowd):
    from zichtbaar.impact import selectors
    from zichtbaar.impact.models import ClickSummary

    ClickSummary.objects.filter(org=beta, team=None).update(data={"clicks": 123456})
    a = selectors.reach_settings_for(beta).assumptions()
    assert selectors.dashboard(beta, a).clicks == 123456  # the summary is read...
    crowd(beta, "Big", 1)  # ...until someone joins (or is erased): then the days are summed
    assert selectors.dashboard(beta, a).clicks == 97
    services.rollup_clicks()  # and the next rollup writes a fresh summary
    assert ClickSummary.objects.get(org=beta, period=90, team=None).data["clicks"] == 97
