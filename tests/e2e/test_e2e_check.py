"""The live "May I share this?" check in the editor, and acknowledging a new guideline version."""

from __future__ import annotations

import re

from playwright.sync_api import expect

VALID_BSN = "111222333"


def test_typing_a_bsn_shows_a_red_finding_and_removing_it_turns_green(
    acme, carol, make_moment, site, new_page, sign_in, screenshot
):
    from zichtbaar.demo.guideline import load_demo_guideline
    from zichtbaar.guideline import services

    version = load_demo_guideline(acme)
    moment = make_moment(title="Library website live")
    page = new_page()
    sign_in(page, carol.email)
    page.goto(f"{site}/moments/{moment.pk}/")
    # First use: the guideline asks to be read once.
    expect(page.get_by_text("Before you share")).to_be_visible()
    page.get_by_role("link", name="Read the guideline").first.click()
    expect(page.get_by_role("heading", name=version.title_en)).to_be_visible()
    page.get_by_role("button", name="I've read it").click()
    # Back on the draft they were on (their edits come back with it).
    expect(page).to_have_url(re.compile(rf"/moments/{moment.pk}/(\?angle=[\w-]+)?$"))
    expect(page.get_by_text("Before you share")).to_have_count(0)

    editor = page.get_by_label("Your post")
    editor.fill("Proud of this launch at Acme! Questions?")
    # Typed like a person does; the check answers once typing pauses (htmx, debounced).
    with page.expect_response(
        lambda r: "/check/" in r.url and VALID_BSN in (r.request.post_data or ""), timeout=30_000
    ) as checked:
        editor.press_sequentially(f" My BSN is {VALID_BSN}.", delay=15)
    assert "Please change" in checked.value.text()
    banner = page.locator("#check-result .banner")
    expect(banner).to_have_class(re.compile(r"\bchange\b"), timeout=20_000)
    expect(banner).to_contain_text("Please change")
    mark = page.locator("#check-result mark")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text(VALID_BSN)
    finding = page.locator("#check-result .finding").first
    expect(finding.get_by_role("link", name="Why? Read the guideline")).to_have_attribute(
        "href", re.compile(r"/guideline/#personal_data$")
    )
    screenshot(page, "bsn-found")

    with page.expect_response(lambda r: "/check/" in r.url, timeout=30_000):
        editor.fill("Proud of this launch at Acme! The whole team made it happen.")
    expect(banner).to_have_class(re.compile(r"\bgo\b"), timeout=20_000)
    expect(banner).to_contain_text("Go ahead")
    expect(page.locator("#check-result mark")).to_have_count(0)
    screenshot(page, "green")

    # Comms publish a new version: the next share asks to read it again.
    services.publish_version(services.new_version(acme, None))
    page.reload()
    expect(page.get_by_text("Before you share")).to_be_visible()
    page.get_by_role("link", name="Read the guideline").first.click()
    page.get_by_role("button", name="I've read it").click()
    expect(page.get_by_text("Before you share")).to_have_count(0)
    from zichtbaar.guideline.models import Acknowledgement

    assert Acknowledgement.objects.filter(user=carol).count() == 2
