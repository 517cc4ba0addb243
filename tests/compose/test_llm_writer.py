"""The language-model writer against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import runpy
import socket
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.fakes.llm_server import LEAKED_BSN, FakeLLM
from zichtbaar.compose import llm
from zichtbaar.compose import suggestions as suggestions_module
from zichtbaar.compose.suggestions import (
    MAX_POST_LENGTH,
    DraftContext,
    TemplateWriter,
    angle_label,
    get_writer,
    suggest,
)

# The engine's Voice where it has one (any object with these attributes will do).
VOICE = getattr(suggestions_module, "Voice", SimpleNamespace)
WRITER_PATH = "zichtbaar.compose.llm.LanguageModelWriter"
LINK = "https://zichtbaar.example/l/k3y9"
CLIENT = "Zorggroep Horizon"


@dataclass(frozen=True)
class RichContext(DraftContext):
    """A context with the fields the engine is getting (involvement, tags, voice, guideline)."""

    involved: bool = False
    involved_teams: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    voice: Any = None
    guideline_summary: str = ""


def context(**overrides: Any) -> DraftContext:
    values: dict[str, Any] = {
        "moment_id": 7,
        "moment_type": "project_delivery",
        "title": "Nieuw klantportaal live",
        "what_happened": "Na acht maanden staat het nieuwe klantportaal live.",
        "facts_who": "team Platform",
        "facts_what": "een klantportaal",
        "facts_where": "Utrecht",
        "client_name": CLIENT,
        "client_may_be_named": False,
        "link": LINK,
        "person_id": 42,
        "person_first_name": "Bob",
        "job_title": "data engineer",
        "language": "nl",
    }
    values.update(overrides)
    rich = set(overrides) - set(DraftContext.__dataclass_fields__)
    return (RichContext if rich else DraftContext)(**values)


def templates(ctx: DraftContext, count: int = 3) -> list[tuple[str, str]]:
    return [(s.angle, s.text) for s in TemplateWriter().suggest(ctx, count)]


def pairs(drafts) -> list[tuple[str, str]]:
    return [(s.angle, s.text) for s in drafts]


def sent(server: FakeLLM, index: int = -1) -> dict[str, Any]:
    return json.loads(server.requests[index]["user"])


@pytest.fixture(autouse=True)
def closed_breaker():
    llm.reset_breaker()
    yield
    llm.reset_breaker()


@pytest.fixture
def fake_llm():
    with FakeLLM(slow_seconds=2.5) as server:
        yield server


@pytest.fixture
def model(fake_llm, settings, tmp_path):
    """The settings pointed at the fake server, with a key file and a 1-second timeout."""
    key = tmp_path / "llm.key"
    key.write_text("test-key\n")
    settings.ZICHTBAAR_LLM_BASE_URL = fake_llm.url
    settings.ZICHTBAAR_LLM_MODEL = "fake-model"
    settings.ZICHTBAAR_LLM_API_KEY_FILE = str(key)
    settings.ZICHTBAAR_LLM_TIMEOUT = 1
    return fake_llm


def is_model_text(text: str) -> bool:
    return "Taalmodel-concept" in text or "Language model draft" in text


# --- the model's drafts --------------------------------------------------------------------


def test_the_models_drafts_in_dutch_with_the_engines_invariants(model):
    ctx = context()
    drafts = llm.LanguageModelWriter().suggest(ctx, 3)
    expected = TemplateWriter().suggest(ctx, 3)
    assert [s.angle for s in drafts] == [s.angle for s in expected]  # the person's angle order
    for draft in drafts:
        assert draft.text.startswith(f"Taalmodel-concept ({draft.angle}): ik ben trots op")
        assert draft.label == angle_label(draft.angle, "nl")
        assert draft.text.endswith(f"\n\n{LINK}")
        assert draft.hashtags == expected[0].hashtags == ("#Oplevering",)
        assert "#Oplevering" in draft.text
        assert "#Model" not in draft.text and "#Draft" not in draft.text  # the model's own
        assert CLIENT not in draft.text
    request = model.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer test-key"
    assert request["body"]["model"] == "fake-model"
    assert "Write in Dutch" in request["system"]
    assert [a["angle"] for a in sent(model)["angles"]] == [s.angle for s in expected]


def test_english_and_formal(model):
    ctx = context(language="en", formal=True, moment_type="event", title="Data Drinks Utrecht")
    drafts = llm.LanguageModelWriter().suggest(ctx, 2)
    assert len(drafts) == 2
    assert all(d.text.startswith("Language model draft") for d in drafts)
    assert {d.label for d in drafts} <= {
        angle_label(a, "en") for a in ("invitation", "behind_the_scenes", "thanks_team")
    }
    assert "Write in English. Use a formal tone" in model.requests[0]["system"]
    assert sent(model)["formal"] is True


def test_a_regional_language_code_is_read_as_the_templates_read_it(model):
    drafts = llm.LanguageModelWriter().suggest(context(language="nl-BE"), 3)
    assert all(d.text.startswith("Taalmodel-concept") for d in drafts)
    assert [d.angle for d in drafts] == [a for a, _ in templates(context(language="nl-BE"))]


def test_a_fenced_json_answer_is_read(model):
    model.script("fenced")
    drafts = llm.LanguageModelWriter().suggest(context(), 3)
    assert len(drafts) == 3 and all(is_model_text(d.text) for d in drafts)


def test_suggest_and_get_writer_use_it_when_configured(model, settings):
    settings.ZICHTBAAR_WRITER = WRITER_PATH
    assert isinstance(get_writer(), llm.LanguageModelWriter)
    drafts = suggest(context(), 3)
    assert all(is_model_text(d.text) for d in drafts)
    assert len(model.requests) == 1


def test_settings_choose_the_writer_when_a_base_url_is_set(monkeypatch):
    path = Path(llm.__file__).parents[1] / "settings.py"
    for name in ("ZICHTBAAR_WRITER", "ZICHTBAAR_LLM_BASE_URL", "ZICHTBAAR_LLM_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    off = runpy.run_path(str(path))
    assert off["ZICHTBAAR_WRITER"] == "" and off["ZICHTBAAR_LLM_BASE_URL"] == ""
    assert off["ZICHTBAAR_LLM_TIMEOUT"] == 5.0
    monkeypatch.setenv("ZICHTBAAR_LLM_BASE_URL", "http://127.0.0.1:8080/v1/")
    monkeypatch.setenv("ZICHTBAAR_LLM_TIMEOUT", "2.5")
    on = runpy.run_path(str(path))
    assert on["ZICHTBAAR_WRITER"] == WRITER_PATH
    assert on["ZICHTBAAR_LLM_BASE_URL"] == "http://127.0.0.1:8080/v1"
    assert on["ZICHTBAAR_LLM_TIMEOUT"] == 2.5
    monkeypatch.setenv("ZICHTBAAR_WRITER", "somewhere.else.Writer")
    assert runpy.run_path(str(path))["ZICHTBAAR_WRITER"] == "somewhere.else.Writer"


def test_off_without_a_base_url(settings, fake_llm):
    settings.ZICHTBAAR_LLM_BASE_URL = ""
    ctx = context()
    assert not llm.is_configured()
    assert pairs(llm.LanguageModelWriter().suggest(ctx, 3)) == templates(ctx)
    settings.ZICHTBAAR_LLM_BASE_URL = "file:///etc/passwd"
    assert not llm.is_configured()
    settings.ZICHTBAAR_LLM_BASE_URL = fake_llm.url
    assert llm.is_configured()
    assert fake_llm.requests == []


# --- falling back -----------------------------------------------------------------------------


@pytest.mark.parametrize("behaviour", ["slow", "429", "500", "garbage", "prose", "empty"])
def test_falls_back_to_the_templates(model, behaviour, caplog):
    model.script(behaviour)
    ctx = context()
    with caplog.at_level(logging.WARNING, logger="zichtbaar.compose.llm"):
        drafts = llm.LanguageModelWriter().suggest(ctx, 3)
    assert pairs(drafts) == templates(ctx)
    assert len(model.requests) == 1
    assert "drafts from the templates" in caplog.text


def test_connection_refused_falls_back(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.ZICHTBAAR_LLM_BASE_URL = f"http://127.0.0.1:{port}/v1"
    ctx = context()
    assert pairs(llm.LanguageModelWriter().suggest(ctx, 3)) == templates(ctx)


def test_the_draft_timeout_is_capped_at_five_seconds(model, settings, monkeypatch):
    settings.ZICHTBAAR_LLM_TIMEOUT = 60
    seen = []
    real = llm._ask

    def spy(cfg, payload, timeout):
        seen.append(timeout)
        return real(cfg, payload, timeout)

    monkeypatch.setattr(llm, "_ask", spy)
    llm.LanguageModelWriter().suggest(context(), 1)
    assert seen == [llm.DRAFT_TIMEOUT]


def test_the_breaker_skips_the_model_after_three_failures(model):
    now = [1000.0]
    llm.reset_breaker(clock=lambda: now[0])
    ctx = context()
    writer = llm.LanguageModelWriter()
    model.script("500", "429", "garbage")
    for _ in range(3):
        assert pairs(writer.suggest(ctx, 3)) == templates(ctx)
    assert len(model.requests) == 3
    # Open: the (now healthy) model is not asked at all.
    now[0] += 30
    assert pairs(writer.suggest(ctx, 3)) == templates(ctx)
    assert pairs(llm.LanguageModelWriter().suggest(ctx, 3)) == templates(ctx)
    assert llm.translate_moment({"title": "Hallo"}, "nl", "en") is None
    assert len(model.requests) == 3
    # A minute later one request tries again; it succeeds, so the breaker closes.
    now[0] += 31
    assert all(is_model_text(d.text) for d in writer.suggest(ctx, 3))
    assert len(model.requests) == 4
    model.script("500")
    writer.suggest(ctx, 3)
    assert all(is_model_text(d.text) for d in writer.suggest(ctx, 3))  # one failure: still closed
    assert len(model.requests) == 6


def test_a_failed_retry_opens_the_breaker_again(model):
    now = [0.0]
    llm.reset_breaker(clock=lambda: now[0])
    ctx = context()
    model.script("500", "500", "500", "500")
    for _ in range(3):
        llm.LanguageModelWriter().suggest(ctx, 1)
    now[0] += 61
    llm.LanguageModelWriter().suggest(ctx, 1)  # the retry fails
    assert len(model.requests) == 4
    now[0] += 30
    assert pairs(llm.LanguageModelWriter().suggest(ctx, 1)) == templates(ctx, 1)
    assert len(model.requests) == 4


# --- the check on the model's output ----------------------------------------------------------


def test_a_draft_that_leaks_a_bsn_is_not_offered(model):
    model.script("bsn")
    ctx = context()
    drafts = llm.LanguageModelWriter().suggest(ctx, 3)
    expected = TemplateWriter().suggest(ctx, 3)
    assert [d.angle for d in drafts] == [s.angle for s in expected]
    assert all(LEAKED_BSN not in d.text for d in drafts)
    # The leaking draft (the first angle) is the template's; the others are the model's.
    assert drafts[0].text == expected[0].text
    assert all(is_model_text(d.text) for d in drafts[1:])


def test_a_draft_naming_a_client_that_may_not_be_named_is_dropped(model):
    model.client_name = CLIENT
    model.script("client")
    ctx = context()
    drafts = llm.LanguageModelWriter().suggest(ctx, 3)
    assert all(CLIENT not in d.text for d in drafts)
    assert drafts[0].text == TemplateWriter().suggest(ctx, 1)[0].text
    assert all(is_model_text(d.text) for d in drafts[1:])


def test_the_client_stays_out_even_when_a_custom_check_allows_everything(model):
    model.client_name = CLIENT.lower()
    model.script("client")
    drafts = llm.LanguageModelWriter(check=lambda text, c: True).suggest(context(), 3)
    assert all(CLIENT.lower() not in d.text.lower() for d in drafts)
    assert sum(is_model_text(d.text) for d in drafts) == 2


def test_a_client_that_may_be_named_is_sent_and_kept(model):
    model.client_name = CLIENT
    model.script("client")
    drafts = llm.LanguageModelWriter().suggest(context(client_may_be_named=True), 3)
    assert sent(model)["moment"]["client"] == CLIENT
    assert all(is_model_text(d.text) for d in drafts)
    assert CLIENT in drafts[0].text


def test_a_custom_check_decides(model):
    ctx = context()
    second = templates(ctx)[1][0]
    kept = llm.LanguageModelWriter(check=lambda text, c: f"({second})" not in text).suggest(ctx)
    by_angle = {d.angle: d.text for d in kept}
    assert by_angle[second] == dict(templates(ctx))[second]
    assert sum(is_model_text(t) for t in by_angle.values()) == 2

    blocked = SimpleNamespace(verdict="tips", blocking=True)
    assert pairs(llm.LanguageModelWriter(check=lambda t, c: blocked).suggest(ctx)) == templates(ctx)

    def broken(text, c):
        raise RuntimeError("the check broke")

    assert pairs(llm.LanguageModelWriter(check=broken).suggest(ctx)) == templates(ctx)
    tips = SimpleNamespace(verdict="tips", blocking=False)
    assert all(
        is_model_text(d.text) for d in llm.LanguageModelWriter(check=lambda t, c: tips).suggest(ctx)
    )


def test_the_default_check_drops_personal_data_and_internal_links():
    ctx = context()
    assert llm.default_check(f"Een mooi resultaat.\n\n{LINK}", ctx).verdict in {"go", "tips"}
    for leak in (
        "mail me op jan@acme.nl",
        "bel 06 12345678",
        "NL91ABNA0417164300",
        "http://intranet.acme/x",
    ):
        assert llm.default_check(f"Een mooi resultaat, {leak}.\n\n{LINK}", ctx).verdict == "change"
    assert llm.default_check(f"Dank aan {CLIENT}!", ctx).verdict == "change"
    assert (
        llm.default_check(f"Dank aan {CLIENT}!", context(client_may_be_named=True)).verdict
        != "change"
    )


def test_a_long_draft_is_cut_and_keeps_its_link_last(model):
    model.script("long")
    drafts = llm.LanguageModelWriter().suggest(context(), 3)
    assert all(is_model_text(d.text) for d in drafts)
    assert len(drafts[0].text) <= MAX_POST_LENGTH
    assert drafts[0].text.endswith(f"…\n\n#Oplevering\n\n{LINK}")


def test_the_body_is_tidied():
    body = llm._body(
        f"Trots! #Proud Lees meer: {LINK} op onze site.\n#Oplevering\n\n\n\nGroet [link]\n#A #B",
        LINK,
        ("#Oplevering",),
        500,
    )
    assert body == "Trots! Proud Lees meer: op onze site.\n\nGroet"
    assert llm._body("Mooi werk.\n\ngroet, bob!", "", (), 500, "Groet, Bob") == "Mooi werk."
    assert llm._body("Groet, Bob is mijn motto.", "", (), 500, "Groet, Bob") != ""


def test_without_a_link_the_hashtags_come_last(model):
    drafts = llm.LanguageModelWriter().suggest(context(link=""), 1)
    assert drafts[0].text.endswith("\n\n#Oplevering")


# --- what the model gets ---------------------------------------------------------------------


def test_the_prompt_carries_only_the_allowed_data(model):
    ctx = context(
        what_happened=(
            f"We leverden het portaal op voor {CLIENT.upper()}. Vragen? Mail anna.jansen@acme.nl "
            "of bel 06-12345678. Mijn BSN is 111222333."
        ),
        person_first_name="bob@acme.test",  # the selectors' fallback when there is no name
        team_name="Team Geheim",
        org_name="Acme Holding",
        expertise=("quantum",),
        involved=True,
        involved_teams=("Platform", "Data"),
        tags=("open source", "zorg"),
        voice=VOICE(length="short", emoji=True, question=False, sign_off="Groet, Bob"),
        guideline_summary="Ja, je mag: resultaten delen, collega's bedanken.",
    )
    drafts = llm.LanguageModelWriter().suggest(ctx, 3)
    prompt = model.requests[0]["system"] + model.requests[0]["user"]
    for secret in (
        CLIENT,
        CLIENT.upper(),
        "anna.jansen@acme.nl",
        "06-12345678",
        "111222333",
        "bob@acme.test",
        "Team Geheim",
        "Acme Holding",
        "quantum",
        LINK,
    ):
        assert secret not in prompt
    data = sent(model)
    assert set(data) <= {
        "task",
        "language",
        "formal",
        "count",
        "angles",
        "max_characters",
        "moment",
        "person",
        "voice",
        "guideline",
    }
    assert set(data["moment"]) <= {
        "type",
        "title",
        "what_happened",
        "who",
        "what",
        "where",
        "client",
        "tags",
    }
    assert data["person"] == {
        "role": "data engineer",
        "involvement": "insider",
        "involved_teams": ["Platform", "Data"],
    }
    assert data["moment"]["tags"] == ["open source", "zorg"]
    assert "de klant" in data["moment"]["what_happened"]
    assert data["voice"] == {
        "length": "short",
        "emoji": True,
        "question": False,
        "sign_off": "Groet, Bob",
    }
    assert data["guideline"].startswith("Ja, je mag")
    assert "write from the inside" in model.requests[0]["system"]
    # The moment's tags become hashtags (before the engine's).
    assert drafts[0].hashtags == ("#OpenSource", "#Zorg", "#Oplevering")
    for draft in drafts:  # the sign-off once, last before the hashtags, as the templates do
        assert draft.text.endswith(f"\n\nGroet, Bob\n\n#OpenSource #Zorg #Oplevering\n\n{LINK}")
        assert draft.text.count("Groet, Bob") == 1
        assert is_model_text(draft.text)


def test_facts_that_cannot_be_checked_for_personal_data_are_not_sent(model, monkeypatch):
    from zichtbaar.guideline import checker

    def broken(text):
        raise RuntimeError("detector broke")

    monkeypatch.setattr(checker, "_emails", broken)
    ctx = context(what_happened="Mail anna@acme.nl voor meer.")
    assert pairs(llm.LanguageModelWriter().suggest(ctx, 3)) == templates(ctx)
    assert model.requests == []


def test_a_colleague_is_told_not_to_claim_the_work(model):
    llm.LanguageModelWriter().suggest(context(involved=False, involved_teams=("Platform",)), 1)
    assert sent(model)["person"]["involvement"] == "colleague"
    assert "without claiming the work" in model.requests[0]["system"]


# --- translating a moment --------------------------------------------------------------------


def test_translate_moment(model):
    fields = {
        "title": "Nieuw klantportaal live " + "x" * 300,
        "what_happened": "Na acht maanden staat het portaal live.",
        "facts_who": "team Platform",
        "facts_what": "",
        "facts_where": "Utrecht",
        "secret": "not sent",
    }
    out = llm.translate_moment(fields, "nl", "en")
    assert out is not None
    assert set(out) == {"title", "what_happened", "facts_who", "facts_what", "facts_where"}
    assert out["what_happened"] == "[en] Na acht maanden staat het portaal live."
    assert out["facts_what"] == ""
    assert out["title"].startswith("[en] Nieuw klantportaal live") and len(out["title"]) <= 160
    request = model.requests[0]
    assert "from Dutch to English" in request["system"]
    assert "not sent" not in request["user"] and "facts_what" not in request["user"]
    back = llm.translate_moment({"title": "New portal"}, "en", "nl")
    assert back == {"title": "[nl] New portal"}


@pytest.mark.parametrize(
    "behaviour", ["500", "429", "garbage", "prose", "empty", "slow", "translate_missing"]
)
def test_translate_moment_returns_none_on_errors(model, behaviour):
    model.script(behaviour)
    assert llm.translate_moment({"title": "Hallo", "what_happened": "Wereld"}, "nl", "en") is None


def test_translate_moment_without_a_model_or_with_wrong_languages(model, settings):
    assert llm.translate_moment({"title": "Hallo"}, "nl", "nl") is None
    assert llm.translate_moment({"title": "Hallo"}, "nl", "de") is None
    assert llm.translate_moment({"other": "Hallo"}, "nl", "en") is None
    settings.ZICHTBAAR_LLM_BASE_URL = ""
    assert llm.translate_moment({"title": "Hallo"}, "nl", "en") is None
    assert model.requests == []
