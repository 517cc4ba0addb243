"""One anonymity threshold for every figure about people: the comms dashboard and the survey
reports follow the same setting (ANONYMITY_THRESHOLD), so raising it hides the same groups in
both."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.conftest import _person
from zichtbaar.demo.survey import load_demo_survey
from zichtbaar.orgs.models import Membership, Organisation, Profile, Team, User
from zichtbaar.surveys import generator, reports, services, study
from zichtbaar.surveys.mapping import parse_mapping, prepare


@pytest.fixture
def gamma(db):
    """Gamma: teams Big (12 people incl. comms lead Gina), Mid (11) and Seven (7)."""
    org = Organisation.objects.create(slug="gamma", name="Gamma", linkedin_followers=100)
    gina = _person(org, "gina@gamma.test", "Gina", role="comms", team="Big", language="en")
    for name, n in (("Big", 11), ("Mid", 11), ("Seven", 7)):
        team = Team.objects.get_or_create(org=org, name=name)[0]
        users = User.objects.bulk_create(
            [User(email=f"{name.lower()}{i}@gamma.test", name=f"{name} {i}") for i in range(n)]
        )
        Profile.objects.bulk_create(
            [
                Profile(user=u, connections=300, consent_tracking=True, onboarded_at=timezone.now())
                for u in users
            ]
        )
        Membership.objects.bulk_create([Membership(user=u, org=org, team=team) for u in users])
    return gina


def _dashboard_row(client, label: str) -> str:
    html = client.get("/comms/impact/").content.decode()
    match = re.search(rf"<tr><th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert match, label
    return match.group(1)


def _survey_report_html() -> str:
    """The demo survey with 7 Engineering respondents moved to a team "Studio"."""
    demo = generator.generate()
    frame = demo.frame.copy()
    engineers = frame.index[frame["team"] == "Engineering"][:7]
    frame.loc[engineers, "team"] = "Studio"
    mapping = parse_mapping(demo.mapping)
    report = study.analyse(prepare(frame, mapping), seed=1)
    studio = next(c for c in report["segments"]["team"] if c["value"] == "Studio")
    html = reports.render_html(report, mapping, "en")
    # What the report says agrees with the figures it was rendered from.
    assert ('<tr class="hidden"><td>Studio</td>' in html) is studio["suppressed"]
    return html


def test_at_the_default_five_a_group_of_seven_shows_on_the_dashboard_and_in_the_survey(
    settings, login, gamma
):
    settings.ANONYMITY_THRESHOLD = 5
    row = _dashboard_row(login(gamma), "Seven")
    assert "hidden" not in row and '<td class="n">7</td>' in row
    assert '<tr><td>Studio</td><td class="num">7</td>' in _survey_report_html()


def test_a_threshold_of_ten_hides_a_group_of_seven_on_the_dashboard_and_in_the_survey(
    settings, login, gamma
):
    settings.ANONYMITY_THRESHOLD = 10
    assert "hidden: fewer than 10 people" in _dashboard_row(login(gamma), "Seven")
    html = _survey_report_html()
    assert '<tr class="hidden"><td>Studio</td>' in html
    assert '<td class="num">7</td>' not in html.split("Studio", 1)[1].split("</tr>", 1)[0]


def test_a_changed_threshold_reaches_survey_reports_made_before(settings, acme):
    survey = load_demo_survey(acme)
    settings.ANONYMITY_THRESHOLD = 5
    report, _mapping = services.report_for(survey, "en")
    assert report["anonymity"]["min_cell"] == 5
    settings.ANONYMITY_THRESHOLD = 10
    report, _mapping = services.report_for(survey, "en")  # the cached one was made at 5
    assert report["anonymity"] == {"min_cell": 10, "min_text": 20}
