"""The interface itself: two languages, a phone-sized screen and a keyboard."""

from __future__ import annotations

from playwright.sync_api import Page, expect

HAS_VISIBLE_FOCUS = """el => {
  const s = getComputedStyle(el);
  return el === document.activeElement && el.matches(':focus-visible')
    && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
}"""


def test_interface_in_english(carol, make_moment, site, page, sign_in):
    make_moment()
    sign_in(page, carol.email)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Moments for you")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="Naar het Nederlands")).to_have_text("Nederlands")


def test_interface_in_dutch(bob, make_moment, site, page, sign_in):
    # Relies on the compiled Dutch catalogue: "Moments for you" and "Sign out".
    make_moment()
    sign_in(page, bob.email)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="Switch to English")).to_have_text("English")
    expect(page.get_by_role("heading", name="Momenten voor jou")).to_be_visible()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def test_language_switch_in_the_header(carol, make_moment, site, page, sign_in):
    make_moment()
    sign_in(page, carol.email)
    page.goto(f"{site}/me/")
    page.get_by_role("button", name="Naar het Nederlands").click()
    expect(page).to_have_url(f"{site}/me/")  # stays on the same page
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    carol.profile.refresh_from_db()
    assert carol.profile.language == "nl"  # remembered for the next visit, on any device

    page.goto(f"{site}/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    dutch_heading = page.locator("#all-title").inner_text()
    dutch_sign_out = page.locator("header nav button[type=submit]").inner_text()

    page.get_by_role("button", name="Switch to English").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Moments for you")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    carol.profile.refresh_from_db()
    assert carol.profile.language == "en"

    # Checked last, so the switching above is tested even before the Dutch catalogue is compiled.
    assert (dutch_heading, dutch_sign_out) == ("Momenten voor jou", "Afmelden")


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px screen"


def test_phone_width_has_no_horizontal_scroll(
    carol, make_moment, site, new_page, sign_in, screenshot
):
    moment = make_moment(
        title="A rather long title for a moment, to see that it wraps nicely on a small phone screen",
        link="https://acme.test/cases/a-very-long-path/that-goes-on-and-on?with=parameters&and=more",
    )
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    sign_in(page, carol.email)
    expect(page.get_by_role("heading", name="Moments for you")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot(page, "home-360")

    page.goto(f"{site}/moments/{moment.pk}/")
    expect(page.get_by_role("button", name="Open in LinkedIn")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot(page, "compose-360")


def test_keyboard_reaches_the_editor_and_open_in_linkedin(
    carol, make_moment, site, page, sign_in, screenshot
):
    moment = make_moment()
    sign_in(page, carol.email)
    page.goto(f"{site}/moments/{moment.pk}/")
    textarea = page.get_by_label("Your post")
    button = page.get_by_role("button", name="Open in LinkedIn")

    def tab_to(target, limit: int = 40) -> int:  # noqa: ANN001
        for presses in range(1, limit + 1):
            page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                return presses
        raise AssertionError(f"{limit} presses of Tab never reached {target}")

    tab_to(textarea)
    assert textarea.evaluate(HAS_VISIBLE_FOCUS), "the text field has no visible focus"
    tab_to(button, limit=10)
    assert button.evaluate(HAS_VISIBLE_FOCUS), "'Open in LinkedIn' has no visible focus"
    screenshot(page, "focus-open-in-linkedin")

    with page.context.expect_page() as new_tab:
        page.keyboard.press("Enter")
    new_tab.value.wait_for_url("https://www.linkedin.com/feed/**")
