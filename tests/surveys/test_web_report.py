"""The report in the app: built from Response answers through the study JSON; the demo survey."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zichtbaar.demo.survey import load_demo_survey
from zichtbaar.surveys import services
from zichtbaar.surveys.models import Survey


@pytest.fixture
def demo_survey(acme):
    return load_demo_survey(acme)


def test_the_demo_survey_has_the_seeds_shape(demo_survey):
    assert demo_survey.status == Survey.Status.CLOSED
    assert demo_survey.responses.filter(completed=True).count() == 281
    report, mapping = services.report_for(demo_survey, "en")
    assert report["n"] == 281
    assert round(report["willing"]["share"] * 100) == 76
    assert [b["key"] for b in report["barriers"][:3]] == ["relevance", "permission", "value"]
    assert report["biggest_predictor"] == "engagement"
    teams = {row["value"]: row for row in report["segments"]["team"]}
    assert teams["Juridisch"]["suppressed"]  # 3 people: never shown (the demo org is Dutch)
    tenure_values = {row["value"] for row in report["segments"]["tenure"]}
    assert "3 to 5 years" in tenure_values  # codes become the bank's labels
    assert demo_survey.report_cache["en"]["n"] == 281  # cached for the next reader


def test_comms_reads_the_report_and_downloads_it(login, alice, demo_survey):
    client = login(alice)
    detail = client.get(reverse("surveys:detail", args=[demo_survey.pk])).content.decode()
    assert "281" in detail and "Read the report" in detail
    page = client.get(reverse("surveys:report", args=[demo_survey.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "76% [71-81]" in body and "data:image/svg+xml" in body and "Back to the survey" in body
    pdf = client.get(reverse("surveys:download", args=[demo_survey.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("surveys:download", args=[demo_survey.pk, "xlsx"]))
    assert xlsx.content.startswith(b"PK")
    sav = client.get(reverse("surveys:download", args=[demo_survey.pk, "sav"]))
    assert sav.content.startswith(b"$FL2")
    assert client.get(reverse("surveys:download", args=[demo_survey.pk, "exe"])).status_code == 404


def test_the_report_page_is_valid_html_for_browsers(login, alice, demo_survey):
    """One <main>, no paged-media CSS (string-set is WeasyPrint's, not a browser's)."""
    client = login(alice)
    body = client.get(reverse("surveys:report", args=[demo_survey.pk])).content.decode()
    assert body.count("<main>") == 1 and "</main>" in body
    assert "string-set" not in body and "@page" not in body
    assert body.index('class="app-bar"') < body.index("<main>")  # the links stay outside


def test_the_question_pages_have_no_empty_form_action(client, acme):
    """A standards checker rejects action=""; without the attribute the form posts to the page."""
    s = services.create_survey(
        acme, title_en="Ours", title_nl="Van ons", blocks=list(services.BLOCKS)
    )
    services.set_status(s, Survey.Status.OPEN)
    url = reverse("surveys:take", args=[s.token])
    for page in range(1, len(s.blocks) + 1):
        html = client.get(url, {"page": page}).content.decode()
        assert '<form method="post">' in html and 'action=""' not in html


def test_collected_answers_make_a_report(client, acme, bob, carol):
    """Answers given through the link are analysed like an import: same mapping, same study."""
    import random

    from django.test import Client

    s = services.create_survey(
        acme, title_en="Ours", title_nl="Van ons", blocks=list(services.BLOCKS)
    )
    services.set_status(s, Survey.Status.OPEN)
    rng = random.Random(6)
    url = reverse("surveys:take", args=[s.token])
    for _ in range(12):
        c = Client()
        for page, block in enumerate(s.blocks, start=1):
            data = {"page": page, "action": "next"}
            for item in block["items"]:
                if item["scale"] == "chosen":
                    if rng.random() < 0.4:
                        data[item["id"]] = "on"
                elif item["scale"] in ("agree5", "use5", "network_band", "tenure_band"):
                    data[item["id"]] = str(rng.randint(1, 5))
                elif item["scale"] == "semantic7":
                    data[item["id"]] = str(rng.randint(1, 7))
                elif item["scale"] == "yes_no":
                    data[item["id"]] = str(rng.randint(0, 1))
                elif item["scale"] == "team":
                    data[item["id"]] = rng.choice(s.instrument["teams"])
            assert c.post(url, data).status_code == 302
    services.set_status(s, Survey.Status.CLOSED)
    report, _mapping = services.report_for(s, "nl")
    assert report["n"] == 12
    assert set(report["scales"]) == {"engagement", "brand_attitude", "linkedin_use"}
    html = services.render(s, "html", "nl").decode()
    assert "Van ons" in html
