"""Impact made tangible, in a real browser: my impact, the comms dashboard, the sum."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect


def _crowd(org, team_name, n, start, connections=600):  # noqa: ANN001, ANN202
    from zichtbaar.orgs.models import Membership, Profile, Team, User

    team = Team.objects.get_or_create(org=org, name=team_name)[0]
    users = User.objects.bulk_create(
        [User(email=f"e2e{start + i}@acme.test", name=f"Colleague {start + i}") for i in range(n)]
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user=u,
                connections=connections + 37 * i,
                barrier=("relevance", "permission", "value")[i % 3],
                consent_tracking=True,
                onboarded_at=timezone.now(),
            )
            for i, u in enumerate(users)
        ]
    )
    Membership.objects.bulk_create([Membership(user=u, org=org, team=team) for u in users])
    return users


def _share(user, moment, clicks, days_ago):  # noqa: ANN001, ANN202
    from zichtbaar.sharing.models import Click, Share, TrackedLink

    link, _ = TrackedLink.objects.get_or_create(
        moment=moment, user=user, defaults={"org": moment.org, "destination": "https://acme.test/"}
    )
    at = timezone.now() - dt.timedelta(days=days_ago, hours=1)
    Share.objects.create(
        org=moment.org, moment=moment, user=user, link=link, text="Proud of this", shared_at=at
    )
    Click.objects.bulk_create(
        [
            Click(link=link, at=at + dt.timedelta(hours=i % 20), visitor=f"v{i}", is_bot=False)
            for i in range(clicks)
        ]
    )


def test_an_employee_sees_what_their_shares_brought(
    carol, bob, make_moment, new_page, site, sign_in, screenshot
):
    from zichtbaar.impact.services import rollup_clicks

    vacancy = make_moment(title="We're hiring a data engineer", type_key="vacancy")
    library = make_moment(title="New website for the city library")
    _share(carol, vacancy, 41, days_ago=3)
    _share(carol, library, 22, days_ago=1)
    _share(bob, library, 500, days_ago=1)  # a colleague's figures never show
    rollup_clicks()

    page = new_page()
    sign_in(page, carol.email)
    page.goto(f"{site}/me/impact/")
    expect(page.get_by_role("heading", name="My impact", level=1)).to_be_visible()
    expect(page.locator(".headline")).to_contain_text(
        "your 2 shares brought 63 clicks on your links."
    )
    numbers = page.locator(".numbers li")
    expect(numbers.nth(0)).to_contain_text("400")
    expect(numbers.nth(1)).to_contain_text("20–32")
    expect(numbers.nth(2)).to_contain_text("63")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="hiring")).to_contain_text("41")
    expect(page.get_by_text("500")).to_have_count(0)
    page.get_by_text("How we estimate this").click()
    expect(
        page.get_by_text("An ordinary post is seen by 5–8% of the author's network")
    ).to_be_visible()
    screenshot(page, "desktop")

    phone = new_page(viewport={"width": 360, "height": 780})
    sign_in(phone, carol.email)
    phone.goto(f"{site}/me/impact/")
    expect(phone.locator(".headline")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone, "phone")


def test_comms_read_participation_and_reach_with_small_teams_protected(
    alice, acme, make_moment, new_page, site, sign_in, screenshot
):
    from zichtbaar.impact.services import rollup_clicks

    engineering = _crowd(acme, "Engineering", 14, 0)
    sales = _crowd(acme, "Sales", 9, 100)
    legal = _crowd(acme, "Legal", 3, 200)
    moments = [
        make_moment(title="Open day at our Utrecht office", type_key="event"),
        make_moment(title="We're hiring a data engineer", type_key="vacancy"),
        make_moment(title="New website for the city library"),
    ]
    for i, user in enumerate(engineering[:10]):
        _share(user, moments[i % 3], clicks=5 + i, days_ago=(i * 7) % 80)
    for i, user in enumerate(sales[:6]):
        _share(user, moments[(i + 1) % 3], clicks=3 + 2 * i, days_ago=(i * 11) % 80)
    _share(legal[0], moments[0], clicks=4, days_ago=2)
    rollup_clicks()

    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/impact/")
    expect(page.get_by_role("heading", name="Participation and reach", level=1)).to_be_visible()
    expect(page.locator(".numbers li").first).to_contain_text("shared in the last 30 days")
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(5)
    expect(page.get_by_role("img", name="Shares and clicks per week")).to_be_visible()
    teams = page.locator("figure").filter(
        has=page.get_by_role("heading", name="Share of people who shared, per team")
    )
    teams.get_by_text("Show the data as a table").click()
    legal_row = teams.locator("tr").filter(has_text="Legal")
    expect(legal_row).to_contain_text("hidden: fewer than 5 people")
    expect(teams.locator("tr").filter(has_text="Marketing")).to_contain_text("hidden")
    expect(teams.locator("tr").filter(has_text="Engineering")).to_contain_text("71")
    screenshot(page, "dashboard")

    page.get_by_label("Team", exact=True).select_option(label="Legal")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("status")).to_contain_text("Team Legal has fewer than 5 people")
    page.get_by_label("Team", exact=True).select_option(label="Engineering")
    page.get_by_label("Period", exact=True).select_option(label="Last 30 days")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=30"))
    expect(page.get_by_text("Showing team Engineering only.")).to_be_visible()
    screenshot(page, "team")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Scope", "Engineering", ""] in rows


def test_the_sum_works_live_and_without_javascript(
    alice, bob, carol, new_page, site, sign_in, screenshot
):
    page = new_page()
    sign_in(page, carol.email)
    page.goto(f"{site}/impact/sum/")
    expect(page.get_by_role("heading", name="What we reach together")).to_be_visible()
    page.get_by_label("People").fill("50")
    page.get_by_label("Average connections per person").fill("")
    # Live, without pressing a button: the answer comes once typing pauses (htmx, debounced).
    with page.expect_response(lambda r: "/impact/sum/" in r.url and "500" in r.url, timeout=30_000):
        page.get_by_label("Average connections per person").press_sequentially("500", delay=15)
    result = page.locator("#sum-result")
    expect(result).to_contain_text("50 × 500 = 25,000")
    expect(result).to_contain_text("17,650")
    expect(result).to_contain_text("22×")  # 17,650 different people / 800 page followers
    screenshot(page, "live")

    plain = new_page(java_script_enabled=False)
    sign_in(plain, carol.email)
    plain.goto(f"{site}/impact/sum/")
    plain.get_by_label("People").fill("120")
    plain.get_by_label("Average connections per person").fill("640")
    plain.get_by_role("button", name="Calculate").click()
    expect(plain.locator("#sum-result")).to_contain_text("120 × 640 = 76,800")
    screenshot(plain, "no-js")
