"""The onboarding's network step: "I don't know" is a real answer, and nobody is ever told that
their post reaches 0 to 0 people."""

from __future__ import annotations

import re
from html import unescape

import pytest

from zichtbaar.orgs.network import TYPICAL_CONNECTIONS


@pytest.fixture
def newcomer(bob):
    bob.profile.onboarded_at = None
    bob.profile.connections = 0
    bob.profile.language = "en"
    bob.profile.save()
    return bob


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def _onboard(client, network: dict[str, str], barrier: str = "value") -> str:
    assert client.post("/welcome/1/", {"language": "en"})["Location"] == "/welcome/2/"
    response = client.post("/welcome/2/", {"followers": "0", "job_title": "", **network})
    assert response.status_code == 302 and response["Location"] == "/welcome/3/"
    assert client.post("/welcome/3/", {"barrier": barrier})["Location"] == "/"
    return client.get("/").content.decode()


def test_the_network_question_offers_i_dont_know_beside_an_empty_box(login, newcomer):
    html = login(newcomer).get("/welcome/2/").content.decode()
    box = re.search(r'<input[^>]*name="connections"[^>]*>', html)
    assert box and 'value="0"' not in box.group(0)  # no "0" that looks like an answer
    assert 'max="30000"' in box.group(0)
    assert re.search(r'<input type="checkbox" name="connections_unknown"', html)
    text = _text(html)
    assert "I don't know" in text
    assert f"a typical network of about {TYPICAL_CONNECTIONS} connections" in text
    assert "say that it is an estimate" in text


def test_i_dont_know_is_accepted_and_kept_as_unknown(login, newcomer):
    client = login(newcomer)
    client.post("/welcome/1/", {"language": "en"})
    response = client.post(
        "/welcome/2/",
        {"connections": "", "connections_unknown": "on", "followers": "0", "job_title": ""},
    )
    assert response["Location"] == "/welcome/3/"
    newcomer.profile.refresh_from_db()
    assert newcomer.profile.connections == 0


def test_a_half_typed_number_does_not_matter_when_i_dont_know_is_ticked(login, newcomer):
    client = login(newcomer)
    response = client.post(
        "/welcome/2/",
        {"connections": "12abc", "connections_unknown": "on", "followers": "0", "job_title": ""},
    )
    assert response["Location"] == "/welcome/3/"


def test_an_empty_answer_asks_for_a_number_or_i_dont_know(login, newcomer):
    response = login(newcomer).post(
        "/welcome/2/", {"connections": "", "followers": "0", "job_title": ""}
    )
    assert response.status_code == 400
    assert "Fill in a number, or tick \u201cI don't know\u201d." in _text(response.content.decode())


def test_more_than_linkedin_allows_is_refused(login, newcomer):
    response = login(newcomer).post(
        "/welcome/2/", {"connections": "40000", "followers": "0", "job_title": ""}
    )
    assert response.status_code == 400
    assert "LinkedIn allows at most 30,000 connections." in response.content.decode()


@pytest.mark.parametrize(
    "network", [{"connections": "", "connections_unknown": "on"}, {"connections": "0"}]
)
def test_someone_who_doubts_their_post_never_reads_a_zero_reach_sentence(login, newcomer, network):
    home = _text(_onboard(login(newcomer), network, barrier="value"))
    assert "Your reach" in home
    assert "0 to 0" not in home and "0 people in your network" not in home
    assert "Your reach grows with every connection." in home
    # 500 typical connections x 5–8% organic reach, clearly an estimate
    assert (
        "A colleague with a typical network of about 500 connections reaches an estimated "
        "25 to 40 people with one post. That is an estimate, not your own figure."
    ) in home
    assert "Add your number of connections" in home


def test_with_a_number_the_home_shows_the_persons_own_reach(login, newcomer):
    home = _text(_onboard(login(newcomer), {"connections": "640"}, barrier="value"))
    assert "640 people in your network" in home
    assert "One post of yours is seen by an estimated 32 to 51 of them." in home  # 5–8% of 640
    assert "typical network" not in home


def test_the_steps_are_valid_markup_with_a_labelled_progress(login, newcomer):
    client = login(newcomer)
    for step in (1, 2, 3):
        html = client.get(f"/welcome/{step}/").content.decode()
        assert not re.search(r"<p[^>]*aria-label=", html)
        assert re.search(r'<section[^>]*aria-labelledby="onboarding-title"', html)
        assert re.search(r'<h1 id="onboarding-title">', html)
        assert re.search(rf'<p class="steps" id="onboarding-step">Step {step} of 3</p>', html)
        assert re.search(r'<progress[^>]*aria-labelledby="onboarding-step"', html)


def test_the_network_step_in_dutch(login, newcomer):
    newcomer.profile.language = "nl"
    newcomer.profile.save()
    html = login(newcomer).get("/welcome/2/").content.decode()
    assert 'lang="nl"' in html
    # Passes once the Dutch catalogue is compiled (after the merge).
    assert "Weet ik niet" in html
    assert "I don't know" not in _text(html)
