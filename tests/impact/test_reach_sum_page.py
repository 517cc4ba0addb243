"""The sum page, honestly: every figure from the different people, bounded by reality, each
refused number explained on its own field, every note in the reader's language."""

from __future__ import annotations

import re
from html import unescape

from zichtbaar.impact import reach


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_multiplier_and_the_views_come_from_the_different_people(login, carol):
    html = login(carol).get("/impact/sum/?people=50&connections=500").content.decode()
    assert "<strong>25,000</strong>" in html  # the seed's sum, shown as the naive figure
    assert "<strong>17,650</strong>" in html  # different people: 500 + 70% of 24,500
    assert "882–1,412" in html  # 17,650 x 5–8%, not 25,000 x 5–8% (1,250–2,000)
    assert "1,250–2,000" not in html
    assert "22×" in html and "31×" not in html  # 17,650 / 800, not 25,000 / 800
    assert "The different people divided by the company page" in html


def test_a_million_times_thirty_thousand_stops_at_linkedins_members(login, carol):
    response = login(carol).get("/impact/sum/?people=1000000&connections=30000")
    assert response.status_code == 200
    html = response.content.decode()
    assert "21,000,009,000" not in html
    assert "<strong>1,000,000,000</strong>" in html
    text = _text(html)
    assert "Capped at 1,000,000,000: more than that is more people than LinkedIn has members." in (
        text
    )
    assert "50,000,000–80,000,000" in html
    # the bound is stated with its source, and so are the input caps
    assert "never more than the 1,000,000,000 members LinkedIn has worldwide" in text
    assert "LinkedIn: more than 1 billion members worldwide" in text
    assert "At most 1,000,000 people, and at most 30,000 connections per person" in text


def test_the_bound_is_only_mentioned_when_it_applies(login, carol):
    html = login(carol).get("/impact/sum/?people=50&connections=500").content.decode()
    assert "Capped at" not in html


def test_zero_people_is_explained_on_the_people_field(login, carol):
    response = login(carol).get("/impact/sum/?people=0&connections=500")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Fill in both numbers" not in html
    errors = re.search(r'id="id_people_error"[^>]*>(.*?)</div>', html, re.S)
    assert errors and "The sum needs at least 1 person" in errors.group(1)
    assert re.search(r'<input[^>]*name="people"[^>]*aria-invalid="true"', html)
    assert re.search(r'id="id_connections_error"[^>]*></div>', html)  # nothing wrong there
    assert "Change what is marked above to see the sum." in html


def test_absurd_and_empty_numbers_each_get_their_own_message(login, carol):
    client = login(carol)
    cases = {
        "people=2000000&connections=500": ("people", "At most 1,000,000 people"),
        "people=50&connections=0": ("connections", "A network of 0 connections reaches no one"),
        "people=50&connections=40000": ("connections", "LinkedIn allows at most 30,000"),
        "people=&connections=500": ("people", "How many colleagues? Fill in a number"),
        "people=50&connections=lots": ("connections", "Fill in a whole number of connections"),
        "people=-3&connections=500": ("people", "The sum needs at least 1 person"),
    }
    for query, (field, message) in cases.items():
        html = client.get(f"/impact/sum/?{query}").content.decode()
        slot = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
        assert slot and message in slot.group(1), query


def test_htmx_gets_the_result_and_the_field_messages_out_of_band(login, carol):
    client = login(carol)
    bad = client.get("/impact/sum/?people=0&connections=500", HTTP_HX_REQUEST="true")
    html = bad.content.decode()
    assert "<html" not in html
    assert re.search(r'id="id_people_error" role="alert" data-hx-swap-oob="true"', html)
    assert "The sum needs at least 1 person" in html
    good = client.get("/impact/sum/?people=10&connections=300", HTTP_HX_REQUEST="true")
    html = good.content.decode()
    assert "<strong>3,000</strong>" in html
    # the old messages are cleared: both slots come back empty
    assert re.search(r'id="id_people_error" data-hx-swap-oob="true"></div>', html)
    assert re.search(r'id="id_connections_error" data-hx-swap-oob="true"></div>', html)


def test_the_default_source_note_is_in_the_readers_language(login, bob, carol):
    english = login(carol).get("/impact/sum/?people=50&connections=500").content.decode()
    assert "LinkedIn (2016): employees have on average" in english
    # Bob reads Dutch; passes once the Dutch catalogue is compiled (after the merge).
    dutch = login(bob).get("/impact/sum/?people=50&connections=500").content.decode()
    assert 'lang="nl"' in dutch
    assert "LinkedIn (2016): employees have on average" not in dutch
    assert "LinkedIn: more than 1 billion members" not in dutch
    assert "Colleagues know some of the same people" not in dutch


def test_the_seeds_example_uses_the_one_typical_figure(login, carol):
    html = login(carol).get("/impact/sum/").content.decode()
    assert f'name="connections" value="{reach.TYPICAL_CONNECTIONS}"' in html


def test_the_assumptions_page_states_the_bound_and_the_typical_network(login, alice):
    html = _text(login(alice).get("/comms/impact/assumptions/").content.decode())
    assert "nor more than the 1,000,000,000 members LinkedIn has worldwide" in html
    assert "a typical network of about 500 connections" in html
    assert "LinkedIn (2016): employees have on average" in html  # the default, under Source
