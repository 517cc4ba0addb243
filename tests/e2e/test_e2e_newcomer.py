"""A newcomer's first visit, from the login form to a click on their tracked link."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import DESKTOP_CHROME, guard

ADDITION = "\nDat was één mooie dag voor het hele team, ook met café-overleg 🎉"


def test_newcomer_onboards_edits_a_draft_opens_linkedin_and_records_the_share(
    acme, make_moment, site, browser, page, sign_in, screenshot
):
    from zichtbaar.orgs.services import PersonData, mark_email_verified, upsert_person
    from zichtbaar.sharing.models import Click, Share, TrackedLink

    membership, _ = upsert_person(
        acme,
        PersonData(email="dana@acme.test", name="Dana Jansen", team="Engineering", language="nl"),
    )
    dana = membership.user
    dana.set_password(PASSWORD)
    dana.save()
    mark_email_verified(dana)
    assert dana.profile.onboarded_at is None and dana.profile.consent_tracking is False
    moment = make_moment()

    # Login through the real form; a newcomer is taken to the onboarding.
    sign_in(page, "dana@acme.test")
    expect(page).to_have_url(f"{site}/welcome/1/")
    # Imported as Dutch, so the first screen is in Dutch; she picks English.
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_text("Stap 1 van 3")).to_be_visible()
    page.locator('input[name="language"][value="en"]').check()
    page.locator('button[type="submit"].primary').click()

    expect(page).to_have_url(f"{site}/welcome/2/")
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Your network is bigger than you think")
    ).to_be_visible()
    page.get_by_label("How many LinkedIn connections do you have, roughly?").fill("640")
    page.locator('button[type="submit"].primary').click()

    expect(page).to_have_url(f"{site}/welcome/3/")
    page.locator('input[name="barrier"][value="relevance"]').check()
    page.locator('input[name="consent_tracking"]').check()
    screenshot(page, "onboarding-3")
    page.get_by_role("button", name="Show me my moments").click()

    # Home: the featured moment with its first draft, which ends with Dana's own tracked link.
    expect(page).to_have_url(f"{site}/")
    featured = page.locator("section.featured")
    expect(featured.get_by_role("heading", name="Something to share this week")).to_be_visible()
    expect(featured.get_by_role("heading", name=moment.title)).to_be_visible()
    expect(featured.locator("blockquote.draft-preview")).to_contain_text("/l/")
    screenshot(page, "home")
    dana.profile.refresh_from_db()
    assert dana.profile.language == "en" and dana.profile.connections == 640
    assert dana.profile.barrier == "relevance" and dana.profile.consent_tracking is True
    assert dana.profile.onboarded_at is not None

    featured.get_by_role("link", name="Use this draft").click()
    expect(page).to_have_url(re.compile(rf"/moments/{moment.pk}/\?angle="))
    expect(page.get_by_role("heading", name=moment.title, level=1)).to_be_visible()
    tabs = page.locator("nav.drafts a.tab")
    assert tabs.count() >= 3
    expect(tabs.first).to_have_attribute("aria-current", "true")
    textarea = page.get_by_label("Your post")
    first_text = textarea.input_value()

    # Another draft tab: another text.
    second = tabs.nth(1)
    angle = second.get_attribute("data-angle")
    second.click()
    expect(page).to_have_url(re.compile(rf"\?angle={angle}$"))
    expect(page.locator(f'nav.drafts a.tab[data-angle="{angle}"]')).to_have_attribute(
        "aria-current", "true"
    )
    draft = textarea.input_value()
    assert draft and draft != first_text
    counter = page.locator("[data-count]")
    expect(counter).to_have_text(str(len(draft)))

    # Make it yours: a line break, Dutch diacritics and an emoji; the count follows live.
    textarea.click()
    textarea.press("Control+End")
    # The live check of exactly this text comes back before the person clicks on: with
    # nothing to ask, "Open in LinkedIn" then opens LinkedIn at once (docs/drafts.md).
    with page.expect_response(re.compile(r"/moments/\d+/check/$")):
        page.keyboard.insert_text(ADDITION)
    expect(page.locator("#check-result")).to_have_attribute("data-ready", "1")
    edited = draft + ADDITION
    expect(textarea).to_have_value(edited)
    expect(counter).to_have_text(str(len(edited)))  # code points: the emoji counts once
    screenshot(page, "compose-edited")

    # Open in LinkedIn: a new tab on LinkedIn's composer with exactly the edited text.
    with page.context.expect_page() as new_tab:
        page.get_by_role("button", name="Open in LinkedIn").click()
    linkedin = new_tab.value
    linkedin.wait_for_url("https://www.linkedin.com/feed/**")
    url = urlsplit(linkedin.url)
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/feed/")
    query = parse_qs(url.query)
    assert query["shareActive"] == ["true"]
    assert query["text"] == [edited]  # \n, not the \r\n of the form submission
    expect(linkedin.get_by_text("LinkedIn composer (local stand-in)")).to_be_visible()
    linkedin.close()

    # Back on Zichtbaar: "I shared it" is unfolded; paste the post's URL and record the share.
    shared = page.locator("details.shared")
    expect(shared).to_have_attribute("open", "")
    post_url = (
        "https://www.linkedin.com/posts/dana-jansen_library-activity-7000000000000000000-abcd"
    )
    page.get_by_label("Link to your LinkedIn post (optional)").fill(post_url)
    page.get_by_role("button", name="Record my share").click()
    expect(page.get_by_role("status").filter(has_text="Thank you for sharing!")).to_be_visible()
    my_shares = page.locator("ul.my-shares li")
    expect(my_shares).to_have_count(1)
    expect(my_shares.get_by_role("link", name="your post")).to_have_attribute("href", post_url)
    screenshot(page, "shared")
    share = Share.objects.get(moment=moment, user=dana)
    assert share.post_url == post_url and share.angle == angle
    assert share.text.replace("\r\n", "\n") == edited

    page.get_by_role("link", name="Moments", exact=True).click()
    card = page.locator("article.moment", has=page.get_by_role("link", name=moment.title))
    expect(card.get_by_text("You shared this")).to_be_visible()

    # Someone on LinkedIn clicks Dana's link: off to the moment's page with UTM, one click counted.
    code = re.search(r"/l/([\w-]+)", edited).group(1)
    link = TrackedLink.objects.get(code=code)
    assert (link.moment_id, link.user_id) == (moment.pk, dana.pk)
    visitor_context = guard(browser.new_context(user_agent=DESKTOP_CHROME))
    visitor = visitor_context.new_page()
    visitor.goto(f"{site}/l/{code}")
    visitor.wait_for_url("https://acme.test/**")
    landed = urlsplit(visitor.url)
    assert (landed.netloc, landed.path) == ("acme.test", "/cases/library")
    params = parse_qs(landed.query)
    assert params["ref"] == ["site"]
    assert params["utm_content"] == [code]
    assert {"utm_source", "utm_medium", "utm_campaign"} <= params.keys()
    visitor_context.close()
    clicks = Click.objects.filter(link=link)
    assert clicks.count() == 1
    assert clicks.get().is_bot is False
