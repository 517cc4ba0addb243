"""Moments reach the right people: comms publishing for a team, and a colleague's suggestion."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def _card(page, title):  # noqa: ANN001, ANN202
    return page.locator("article.moment").filter(
        has=page.get_by_role("link", name=title, exact=True)
    )


def test_comms_publishes_a_moment_for_sales_only(
    alice, bob, carol, make_moment, site, new_page, sign_in, screenshot
):
    from zichtbaar.moments.models import Moment, MomentStatus, MomentType

    for_everyone = make_moment(title="Our yearly hackathon")
    title = "Record quarter for the Sales team"
    comms = new_page()
    sign_in(comms, alice.email)
    comms.get_by_role("link", name="Manage moments").click()
    comms.get_by_role("link", name="New moment").click()
    expect(comms).to_have_url(f"{site}/comms/moments/new/")
    milestone = MomentType.objects.get(org=None, key="project_delivery")
    comms.get_by_label("Type").select_option(str(milestone.pk))
    comms.get_by_label("Title (Dutch)").fill(title)
    comms.get_by_label("What happened (Dutch)").fill(
        "We closed more deals this quarter than ever before."
    )
    comms.get_by_label("Date").fill("2025-11-20")
    everyone = comms.get_by_label("Everyone in the organisation")
    expect(everyone).to_be_checked()
    everyone.uncheck()
    audience = comms.get_by_role("group", name="Teams", exact=True)
    audience.get_by_label("Sales", exact=True).check()
    expect(audience.get_by_label("Engineering", exact=True)).not_to_be_checked()
    # Who did it is a separate choice: their drafts speak as insiders.
    comms.get_by_role("group", name="Teams involved").get_by_label("Sales", exact=True).check()
    screenshot(comms, "form")
    comms.get_by_role("button", name="Save and publish").click()

    expect(comms).to_have_url(re.compile(r"/comms/moments/\d+/$"))
    expect(comms.get_by_role("status")).to_contain_text("Published.")
    expect(comms.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(comms.locator("dt:has-text('Audience') + dd")).to_have_text("Sales")
    moment = Moment.objects.get(title=title)
    assert moment.status == MomentStatus.PUBLISHED and moment.audience_everyone is False
    assert [t.name for t in moment.audience_teams.all()] == ["Sales"]
    assert [t.name for t in moment.involved_teams.all()] == ["Sales"]

    sales = new_page()
    sign_in(sales, carol.email)
    expect(_card(sales, title)).to_be_visible()
    expect(_card(sales, for_everyone.title)).to_be_visible()
    screenshot(sales, "carol-home")

    engineering = new_page()
    sign_in(engineering, bob.email)
    expect(_card(engineering, for_everyone.title)).to_be_visible()  # the home did load moments
    expect(engineering.get_by_text(title)).to_have_count(0)
    screenshot(engineering, "bob-home")
    # Not even by guessing the address.
    response = engineering.goto(f"{site}/moments/{moment.pk}/")
    assert response is not None and response.status == 404


def test_a_colleagues_suggestion_is_approved_and_reaches_home(
    alice, bob, site, new_page, sign_in, screenshot
):
    from zichtbaar.moments.models import Moment, MomentStatus, MomentType

    title = "Bob's team rebuilt the build pipeline"
    employee = new_page()
    sign_in(employee, bob.email)
    expect(employee.get_by_text(title)).to_have_count(0)
    employee.goto(f"{site}/moments/submit/")
    # Bob reads Dutch: find the fields by their names, not by (translated) labels.
    form = employee.locator("main form")
    form.locator('[name="type"]').select_option(
        str(MomentType.objects.get(org=None, key="project_delivery").pk)
    )
    form.locator('[name="title"]').fill(title)
    form.locator('[name="what_happened"]').fill("Builds now take four minutes instead of twenty.")
    form.locator('[name="happened_on"]').fill("2025-11-18")
    note = "Kunnen we dit ook extern laten zien? De klant vond het goed."
    form.locator('[name="note_to_comms"]').fill(note)
    screenshot(employee, "submit")
    form.locator('button[type="submit"]').click()
    expect(employee).to_have_url(f"{site}/moments/mine/")
    expect(employee.locator("table").get_by_text(title)).to_be_visible()
    moment = Moment.objects.get(title=title)
    assert moment.status == MomentStatus.SUBMITTED and moment.submitted_by == bob

    comms = new_page()
    sign_in(comms, alice.email)
    comms.goto(f"{site}/comms/moments/")
    waiting = comms.locator("section.review")
    expect(
        waiting.get_by_role("heading", name="Suggested by colleagues, waiting for you")
    ).to_be_visible()
    screenshot(comms, "waiting")
    waiting.get_by_role("link", name=title).click()
    expect(comms).to_have_url(f"{site}/comms/moments/{moment.pk}/")
    expect(comms.get_by_text("suggested by")).to_be_visible()
    # Comms read the note, apart from the public text, and the check found nothing in either.
    expect(comms.locator("aside.note")).to_contain_text(note)
    expect(comms.locator("#moment-review")).to_contain_text("The check found nothing to change")
    comms.get_by_role("button", name="Approve and publish").click()
    expect(comms.get_by_role("status")).to_contain_text("Approved and published.")
    expect(comms.locator(".heading-row .status")).to_have_text("Published")
    comms.goto(f"{site}/comms/moments/")
    expect(comms.locator("section.review")).to_have_count(0)

    employee.goto(f"{site}/")
    expect(_card(employee, title)).to_be_visible()
    screenshot(employee, "home")
    moment.refresh_from_db()
    assert moment.status == MomentStatus.PUBLISHED
    # The note to comms is no post material: not in the drafts, not on the page.
    _card(employee, title).get_by_role("link", name=title).click()
    editor = employee.locator("textarea[name='text']")
    expect(editor).not_to_have_value("")
    expect(employee.locator("main")).not_to_contain_text("extern laten zien")
    tabs = employee.locator("nav.drafts a.tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        expect(editor).not_to_have_value(re.compile("extern laten zien"))
        assert note not in editor.input_value()
