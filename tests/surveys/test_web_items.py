"""Organisations' own items and the order of items; the instrument is versioned, frozen once open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zichtbaar.surveys import editing, services
from zichtbaar.surveys.forms import BlockForm
from zichtbaar.surveys.models import Survey


@pytest.fixture
def draft(acme):
    return services.create_survey(
        acme, title_en="Draft", title_nl="Concept", blocks=["engagement", "comment"]
    )


def _ids(survey, key):
    block = next(b for b in survey.blocks if b["key"] == key)
    return [i["id"] for i in block["items"]]


def _url(survey):
    return reverse("surveys:items", args=[survey.pk])


def test_an_own_item_is_added_to_a_block_and_bumps_the_version(login, alice, draft):
    client = login(alice)
    assert draft.version == 1
    before = _ids(draft, "engagement")
    resp = client.post(
        _url(draft),
        {
            "action": "add",
            "block": "engagement",
            "text_en": "My manager supports me in sharing.",
            "text_nl": "Mijn leidinggevende steunt me bij het delen.",
        },
    )
    assert resp.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.instrument["version"] == 2
    assert _ids(draft, "engagement") == [*before, "own_1"]
    item = services.items_of(draft)["own_1"]
    assert item["scale"] == "agree5"
    assert item["text"]["nl"] == "Mijn leidinggevende steunt me bij het delen."
    # the respondent's page shows it in both languages, as a 1-5 Likert item
    block = next(b for b in draft.blocks if b["key"] == "engagement")
    form = BlockForm(block=block, instrument=draft.instrument, lang="nl")
    assert form.fields["own_1"].label == "Mijn leidinggevende steunt me bij het delen."
    assert [v for v, _label in form.fields["own_1"].choices] == ["1", "2", "3", "4", "5"]
    page = client.get(_url(draft)).content.decode()
    assert "Mijn leidinggevende" in page or "My manager" in page


def test_dutch_text_defaults_to_english_and_a_second_item_gets_a_new_id(draft):
    editing.add_item(draft, block="comment", text_en="First", text_nl="")
    editing.add_item(draft, block="comment", text_en="Second", text_nl="Tweede")
    assert _ids(draft, "comment")[-2:] == ["own_1", "own_2"]
    assert services.items_of(draft)["own_1"]["text"] == {"en": "First", "nl": "First"}
    assert draft.version == 3


def test_an_item_without_text_is_refused(login, alice, draft):
    resp = login(alice).post(_url(draft), {"action": "add", "block": "engagement", "text_en": ""})
    assert resp.status_code == 400
    draft.refresh_from_db()
    assert draft.version == 1


def test_items_are_reordered_within_their_block(login, alice, draft):
    client = login(alice)
    first, second, *rest = _ids(draft, "engagement")
    assert client.post(_url(draft), {"action": "down", "item": first}).status_code == 302
    draft.refresh_from_db()
    assert _ids(draft, "engagement") == [second, first, *rest]
    assert draft.version == 2
    client.post(_url(draft), {"action": "up", "item": first})
    draft.refresh_from_db()
    assert _ids(draft, "engagement") == [first, second, *rest]
    assert draft.version == 3
    # the first item cannot move up: nothing changes, no new version
    client.post(_url(draft), {"action": "up", "item": first})
    draft.refresh_from_db()
    assert draft.version == 3


def test_only_own_items_can_be_removed(login, alice, draft):
    client = login(alice)
    editing.add_item(draft, block="engagement", text_en="Mine", text_nl="")
    bank_item = _ids(draft, "engagement")[0]
    assert client.post(_url(draft), {"action": "remove", "item": bank_item}).status_code == 400
    assert client.post(_url(draft), {"action": "remove", "item": "own_1"}).status_code == 302
    draft.refresh_from_db()
    assert "own_1" not in _ids(draft, "engagement")
    assert bank_item in _ids(draft, "engagement")


def test_an_open_survey_is_frozen(login, alice, draft):
    editing.add_item(draft, block="engagement", text_en="Mine", text_nl="")
    services.set_status(draft, Survey.Status.OPEN)
    draft.refresh_from_db()
    instrument, version = draft.instrument, draft.version
    client = login(alice)
    first = _ids(draft, "engagement")[0]
    for data in (
        {"action": "add", "block": "engagement", "text_en": "Late"},
        {"action": "down", "item": first},
        {"action": "remove", "item": "own_1"},
    ):
        assert client.post(_url(draft), data).status_code == 409
    draft.refresh_from_db()
    assert draft.instrument == instrument
    assert draft.version == version
    with pytest.raises(editing.InstrumentFrozen):
        editing.move_item(draft, first, "down")
    page = client.get(_url(draft))
    assert page.status_code == 200
    assert 'value="down"' not in page.content.decode()
    # closing it does not thaw it
    services.set_status(draft, Survey.Status.CLOSED)
    with pytest.raises(editing.InstrumentFrozen):
        editing.add_item(draft, block="engagement", text_en="After", text_nl="")


def test_another_orgs_survey_is_404_and_employees_are_refused(login, alice, bob, other_org, draft):
    theirs = services.create_survey(other_org, title_en="Theirs", title_nl="", blocks=[])
    client = login(alice)
    assert client.get(_url(theirs)).status_code == 404
    resp = client.post(_url(theirs), {"action": "add", "block": "willingness", "text_en": "X"})
    assert resp.status_code == 404
    theirs.refresh_from_db()
    assert theirs.version == 1
    assert login(bob).get(_url(draft)).status_code == 403


def test_the_detail_page_shows_the_version_and_links(login, alice, draft):
    page = login(alice).get(reverse("surveys:detail", args=[draft.pk])).content.decode()
    assert _url(draft) in page
    assert reverse("surveys:import", args=[draft.pk]) in page
