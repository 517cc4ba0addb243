"""Importing survey responses in a real browser: upload a form export, map its columns, read the
row report of a file with a bad row (nothing imported), upload the fixed file and import it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

HEADER = "Respondent;Email;willing_likert;LinkedIn use;Team\n"
BAD = (
    HEADER
    + "1;ann@example.org;4;Weekly;Sales\n"
    + "2;bas@example.org;7;Daily;Support\n"  # row 3: 7 is not on the 1-5 statement
    + "3;cas@example.org;Strongly agree;Never;Sales\n"
)
FIXED = BAD.replace("2;bas@example.org;7;", "2;bas@example.org;5;")


def _upload(page, name: str, text: str) -> None:  # noqa: ANN001
    page.locator('input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Upload and map the columns").click()
    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()


def test_comms_import_a_file_fix_a_bad_row_and_see_the_count(
    acme, alice, new_page, site, sign_in, screenshot
):
    from zichtbaar.surveys import services
    from zichtbaar.surveys.models import Response

    survey = services.create_survey(
        acme, title_en="Collected on paper", title_nl="Op papier", blocks=list(services.BLOCKS)
    )
    page = new_page()
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/surveys/{survey.pk}/")
    page.get_by_role("link", name="Import responses").click()
    _upload(page, "paper.csv", BAD)
    expect(page.get_by_text("paper.csv: 3 rows.")).to_be_visible()

    # the statement's column is matched by its item id; the others are mapped by hand
    expect(page.locator("#id_col_willing_likert")).to_have_value("willing_likert")
    expect(page.locator("#id_col_team")).to_have_value("Team")
    page.locator("#id_col_linkedin_use").select_option("LinkedIn use")
    expect(page.locator("#id_col_linkedin_use")).to_have_value("LinkedIn use")
    page.get_by_role("button", name="Import the responses").click()

    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("Nothing was imported")
    expect(problems.locator("li")).to_have_count(1)
    expect(problems.locator("li")).to_contain_text(re.compile(r"row 3, column 'willing_likert'"))
    expect(problems.locator("li")).to_contain_text("'7'")
    screenshot(page, "row-report")
    assert Response.objects.filter(survey=survey).count() == 0

    # fix the file and upload it again: the columns are mapped again, then everything is stored
    page.get_by_role("link", name="Upload another file").click()
    _upload(page, "paper-fixed.csv", FIXED)
    page.locator("#id_col_linkedin_use").select_option("LinkedIn use")
    page.get_by_role("button", name="Import the responses").click()

    expect(page).to_have_url(re.compile(rf"/comms/surveys/{survey.pk}/$"))
    expect(page.get_by_text("3 responses were imported.")).to_be_visible()
    expect(page.locator("#responses-by-source")).to_contain_text("3 imported responses")
    expect(page.locator("#responses-by-source")).to_contain_text(
        "0 completed responses through the anonymous link"
    )
    expect(page.locator("#imports tbody tr")).to_have_count(1)
    screenshot(page, "imported")
    stored = sorted(r.answers["willing_likert"] for r in Response.objects.filter(survey=survey))
    assert stored == [4, 5, 5]
    assert all("example.org" not in str(r.answers) for r in Response.objects.all())
