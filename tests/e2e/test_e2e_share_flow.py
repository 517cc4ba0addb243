"""The share flow in the browser: one flow, one new tab, on LinkedIn, with the person's own text.

- A newcomer who hasn't acknowledged the guideline and whose text has a finding sees the
  guideline's summary and "share anyway?" in a dialog on the compose page; its one button opens
  exactly one new tab, on LinkedIn's composer, with the edited text.
- Without JavaScript the same questions appear on the compose page itself, with the text kept.
- Edits are kept per draft (switching tabs, recording a share) and can be undone.
- The check and the counter announce only changes, and the marks say what they mark.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import BrowserContext, Page, Route, expect

VALID_BSN = "111222333"
# The machine these run on is shared; a slow page is not what these tests are about.
PATIENCE_MS = 30_000


def _linkedin_text(tab: Page) -> str:
    tab.wait_for_url("https://www.linkedin.com/feed/**")
    url = urlsplit(tab.url)
    assert (url.netloc, url.path) == ("www.linkedin.com", "/feed/")
    query = parse_qs(url.query)
    assert query["shareActive"] == ["true"]
    return query["text"][0]


def _count_new_pages(context: BrowserContext) -> list[Page]:
    opened: list[Page] = []

    def record(new: Page) -> None:
        opened.append(new)

    context.on("page", record)
    return opened


def test_first_share_asks_in_place_and_opens_exactly_one_tab_on_linkedin(
    acme, carol, make_moment, site, page, sign_in, screenshot
):
    from zichtbaar.demo.guideline import load_demo_guideline
    from zichtbaar.guideline.models import Acknowledgement

    version = load_demo_guideline(acme)
    moment = make_moment()
    context = page.context
    context.set_default_timeout(PATIENCE_MS)
    opened = _count_new_pages(context)
    sign_in(page, carol.email)
    page.goto(f"{site}/moments/{moment.pk}/")
    expect(page.get_by_text("Before you share")).to_be_visible()

    # The newcomer makes the draft her own, with something the check asks her to change.
    editor = page.get_by_label("Your post")
    edited = editor.input_value() + f"\nMy BSN is {VALID_BSN}, call me."
    with page.expect_response(lambda r: "/check/" in r.url, timeout=30_000):
        editor.fill(edited)
    expect(page.locator("#check-result")).to_have_attribute("data-verdict", "change")

    # "Open in LinkedIn": no tab yet; the summary and "share anyway?" appear here, in a dialog.
    page.get_by_role("button", name="Open in LinkedIn").click()
    dialog = page.get_by_role("dialog", name="Before you share")
    expect(dialog).to_be_visible()
    summary = dialog.get_by_role("region", name="Yes, you may")
    for line in version.summary_en.splitlines():
        expect(summary).to_contain_text(line)
    expect(dialog).to_contain_text("Share anyway?")
    expect(dialog).to_contain_text("The check found something to change.")
    assert len(context.pages) == 1 and opened == []
    screenshot(page, "asked-in-place")

    # Its one button acknowledges, confirms and opens the one tab: LinkedIn, with her text.
    with context.expect_page() as new_tab:
        dialog.get_by_role("button", name="I've read it, open in LinkedIn").click()
    linkedin = new_tab.value
    assert _linkedin_text(linkedin) == edited
    expect(linkedin.get_by_text("LinkedIn composer (local stand-in)")).to_be_visible()
    assert Acknowledgement.objects.filter(user=carol, version=version).count() == 1

    # Back on the compose page: nothing lost, nothing more to read, "I shared it" unfolded.
    expect(dialog).to_be_hidden()
    expect(editor).to_have_value(edited)
    expect(page.get_by_text("Before you share")).to_have_count(0)
    expect(page.locator("details.shared")).to_have_attribute("open", "")
    page.wait_for_timeout(500)  # a stray second tab would have opened by now
    assert len(opened) == 1 and len(context.pages) == 2
    screenshot(page, "back-on-compose")
    linkedin.close()

    # A clean text now goes straight to LinkedIn: one click, one tab, no dialog.
    clean = "Proud of the new library website. The whole team made it happen."
    with page.expect_response(lambda r: "/check/" in r.url, timeout=30_000):
        editor.fill(clean)
    expect(page.locator("#check-result")).to_have_attribute("data-ready", "1")
    with context.expect_page() as second_tab:
        page.get_by_role("button", name="Open in LinkedIn").click()
    assert _linkedin_text(second_tab.value) == clean
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.wait_for_timeout(500)
    assert len(opened) == 2


def test_without_javascript_the_questions_come_on_the_page_and_the_text_is_kept(
    acme, carol, make_moment, site, new_page, sign_in, screenshot
):
    from zichtbaar.demo.guideline import load_demo_guideline
    from zichtbaar.guideline.models import Acknowledgement

    version = load_demo_guideline(acme)
    moment = make_moment()
    page = new_page(java_script_enabled=False)
    context = page.context
    context.set_default_timeout(PATIENCE_MS)

    def to_linkedin_without_script(route: Route) -> None:
        # The guard hands the browser a script to follow LinkedIn's redirect; without
        # JavaScript a meta refresh does the same.
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        if 300 <= response.status < 400:
            body = f'<meta http-equiv="refresh" content="0;url={html.escape(location)}">'
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
        else:
            route.fulfill(response=response)

    context.route(re.compile(r"/moments/\d+/linkedin/"), to_linkedin_without_script)
    opened = _count_new_pages(context)
    sign_in(page, carol.email)
    page.goto(f"{site}/moments/{moment.pk}/")
    editor = page.get_by_label("Your post")
    edited = "In my own words: the library's new website is live. Proud of my colleagues!"
    editor.fill(edited)
    page.get_by_role("button", name="Open in LinkedIn").click()

    # The same tab, the same text, the summary in place.
    expect(page).to_have_url(f"{site}/moments/{moment.pk}/linkedin/")
    expect(editor).to_have_value(edited)
    panel = page.get_by_role("region", name="Before you share")
    for line in version.summary_en.splitlines():
        expect(panel).to_contain_text(line)
    assert opened == []
    screenshot(page, "no-js-asked")

    with context.expect_page() as new_tab:
        panel.get_by_role("button", name="I've read it, open in LinkedIn").click()
    assert _linkedin_text(new_tab.value) == edited
    assert Acknowledgement.objects.filter(user=carol, version=version).exists()
    expect(editor).to_have_value(edited)
    assert len(opened) == 1 and len(context.pages) == 2


def test_edits_are_kept_per_draft_and_the_suggested_draft_can_come_back(
    carol, make_moment, site, page, sign_in, screenshot
):
    moment = make_moment()
    page.context.set_default_timeout(PATIENCE_MS)
    sign_in(page, carol.email)
    page.goto(f"{site}/moments/{moment.pk}/")
    editor = page.get_by_label("Your post")
    tabs = page.locator("nav.drafts a.tab")
    first, second = tabs.nth(0), tabs.nth(1)
    angle = first.get_attribute("data-angle")
    stock = editor.input_value()
    mine = stock + "\nWhat I liked most: working with the librarians."
    editor.fill(mine)
    expect(page.get_by_role("button", name="Back to the suggested draft")).to_be_visible()

    # Another draft, and back: the edits are still there, and the tab says so.
    second.click()
    expect(second).to_have_attribute("aria-current", "true")
    expect(editor).not_to_have_value(mine)
    expect(first).to_contain_text("edited")
    first.click()
    expect(page).to_have_url(re.compile(rf"\?angle={angle}$"))
    expect(editor).to_have_value(mine)
    expect(page.get_by_text("Your edits to this draft are back.")).to_be_visible()
    screenshot(page, "edits-back")

    # The suggested draft back, and undo that.
    page.get_by_role("button", name="Back to the suggested draft").click()
    expect(editor).to_have_value(stock)
    expect(page.get_by_text("This is the suggested draft again.")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(editor).to_have_value(mine)
    expect(page.get_by_role("button", name="Undo")).to_be_hidden()

    # "I shared it": the share is recorded and the editor still holds what was shared.
    page.locator("details.shared summary").click()
    page.get_by_role("button", name="Record my share").click()
    expect(page.get_by_role("status").filter(has_text="Thank you for sharing!")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?angle={angle}$"))
    expect(editor).to_have_value(mine)
    screenshot(page, "after-recording")


def test_the_check_and_the_counter_say_only_what_changed(
    carol, make_moment, site, page, sign_in, screenshot
):
    moment = make_moment()
    page.context.set_default_timeout(PATIENCE_MS)
    sign_in(page, carol.email)
    page.goto(f"{site}/moments/{moment.pk}/")
    editor = page.get_by_label("Your post")
    result = page.locator("#check-result")
    assert result.get_attribute("aria-live") is None
    assert page.locator("#char-count").get_attribute("aria-live") is None
    page.evaluate(
        """() => {
          window.said = [];
          for (const id of ["check-announce", "count-announce"]) {
            const el = document.getElementById(id);
            new MutationObserver(() => { if (el.textContent) window.said.push([id, el.textContent]); })
              .observe(el, {childList: true, characterData: true, subtree: true});
          }
        }"""
    )
    base = "Proud of the new library website."
    with page.expect_response(lambda r: "/check/" in r.url, timeout=30_000):
        editor.fill(f"{base} My BSN is {VALID_BSN}.")
    expect(result).to_have_attribute("data-verdict", "change")
    # More typing, the same verdict: redrawn, not said again.
    for extra in (" Really.", " Really proud."):
        with page.expect_response(lambda r: "/check/" in r.url, timeout=30_000):
            editor.fill(f"{base} My BSN is {VALID_BSN}.{extra}")
        expect(result).to_contain_text("Please change")
    page.wait_for_timeout(300)
    said = page.evaluate("window.said")
    assert said == [["check-announce", "Check: please change something in your text."]], said

    # The mark is a link named by what it marks and its number, underlined, not colour alone.
    mark = page.get_by_role("link", name=f"{VALID_BSN} finding 1", exact=True)
    expect(mark).to_be_visible()
    assert "underline" in mark.evaluate("el => getComputedStyle(el).textDecorationLine")
    expect(page.locator("#check-result mark sup")).to_have_text(re.compile(r"1$"))
    screenshot(page, "mark")

    with page.expect_response(lambda r: "/check/" in r.url, timeout=30_000):
        editor.fill(base)
    expect(result).to_have_attribute("data-verdict", "go")
    page.wait_for_timeout(300)
    assert page.evaluate("window.said")[-1] == [
        "check-announce",
        "Check: go ahead, nothing to change.",
    ]

    # The counter is silent while typing; crossing LinkedIn's limit is said, once each way.
    editor.fill("x" * 3001)
    editor.fill("x" * 3002)
    editor.fill(base)
    page.wait_for_timeout(300)
    counts = [text for region, text in page.evaluate("window.said") if region == "count-announce"]
    assert counts == [
        "Your text is longer than LinkedIn's 3000 characters.",
        "Your text fits LinkedIn's 3000 characters again.",
    ], counts
