"""The language-model writer inside the app: its drafts pass the organisation's own check (the
client register), and comms fill in the other language with one click."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.fakes.llm_server import FakeLLM
from zichtbaar.compose import llm, selectors
from zichtbaar.moments.models import MomentType


@pytest.fixture
def model(settings, tmp_path):
    llm.reset_breaker()
    with FakeLLM() as server:
        settings.ZICHTBAAR_LLM_BASE_URL = server.url
        settings.ZICHTBAAR_LLM_MODEL = "fake-model"
        settings.ZICHTBAAR_LLM_TIMEOUT = 2
        yield server
    llm.reset_breaker()


def test_a_model_draft_naming_a_registered_client_is_not_offered(acme, make_moment, bob, model):
    from zichtbaar.guideline import services

    services.import_clients(acme, "name,may_be_named\nZorgverzekeraar Lindeboom,no\n")
    model.client_name = (
        "Zorgverzekeraar Lindeboom"  # not the moment's client: only the register knows
    )
    model.script("client")
    moment = make_moment()
    drafts = selectors.drafts_for(moment, bob.memberships.get(), moment.link, count=3)
    assert len(drafts) == 3
    assert all("Lindeboom" not in d.text for d in drafts)
    assert sum("Taalmodel-concept" in d.text for d in drafts) == 2  # the other two are the model's


def test_comms_fill_in_the_english_with_one_click(acme, alice, login, model):
    client = login(alice)
    page = client.get(reverse("compose:comms_new")).content.decode()
    assert "Fill in the English from the Dutch" in page
    response = client.post(
        reverse("compose:comms_new"),
        {
            "type": MomentType.objects.get(org=None, key="project_delivery").pk,
            "title": "Nieuwe website voor de bibliotheek",
            "what_happened": "Na zes maanden werk leverden we de nieuwe website op.",
            "happened_on": "2026-11-30",
            "audience_everyone": "on",
            "translate": "1",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["other_title"].value() == "[en] Nieuwe website voor de bibliotheek"
    assert form["title"].value() == "Nieuwe website voor de bibliotheek"  # nothing lost
    assert not acme.moments.exists()  # nothing saved before comms read it


def test_without_a_model_there_is_no_translate_button(alice, login):
    page = login(alice).get(reverse("compose:comms_new")).content.decode()
    assert "Fill in the English" not in page
