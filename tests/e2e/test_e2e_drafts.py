"""Drafts worth posting, in the browser: an English colleague gets the moment and its drafts in
English, and comms can't publish a moment that names a client who may not be named."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_an_english_colleague_sees_the_english_moment_and_english_drafts(
    carol, make_moment, site, new_page, sign_in, screenshot
):
    moment = make_moment(
        title="Nieuwe website voor de bibliotheek",
        what_happened="Na zes maanden werk leverden we de nieuwe website op.",
        language="nl",
        translations={
            "en": {
                "title": "New website for the city library",
                "what_happened": "After six months of work we delivered the new website.",
                "facts_who": "",
                "facts_what": "",
                "facts_where": "",
            }
        },
    )
    page = new_page()
    sign_in(page, carol.email)
    card = page.locator("article.moment").filter(has_text="New website for the city library")
    expect(card).to_be_visible()
    expect(page.get_by_text("Nieuwe website voor de bibliotheek")).to_have_count(0)
    card.get_by_role("link", name="New website for the city library").click()
    expect(page).to_have_url(f"{site}/moments/{moment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New website for the city library")
    editor = page.locator("textarea[name='text']")
    tabs = page.locator("nav.drafts a.tab")
    assert tabs.count() >= 3
    for i in range(tabs.count()):
        tabs.nth(i).click()
        text = editor.input_value()
        assert "bibliotheek" not in text and "Nieuwe website" not in text
        assert re.search(r"\b(the|and|I|we|my|of)\b", text), text
    screenshot(page, "english-drafts")


def test_comms_see_the_client_finding_and_cannot_publish(
    acme, alice, site, new_page, sign_in, screenshot
):
    from zichtbaar.guideline import services
    from zichtbaar.moments.models import Moment, MomentType

    services.import_clients(acme, "name,may_be_named\nZorgverzekeraar Lindeboom,no\n")
    page = new_page()
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/moments/new/")
    kind = MomentType.objects.get(org=None, key="project_delivery")
    page.get_by_label("Type").select_option(str(kind.pk))
    page.get_by_label("Title (Dutch)").fill("Cloudmigratie afgerond")
    page.get_by_label("What happened (Dutch)").fill(
        "We verhuisden 38 applicaties voor Zorgverzekeraar Lindeboom naar Azure."
    )
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_role("button", name="Save and publish").click()
    review = page.locator("#moment-review")
    expect(review).to_contain_text("Change this before publishing")
    expect(review).to_contain_text("Zorgverzekeraar Lindeboom")
    # The form keeps what comms wrote.
    expect(page.get_by_label("Title (Dutch)")).to_have_value("Cloudmigratie afgerond")
    screenshot(page, "blocked")
    assert not Moment.objects.filter(org=acme).exists()

    page.get_by_label("What happened (Dutch)").fill(
        "We verhuisden 38 applicaties voor een landelijke zorgverzekeraar naar Azure."
    )
    page.get_by_role("button", name="Save and publish").click()
    expect(page).to_have_url(re.compile(r"/comms/moments/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("Published.")
    assert Moment.objects.get(org=acme).status == "published"
