"""My impact adds up, and guideline versions are minor or major, in a real browser, in English
and Dutch. The Dutch halves need the merged translations (compilemessages)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect


def _share(user, moment, clicks, days_ago, prefix="v"):  # noqa: ANN001, ANN202
    from zichtbaar.sharing.models import Click, Share, TrackedLink

    link, _ = TrackedLink.objects.get_or_create(
        moment=moment, user=user, defaults={"org": moment.org, "destination": "https://acme.test/"}
    )
    at = timezone.now() - dt.timedelta(days=days_ago, hours=1)
    Share.objects.create(
        org=moment.org, moment=moment, user=user, link=link, text="Proud of this", shared_at=at
    )
    Click.objects.bulk_create(
        [Click(link=link, at=at, visitor=f"{prefix}{i}", is_bot=False) for i in range(clicks)]
    )


def _page(new_page, **kwargs):  # noqa: ANN001, ANN202
    """A page that waits longer for navigations: the machine is shared with other test runs."""
    page = new_page(**kwargs)
    page.set_default_navigation_timeout(30_000)
    return page


def _ints(texts: list[str]) -> list[int]:
    return [int(re.sub(r"\D", "", t)) for t in texts]


HEADLINE = {
    "en": "your 3 shares brought 75 clicks on your links",
    "nl": "leverden je 3 berichten 75 klikken op je links op",
}
TILE = {"en": "since you joined on", "nl": "sinds je begon op"}
SHARED_TWICE = {"en": "Client visit at the harbour", "nl": "Client visit at the harbour"}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_my_impact_rows_add_up_to_the_tiles_and_a_title_opens_the_moment(
    language, carol, bob, make_moment, new_page, site, sign_in, screenshot
):
    from zichtbaar.impact.services import rollup_clicks

    person, colleague = (carol, bob) if language == "en" else (bob, carol)
    visit = make_moment(title="Client visit at the harbour")
    library = make_moment(title="New website for the city library")
    _share(person, visit, 30, days_ago=9)
    _share(person, visit, 12, days_ago=2, prefix="w")  # the same link: one row, both dates
    _share(person, library, 33, days_ago=1)
    _share(colleague, library, 500, days_ago=1)  # a colleague's figures never show
    rollup_clicks()

    page = _page(new_page)
    sign_in(page, person.email)
    page.goto(f"{site}/me/impact/")
    expect(page.locator(".headline")).to_contain_text(HEADLINE[language])
    tile = page.locator(".numbers li").nth(2)
    expect(tile).to_contain_text("75")
    expect(tile).to_contain_text(TILE[language])
    rows = page.locator("table.my-impact-shares tbody tr")
    expect(rows).to_have_count(2)
    twice = rows.filter(has_text=SHARED_TWICE[language])
    expect(twice.locator("td.clicks")).to_have_text("42")  # its own figure, counted once
    expect(rows.filter(has_text="library").locator("td.clicks")).to_have_text("33")
    shown = _ints(page.locator("table.my-impact-shares tbody td.clicks").all_inner_texts())
    footer = _ints([page.locator("table.my-impact-shares tfoot td").inner_text()])
    assert sum(shown) == footer[0] == 75
    expect(page.get_by_text("500")).to_have_count(0)
    screenshot(page, f"my-impact-{language}")

    page.get_by_role("link", name="New website for the city library").click()
    expect(page).to_have_url(re.compile(rf"/moments/{library.pk}/$"))

    phone = _page(new_page, viewport={"width": 360, "height": 780})
    sign_in(phone, person.email)
    phone.goto(f"{site}/me/impact/")
    expect(phone.locator(".headline")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone, f"my-impact-phone-{language}")


READ_IT = {"en": "I've read it", "nl": "Gelezen"}
WHAT_CHANGED = {
    # The reader acknowledged version 1; version 2 was minor, so version 1 is theirs.
    "en": "What changed since version 1, the one you read",
    "nl": "Wat er veranderd is sinds versie 1, de versie die je las",
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_minor_change_asks_nobody_to_reread_and_a_real_one_says_what_changed(
    language, acme, alice, bob, carol, new_page, site, sign_in, screenshot
):
    from zichtbaar.demo.guideline import load_demo_guideline
    from zichtbaar.guideline import services
    from zichtbaar.guideline.models import GuidelineVersion

    reader = carol if language == "en" else bob
    services.acknowledge(reader, load_demo_guideline(acme))

    comms = _page(new_page)
    sign_in(comms, alice.email)
    comms.goto(f"{site}/comms/guideline/")
    comms.get_by_role("link", name="New version").click()
    expect(comms.get_by_text("Nothing is stored until you save it.")).to_be_visible()
    assert GuidelineVersion.objects.filter(org=acme).count() == 1  # opening stores nothing
    comms.locator("#id_title_en").fill("Sharing with pride")
    comms.get_by_label(re.compile("A minor change \\(no re-read\\)")).check()
    screenshot(comms, "new-version-minor")
    comms.get_by_role("button", name="Save and publish").click()
    expect(comms.get_by_text("Published as a minor change.")).to_be_visible()
    expect(comms.get_by_text("minor change (no re-read)")).to_be_visible()

    page = _page(new_page)
    sign_in(page, reader.email)
    page.goto(f"{site}/guideline/")
    expect(page.get_by_role("button", name=READ_IT[language])).to_have_count(0)  # all set

    # A real change: one section's text, a new section gone, and a note.
    comms.goto(f"{site}/comms/guideline/new/")
    comms.locator('textarea[name$="-encouraged_en"]').first.fill("Share what you made, proudly.")
    comms.get_by_label("what changed (English)").fill("The first section is shorter.")
    comms.get_by_label("what changed (Dutch)").fill("Het eerste onderdeel is korter.")
    comms.get_by_role("button", name="Save and publish").click()
    expect(comms.get_by_text("Published. Everyone reads it once")).to_be_visible()

    page.goto(f"{site}/guideline/")
    box = page.locator(".what-changed")
    expect(box).to_contain_text(WHAT_CHANGED[language])
    note = (
        "The first section is shorter." if language == "en" else "Het eerste onderdeel is korter."
    )
    expect(box).to_contain_text(note)
    expect(box.locator("a")).to_have_count(1)  # the one changed section, linked
    screenshot(page, f"what-changed-{language}")
    page.get_by_role("button", name=READ_IT[language]).click()
    page.goto(f"{site}/guideline/")
    expect(page.locator(".what-changed")).to_have_count(0)
