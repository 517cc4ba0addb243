"""My impact (only my own), the interactive sum, and the reach assumptions comms choose."""

from __future__ import annotations

import pytest

from zichtbaar.impact import services
from zichtbaar.impact.models import ReachSettings


@pytest.fixture
def activity(make_moment, shared, bob, carol):
    vacancy = make_moment(title="We're hiring a data engineer", type_key="vacancy")
    carols = make_moment(title="Carol's client visit")
    shared(bob, vacancy, clicks=40, bots=5)
    shared(bob, make_moment(title="Library website"), clicks=23)
    shared(carol, carols, clicks=999)
    services.rollup_clicks()
    return vacancy


def test_my_impact_shows_my_network_shares_and_the_clicks_they_brought(login, bob, activity):
    html = login(bob).get("/me/impact/").content.decode()
    assert "63" in html  # 40 + 23 people, bots not counted (bob reads Dutch)
    assert "We&#x27;re hiring a data engineer" in html
    assert ">40<" in html and ">23<" in html
    assert ">400<" in html  # network
    assert "20–32" in html  # 400 x 5–8%


def test_a_person_sees_only_their_own_impact(login, bob, carol, activity):
    html = login(bob).get("/me/impact/").content.decode()
    assert "Carol" not in html and "999" not in html
    carol_html = login(carol).get("/me/impact/").content.decode()
    assert "hiring" not in carol_html and "Library" not in carol_html
    assert "999" in carol_html


def test_my_impact_never_compares_with_colleagues(login, bob, activity):
    html = login(bob).get("/me/impact/").content.decode().lower()
    for word in ("rank", "average colleague", "top ", "leaderboard", "than your colleagues"):
        assert word not in html


def test_in_english_the_headline_is_a_plain_sentence(login, carol, activity):
    html = login(carol).get("/me/impact/").content.decode()
    assert "your share brought 999 clicks on your links." in html
    assert "Since you joined on " in html


def test_without_consent_clicks_are_not_shown_and_the_reason_is(login, carol, activity):
    profile = carol.profile
    profile.consent_tracking = False
    profile.save()
    html = login(carol).get("/me/impact/").content.decode()
    assert "Clicks on your links are not counted, because that is what you chose." in html
    assert "brought 999" not in html


def test_before_a_first_share_the_page_invites_kindly(login, carol):
    html = login(carol).get("/me/impact/").content.decode()
    assert "When you share a moment, you'll see here what it brought." in html


def test_another_organisation_sees_nothing_of_ours(login, mallory, activity):
    html = login(mallory).get("/me/impact/").content.decode()
    assert "hiring" not in html and "999" not in html


# --- the sum ---------------------------------------------------------------------------------


def test_the_sum_computes_fifty_times_five_hundred(login, carol):
    html = login(carol).get("/impact/sum/?people=50&connections=500").content.decode()
    assert "<strong>25,000</strong>" in html
    assert "17,650" in html  # 500 + 70% of 24,500
    assert "882–1,412" in html  # people who see a post if everyone shares one: unique x 5–8%
    assert "Colleagues know some of the same people: we assume an overlap of 30%." in html
    assert "22×" in html  # 17,650 different people / 800 followers of Acme's page, rounded


def test_the_sum_is_prefilled_with_real_figures_when_there_are_enough_people(
    login, carol, crowd, acme
):
    crowd(acme, "Support", 7, connections=700)
    html = login(carol).get("/impact/sum/").content.decode()
    # carol and 7 colleagues (alice and bob are not part of this story)
    assert 'name="people" value="8"' in html
    assert 'name="connections" value="662"' in html  # (7 x 700 + 400) / 8
    assert "Filled in with our organisation's real figures" in html


def test_a_small_organisation_gets_the_seeds_example_instead(login, carol):
    html = login(carol).get("/impact/sum/").content.decode()
    assert 'name="people" value="50"' in html and 'name="connections" value="500"' in html


def test_the_sum_answers_htmx_with_just_the_result(login, carol):
    response = login(carol).get("/impact/sum/?people=10&connections=300", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<strong>3,000</strong>" in html and "<html" not in html


def test_impossible_numbers_are_explained(login, carol):
    response = login(carol).get("/impact/sum/?people=0&connections=40000")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The sum needs at least 1 person" in html
    assert "LinkedIn allows at most 30,000 connections per person." in html


# --- assumptions -----------------------------------------------------------------------------


def test_comms_choose_the_assumptions_and_every_figure_follows(login, alice, acme, other_org):
    client = login(alice)
    assert client.get("/comms/impact/assumptions/").status_code == 200
    response = client.post(
        "/comms/impact/assumptions/",
        {
            "organic_reach_low": "2",
            "organic_reach_high": "4",
            "overlap": "50",
            "count_followers": "on",
            "source": "Our own LinkedIn statistics, 2026",
        },
    )
    assert response.status_code == 302
    saved = ReachSettings.objects.get(org=acme)
    assert (saved.organic_reach_low, saved.organic_reach_high, saved.overlap) == (0.02, 0.04, 0.5)
    assert not ReachSettings.objects.filter(org=other_org).exists()
    html = client.get("/impact/sum/?people=50&connections=500").content.decode()
    assert "an overlap of 50%" in html and "Our own LinkedIn statistics, 2026" in html
    client.post("/comms/impact/assumptions/", {"reset": "1"})
    assert not ReachSettings.objects.filter(org=acme).exists()


def test_a_high_end_below_the_low_end_is_refused(login, alice, acme):
    response = login(alice).post(
        "/comms/impact/assumptions/",
        {"organic_reach_low": "8", "organic_reach_high": "5", "overlap": "30", "source": ""},
    )
    assert response.status_code == 400
    assert "The high end can" in response.content.decode()
    assert not ReachSettings.objects.filter(org=acme).exists()


def test_employees_cannot_change_the_assumptions(login, bob, acme):
    client = login(bob)
    assert client.get("/comms/impact/assumptions/").status_code == 403
    assert client.post("/comms/impact/assumptions/", {"overlap": "0"}).status_code == 403
