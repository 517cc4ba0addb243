"""The research survey in a real browser: answering on a phone, reading and downloading the report."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
from playwright.sync_api import expect

from zichtbaar.demo.survey import load_demo_survey

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "survey"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_filling_in_a_survey_on_a_phone(acme, bob, new_page, site, screenshot):
    from zichtbaar.surveys import services
    from zichtbaar.surveys.models import Response, Survey

    survey = services.create_survey(
        acme,
        title_en="Sharing about our work",
        title_nl="Delen over ons werk",
        blocks=["willingness", "barriers", "engagement", "background"],
    )
    services.set_status(survey, Survey.Status.OPEN)
    total = len(survey.blocks)
    page = new_page(**PHONE, locale="nl-NL")
    page.goto(f"{site}/s/{survey.token}/")
    # the phone's language first (Dutch), then the switch on the page
    expect(page.get_by_role("heading", name="Delen over ons werk", level=1)).to_be_visible()
    _shot(page, "phone-1-intro-nl")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Sharing about our work", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Start").click()

    expect(page.get_by_text(f"Page 1 of {total}")).to_be_visible()
    likert = page.get_by_role(
        "group", name="I am willing to share posts about my employer on LinkedIn."
    )
    likert.get_by_role("radio", name="Agree", exact=True).check()
    page.get_by_role("group", name=re.compile("^Would you share")).get_by_role(
        "radio", name="Yes"
    ).check()
    _shot(page, "phone-2-willingness")
    screenshot(page, "willingness")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text(f"Page 2 of {total}")).to_be_visible()
    page.get_by_role("checkbox", name="I don't know what is relevant to share.").check()
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
    _shot(page, "phone-3-saved")

    # back later on the same phone: it picks up where it was left
    page.goto(f"{site}/s/{survey.token}/")
    page.get_by_role("link", name=re.compile("Continue where you left off")).click()
    expect(page.get_by_text(f"Page 3 of {total}")).to_be_visible()
    for group in page.get_by_role("group").all():
        group.get_by_role("radio").nth(3).check()
    _shot(page, "phone-4-engagement")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text(f"Page 4 of {total}")).to_be_visible()
    page.get_by_role("group", name="How long have you worked here?").get_by_role(
        "radio", name="3 to 5 years"
    ).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    _shot(page, "phone-5-thanks")

    answer = Response.objects.get()
    assert answer.completed
    assert answer.answers["willing_likert"] == 4 and answer.answers["willing_yes"] == 1
    assert answer.answers["barrier_relevance"] == 1 and answer.answers["eng_vig1"] == 4
    assert answer.answers["tenure"] == 3
    # the page fits the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_comms_reads_the_report_and_downloads_the_pdf(acme, alice, new_page, site, sign_in):

    survey = load_demo_survey(acme)
    page = new_page()
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/surveys/")
    page.get_by_role("link", name=survey.title_en).click()
    expect(page.locator("#n-completed")).to_have_text("281")
    page.get_by_role("link", name="Read the report").click()
    expect(page.get_by_text("76% [71-81]").first).to_be_visible()
    _shot(page, "report-html")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    path = ARTIFACTS / "survey-report.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    download.value.save_as(path)
    pdf = pypdfium2.PdfDocument(str(path))
    assert len(pdf) >= 4
    pdf[0].render(scale=1.5).to_pil().save(ARTIFACTS / "survey-report-page-1.png")
    text = pdf[0].get_textpage().get_text_range()
    assert "Sharing about our work" in text and "76% [71-81]" in text
