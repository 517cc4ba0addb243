"""The comms dashboard's charts in a real browser: honest axes, the running week, empty teams,
keyboard access to scrolling tables, and Dutch numbers and CSV, in both languages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, expect


def _crowd(org, team_name, n, start, connections=900):  # noqa: ANN001, ANN202
    from zichtbaar.orgs.models import Membership, Profile, Team, User

    team = Team.objects.get_or_create(org=org, name=team_name)[0]
    users = User.objects.bulk_create(
        [User(email=f"dash{start + i}@acme.test", name=f"Colleague {start + i}") for i in range(n)]
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user=u,
                connections=connections + 53 * i,
                barrier=("relevance", "permission", "value")[i % 3],
                consent_tracking=True,
                onboarded_at=timezone.now(),
            )
            for i, u in enumerate(users)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, org=org, team=team) for u in users])
    return team, users


def _share(user, moment, clicks, days_ago):  # noqa: ANN001, ANN202
    from zichtbaar.sharing.models import Click, Share, TrackedLink

    link, _ = TrackedLink.objects.get_or_create(
        moment=moment, user=user, defaults={"org": moment.org, "destination": "https://acme.test/"}
    )
    at = timezone.now() - dt.timedelta(days=days_ago, minutes=5)
    Share.objects.create(
        org=moment.org, moment=moment, user=user, link=link, text="Proud of this", shared_at=at
    )
    Click.objects.bulk_create(
        [Click(link=link, at=at, visitor=f"v{i}", is_bot=False) for i in range(clicks)]
    )


def _story(acme, make_moment):  # noqa: ANN001, ANN202
    """Engineering (14) and Sales (9) share over three months, also this week; Quiet (6) never."""
    from zichtbaar.impact.services import rollup_clicks

    _team, engineering = _crowd(acme, "Engineering", 14, 0)
    _team, sales = _crowd(acme, "Sales", 9, 100)
    quiet, _people = _crowd(acme, "Quiet", 6, 200)
    moments = [
        make_moment(title="Open day at our Utrecht office", type_key="event"),
        make_moment(title="We're hiring a data engineer", type_key="vacancy"),
    ]
    for i, user in enumerate(engineering):
        _share(user, moments[i % 2], clicks=1 + i % 3, days_ago=(i * 6) % 84 + 7)
    for i, user in enumerate(sales[:7]):
        _share(user, moments[(i + 1) % 2], clicks=2, days_ago=(i * 9) % 70 + 7)
    _share(engineering[0], moments[1], clicks=1, days_ago=0)  # the running week, just begun
    rollup_clicks()
    return quiet


def _page(new_page, **args):  # noqa: ANN001, ANN003, ANN202
    """A page with room for a busy shared machine (the dashboard's first view draws everything)."""
    page = new_page(**args)
    page.set_default_timeout(30_000)
    return page


def _trend_ticks(page: Page) -> list[str]:
    """The figures on the trend's y axes (text elements holding only digits and separators)."""
    texts = page.locator("#chart-trend-caption ~ svg text").all_text_contents()
    return [t for t in texts if re.fullmatch(r"[\d.,]+", t)]


def test_comms_read_honest_charts_in_english(
    alice, acme, make_moment, new_page, site, sign_in, screenshot
):
    quiet = _story(acme, make_moment)
    page = _page(new_page, viewport={"width": 1280, "height": 900})
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/impact/")
    expect(page.get_by_role("img", name="Shares and clicks per week")).to_be_visible()

    # Whole numbers on the axes: no "0.006 shares".
    ticks = _trend_ticks(page)
    assert ticks and all(re.fullmatch(r"[\d,]+", t) for t in ticks), ticks
    # A percentage axis ends at 100%.
    teams_chart = page.get_by_role("img", name="Share of people who shared, per team")
    labels = teams_chart.locator("text").all_text_contents()
    assert "100%" in labels and not any(re.fullmatch(r"1[1-9]\d%", t) for t in labels)

    trend = page.locator("figure").filter(
        has=page.get_by_role("heading", name="Shares and clicks per week")
    )
    if timezone.localdate().weekday() != 6:  # on Sundays the running week is complete
        expect(trend.locator(".chart-note")).to_contain_text("this week so far")
        assert trend.locator('svg rect[fill^="url(#chart-trend-hatch)"]').count() >= 1

    # The data table scrolls on its own and can be reached with the keyboard.
    trend.get_by_text("Show the data as a table").click()
    page.keyboard.press("Tab")
    region = trend.get_by_role("region", name="Shares and clicks per week")
    expect(region).to_be_focused()
    if timezone.localdate().weekday() != 6:
        expect(region).to_contain_text("(this week so far)")
    screenshot(page, "en")

    # A team that never shared: a sentence, not an empty axis.
    page.goto(f"{site}/comms/impact/?team={quiet.pk}")
    expect(page.get_by_text("No shares or clicks in this period yet.")).to_be_visible()
    expect(page.get_by_role("img", name="Shares and clicks per week")).to_have_count(0)
    screenshot(page, "en-quiet-team")

    phone = _page(new_page, viewport={"width": 360, "height": 780})
    sign_in(phone, alice.email)
    phone.goto(f"{site}/comms/impact/")
    expect(phone.get_by_role("img", name="Shares and clicks per week")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the dashboard scrolls sideways on a phone ({width}px)"
    screenshot(phone, "en-phone")


def test_comms_read_dutch_numbers_and_get_a_csv_for_dutch_excel(
    alice, acme, make_moment, new_page, site, sign_in, screenshot
):
    """Dutch sentences need the merged translations; numbers and the CSV are Dutch already."""
    _story(acme, make_moment)
    profile = alice.profile
    profile.language = "nl"
    profile.save()
    page = _page(new_page, viewport={"width": 1280, "height": 900}, locale="nl-NL")
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/impact/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    reach = page.locator("#chart-reach-caption ~ svg")
    expect(reach).to_be_visible()
    figures = [t for t in reach.locator("text").all_text_contents() if re.fullmatch(r"[\d.,]+", t)]
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", t) for t in figures), figures  # 21.000, 5.000
    assert not any("," in t for t in figures), figures  # whole people: no decimal part at all
    assert re.search(r"\d\.\d{3}", page.locator(".numbers").inner_text())
    screenshot(page, "nl")

    with page.expect_download() as download:
        page.locator(".exports a", has_text="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=";") if r]
    engineering = next(r for r in rows if r[0] == "Engineering")
    assert engineering[1] == "14"  # one figure per column in Dutch Excel
    assert any(re.fullmatch(r"\d+(,\d+)?–\d+(,\d+)?", c) for r in rows for c in r)
