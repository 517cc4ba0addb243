"""Comms manage people in a real browser: an import with a misspelt team ("Clowd") stops to ask,
lists the new teams with their rows and a "did you mean Cloud?", and runs after one
confirmation; then the people list: search, edit a person's team, deactivate and reactivate,
and remove someone after a confirmation step."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

CLOWD = (
    "email;name;team\n"
    "ann@acme.test;Ann Peters;Cloud\n"
    "ben@acme.test;Ben Smit;Clowd\n"  # row 3: a typo of an existing team
    "cas@acme.test;Cas Bakker;Clowd\n"
)


def signed_in(new_page, sign_in, site: str, email: str, **context_args: object) -> Page:  # noqa: ANN001
    page = new_page(**context_args)
    # The live server's first page can take longer than the default timeout on a busy machine.
    page.goto(f"{site}/accounts/login/", timeout=60_000)
    sign_in(page, email)
    return page


def test_a_typo_in_an_import_asks_first_then_one_confirmation_imports(
    acme, alice, new_page, site, sign_in, screenshot
):
    from zichtbaar.orgs.models import Membership, Team

    Team.objects.create(org=acme, name="Cloud")
    page = signed_in(new_page, sign_in, site, alice.email)
    page.goto(f"{site}/comms/people/")
    page.get_by_role("link", name="Import from CSV").click()
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CLOWD.encode()}]
    )
    page.get_by_role("button", name="Import").click()

    status = page.locator("#import-status")
    expect(status).to_contain_text("it would create a new team")
    expect(status).to_contain_text("“Clowd”")
    expect(status).to_contain_text("rows 3, 4")
    expect(status).to_contain_text("Did you mean “Cloud”?")
    screenshot(page, "new-teams")
    assert (
        not Membership.objects.filter(org=acme, user__email__endswith="@acme.test")
        .exclude(user=alice)
        .exists()
    )
    assert not Team.objects.filter(org=acme, name="Clowd").exists()

    page.get_by_role("button", name="Create this team and import").click()
    expect(page.locator("#import-status")).to_contain_text("Imported 3 people")
    screenshot(page, "imported")
    assert Team.objects.filter(org=acme, name="Clowd").exists()
    assert Membership.objects.filter(org=acme, team__name="Clowd").count() == 2


def test_cancelling_an_import_with_a_typo_imports_nothing(acme, alice, new_page, site, sign_in):
    from zichtbaar.orgs.models import Team

    Team.objects.create(org=acme, name="Cloud")
    page = signed_in(new_page, sign_in, site, alice.email)
    page.goto(f"{site}/comms/people/import/")
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CLOWD.encode()}]
    )
    page.get_by_role("button", name="Import").click()
    page.get_by_role("button", name="Cancel, I'll fix the file").click()
    expect(page.locator("#import-status")).to_contain_text("Nothing was imported.")
    assert not Team.objects.filter(org=acme, name="Clowd").exists()


def test_comms_search_edit_deactivate_and_remove_people(
    acme, alice, bob, carol, new_page, site, sign_in, screenshot
):
    from zichtbaar.orgs.models import Membership, Team

    Team.objects.create(org=acme, name="Support")
    page = signed_in(new_page, sign_in, site, alice.email)
    page.goto(f"{site}/comms/people/")

    # search
    page.get_by_label("Search by name or e-mail address").fill("VRIES")
    page.get_by_role("button", name="Search").click()
    table = page.locator("table.people-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("bob@acme.test")
    screenshot(page, "search")

    # edit: Bob moves to Support; back on the same search
    page.get_by_role("link", name="Edit Bob de Vries").click()
    expect(page.get_by_role("heading", name="Edit Bob de Vries")).to_be_visible()
    page.get_by_label("Team").select_option(label="Support")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/comms/people/\?q=VRIES$"))
    expect(page.locator(".messages")).to_contain_text(
        "Saved Bob de Vries (bob@acme.test): team Support, role Employee."
    )
    expect(table).to_contain_text("Support")

    # deactivate and reactivate
    page.get_by_role("button", name="Deactivate Bob de Vries").click()
    expect(page.locator(".messages")).to_contain_text("is deactivated")
    expect(table).to_contain_text("Deactivated")
    screenshot(page, "deactivated")
    assert not Membership.objects.get(org=acme, user=bob).is_active
    page.get_by_role("button", name="Reactivate Bob de Vries").click()
    expect(page.locator(".messages")).to_contain_text("is active again")
    assert Membership.objects.get(org=acme, user=bob).is_active

    # remove, after a confirmation step
    page.get_by_role("link", name="Remove Bob de Vries").click()
    expect(page.get_by_role("heading", name="Remove Bob de Vries from Acme?")).to_be_visible()
    screenshot(page, "remove-confirm")
    assert Membership.objects.filter(org=acme, user=bob).exists()
    page.get_by_role("button", name="Yes, remove").click()
    expect(page.locator(".messages")).to_contain_text("is no longer a member of Acme")
    expect(page.get_by_text("Nobody matches this search")).to_be_visible()
    assert not Membership.objects.filter(org=acme, user=bob).exists()


def test_the_people_page_in_dutch(acme, alice, bob, new_page, site, sign_in, screenshot):
    # The Dutch texts need the compiled catalogue (merged after this change).
    alice.profile.language = "nl"
    alice.profile.save()
    page = signed_in(new_page, sign_in, site, alice.email, locale="nl-NL")
    page.goto(f"{site}/comms/people/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    screenshot(page, "people-nl")
    expect(page.get_by_label("Zoek op naam of e-mailadres")).to_be_visible()
