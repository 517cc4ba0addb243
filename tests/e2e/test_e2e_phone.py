"""Comms pages on a phone (390 px): a compact menu and tables that fit the screen.

The menu is one row that scrolls sideways instead of a 370 px block of links; each link is
still reached with the keyboard. Tables stack each row, with the column name before each value.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}
MENU_MAX_HEIGHT = 64  # one row of 44 px touch targets, and a thin scrollbar
HEADER_MAX_HEIGHT = 140  # brand and language switch, then the menu row


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def _compact_menu(page: Page) -> None:
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_be_visible()
    menu_box = menu.bounding_box()
    header_box = page.locator("header.top").bounding_box()
    assert menu_box and header_box
    assert menu_box["height"] <= MENU_MAX_HEIGHT, f"menu is {menu_box['height']} px tall"
    assert header_box["height"] <= HEADER_MAX_HEIGHT, f"header is {header_box['height']} px tall"
    # The last link, off screen at first, comes into view when the keyboard reaches it.
    last = menu.get_by_role("link").last
    last.focus()
    expect(last).to_be_focused()
    box = last.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_comms_pages_fit_a_phone(alice, acme, make_moment, site, new_page, sign_in, screenshot):
    from zichtbaar.surveys import services as surveys

    for n in range(3):
        make_moment(title=f"A rather long title for moment {n}, about a project we finished")
    surveys.create_survey(
        acme,
        title_en="Sharing about our work",
        title_nl="Delen over ons werk",
        blocks=list(surveys.BLOCKS),
    )
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, alice.email)

    page.goto(f"{site}/comms/moments/")
    expect(page.get_by_role("heading", name="Moments", exact=True)).to_be_visible()
    _compact_menu(page)
    _fits(page)
    # a stacked row still says what each value is
    row = page.get_by_role("row").filter(has_text="moment 0")
    expect(row.get_by_role("cell").nth(3)).to_have_attribute("data-label", "Status")
    expect(
        row.get_by_role("link", name="A rather long title for moment 0", exact=False)
    ).to_be_visible()
    screenshot(page, "moments-390")

    page.goto(f"{site}/comms/surveys/")
    expect(page.get_by_role("link", name="Sharing about our work")).to_be_visible()
    _compact_menu(page)
    _fits(page)
    screenshot(page, "surveys-390")

    page.goto(f"{site}/comms/nudges/")
    expect(page.get_by_role("heading", name="Nudges", exact=True)).to_be_visible()
    _compact_menu(page)
    _fits(page)
    screenshot(page, "nudges-390")


def test_the_desktop_menu_is_unchanged(alice, site, page, sign_in):
    """Wide screens keep the menu as wrapped links, no sideways scrolling."""
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/moments/")
    menu = page.get_by_role("navigation", name="Main")
    scrolls = menu.evaluate("(el) => el.scrollWidth > el.clientWidth")
    assert not scrolls
    for link in menu.get_by_role("link").all():
        expect(link).to_be_in_viewport()
