"""The template suggestion engine: plain pytest, no database, no Django settings needed."""

from __future__ import annotations

import difflib
import itertools
import re
import string
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    import zichtbaar.compose.suggestions  # noqa: F401
except ImportError:  # the project is not installed in the venv: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from zichtbaar.compose import suggestions as engine
from zichtbaar.compose.suggestions import (
    MAX_POST_LENGTH,
    DraftContext,
    Suggestion,
    TemplateWriter,
    Voice,
    angles_for,
    get_writer,
    suggest,
)

TYPES = [
    "project_delivery",
    "client_visit",
    "vacancy",
    "collaboration",
    "event",
    "milestone",
    "award",
    "new_colleague",
    "publication",
    "learning",
]
TONES = [(lang, formal) for lang in ("nl", "en") for formal in (False, True)]
CLIENT = "Zorggroep Horizon"
LINK = "https://zichtbaar.example/l/k3y9?utm_source=linkedin"

NL_FORMAL_WORDS = re.compile(r"\b(u|uw)\b", re.IGNORECASE)
NL_INFORMAL_WORDS = re.compile(r"\b(je|jij|jouw|jou|jullie)\b", re.IGNORECASE)
EN_CONTRACTION = re.compile(r"\b\w+(n't|'m|'re|'ve|'ll|'d)\b", re.IGNORECASE)
DUTCH_MARKERS = re.compile(
    r"\b(het|een|de|en|van|ik|wij|niet|bij|voor|ons|onze|graag|gerust|dat|zijn|met)\b", re.I
)
ENGLISH_MARKERS = re.compile(
    r"\b(the|and|with|our|you|your|this|that|what|it|for|thanks?|about|team's)\b", re.I
)
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
PUNCTUATION = set(string.punctuation) | {"…", "–", "—", "‘", "’", "“", "”", "•"}


def make_ctx(**overrides) -> DraftContext:
    base = {
        "moment_id": 42,
        "moment_type": "project_delivery",
        "title": "Nieuw planningssysteem live",
        "what_happened": (
            "Na acht maanden bouwen staat het nieuwe planningssysteem live. "
            "Planners maken een rooster nu in minuten in plaats van uren.\n\n"
            "Het team werkte elke week samen met de planners zelf."
        ),
        "facts_who": "het platformteam",
        "facts_what": "een planningssysteem dat roosters automatisch opstelt",
        "facts_where": "Arnhem",
        "client_name": CLIENT,
        "client_may_be_named": True,
        "link": LINK,
        "person_id": 1,
        "person_first_name": "Bob",
        "job_title": "data engineer",
        "expertise": ("data", "cloud computing"),
        "team_name": "Platform",
        "language": "nl",
        "formal": False,
        "org_name": "Acme",
    }
    base.update(overrides)
    return DraftContext(**base)


def english_ctx(**overrides) -> DraftContext:
    values = {
        "title": "New planning system goes live",
        "what_happened": (
            "After eight months of building, the new planning system is live. "
            "Planners now make a roster in minutes instead of hours."
        ),
        "facts_who": "the platform team",
        "facts_what": "a planning system that builds rosters automatically",
        "language": "en",
    }
    values.update(overrides)
    return make_ctx(**values)


def ctx_for(lang: str, formal: bool, **overrides) -> DraftContext:
    return (english_ctx if lang == "en" else make_ctx)(formal=formal, **overrides)


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def only_punctuation(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and all(
        ch in PUNCTUATION or ch.isspace() or unicodedata.category(ch).startswith("P")
        for ch in stripped
    )


def assert_clean(s: Suggestion, ctx: DraftContext) -> None:
    """The invariants every draft must keep, whatever the input."""
    text = s.text
    assert text == text.strip()
    assert len(text) <= MAX_POST_LENGTH
    assert "  " not in text
    assert "\n\n\n" not in text
    assert not PLACEHOLDER.search(text.replace(ctx.title, "").replace(ctx.what_happened, ""))
    for line in lines_of(text):
        assert line == line.strip(), repr(line)
        assert not only_punctuation(line), repr(line)
    assert 0 <= len(s.hashtags) <= 3
    assert len({h.casefold() for h in s.hashtags}) == len(s.hashtags)
    for tag in s.hashtags:
        assert re.fullmatch(r"#\w+", tag), tag
    link = "".join(ctx.link.split())
    if link:
        assert lines_of(text)[-1] == link
        if s.hashtags:
            assert " ".join(s.hashtags) in text[: text.rindex(link)]
    elif s.hashtags:
        assert lines_of(text)[-1] == " ".join(s.hashtags)


# --- the data files --------------------------------------------------------------------------


def test_every_type_offers_at_least_three_angles_in_both_languages():
    for moment_type in [*TYPES, "default"]:
        angles = angles_for(moment_type)
        assert len(angles) >= 3, moment_type
        assert len(set(angles)) == len(angles)
        assert angles == angles_for(moment_type, "en"), moment_type


def test_unknown_type_falls_back_to_generic_angles():
    assert angles_for("something_new") == angles_for("default")
    drafts = suggest(make_ctx(moment_type="something_new"))
    assert len(drafts) == 3
    assert all(d.angle in angles_for("default") for d in drafts)


def test_required_angles_exist_for_the_right_types():
    assert "invitation" in angles_for("vacancy")
    assert "invitation" in angles_for("event")
    assert "welcome" in angles_for("new_colleague")
    assert {"proud_result", "thanks_team", "lesson_learned", "behind_the_scenes"} <= set(
        angles_for("project_delivery")
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_angle_has_labels_and_enough_variants(lang):
    data = engine.load_drafts(lang)
    used = {a for t in data["moment_types"].values() for a in t["angles"]}
    for angle in used:
        assert data["labels"].get(angle), angle
        block = data["templates"][angle]
        blocks = [block] if "informal" in block else list(block.values())
        for tones in blocks:
            for tone in ("informal", "formal"):
                parts = tones[tone]
                assert len(parts["bodies"]) >= 2, (angle, tone)
                assert len(parts["openers"]) >= 3, (angle, tone)
                assert len(parts["closers"]) >= 3, (angle, tone)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_enough_first_draft_variants_for_200_colleagues(lang):
    # The first draft is the (angle, body, opener, closer) at stable_hash(moment) + person_id,
    # so 200 consecutive ids need angles x variants >= 200 for every angle of every type.
    for moment_type in [*TYPES, "something_else"]:
        angles = angles_for(moment_type, lang)
        for formal in (False, True):
            for angle in angles:
                parts = engine._templates(angle, moment_type, lang, formal)
                variants = len(parts["bodies"]) * len(parts["openers"]) * len(parts["closers"])
                assert len(angles) * variants >= 200, (moment_type, angle, formal, variants)


def test_labels_are_in_the_context_language():
    nl = {d.angle: d.label for d in suggest(make_ctx(), count=5)}
    en = {d.angle: d.label for d in suggest(english_ctx(), count=5)}
    assert nl["proud_result"] == "Trots resultaat"
    assert en["proud_result"] == "Proud result"


# --- angles and variety ----------------------------------------------------------------------


@pytest.mark.parametrize("moment_type", TYPES)
@pytest.mark.parametrize(("lang", "formal"), TONES)
def test_three_distinct_angles_per_type_language_and_tone(moment_type, lang, formal):
    ctx = ctx_for(lang, formal, moment_type=moment_type)
    drafts = suggest(ctx)
    assert len(drafts) == 3
    assert len({d.angle for d in drafts}) == 3
    assert len({d.text for d in drafts}) == 3
    for d in drafts:
        assert_clean(d, ctx)


@pytest.mark.parametrize("moment_type", TYPES)
@pytest.mark.parametrize(("lang", "formal"), TONES)
def test_drafts_for_one_person_are_clearly_different(moment_type, lang, formal):
    for person_id in range(1, 9):
        for ctx in (
            ctx_for(lang, formal, moment_type=moment_type, person_id=person_id),
            ctx_for(
                lang,
                formal,
                moment_type=moment_type,
                person_id=person_id,
                what_happened="",
                facts_who="",
                facts_what="",
                facts_where="",
                job_title="",
                team_name="",
            ),
        ):
            drafts = suggest(ctx)
            for a, b in itertools.combinations(drafts, 2):
                ratio = difflib.SequenceMatcher(None, a.text, b.text).ratio()
                assert ratio < 0.6, (a.angle, b.angle, ratio, a.text, b.text)


def test_deterministic():
    ctx = make_ctx(person_id=17)
    assert suggest(ctx) == suggest(ctx)
    assert TemplateWriter().suggest(ctx, 5) == TemplateWriter().suggest(ctx, 5)
    # Equal contexts built separately give equal drafts too.
    assert suggest(make_ctx(person_id=17)) == suggest(ctx)


def test_stable_hash_does_not_depend_on_python_hash_seed():
    # sha256-based, so the same in every process (Python's hash() of a str is salted per process).
    import hashlib

    expected = int.from_bytes(hashlib.sha256(b"moment\x1f1").digest()[:8], "big")
    assert engine._stable_hash("moment", 1) == expected


@pytest.mark.parametrize("moment_type", TYPES)
@pytest.mark.parametrize(("lang", "formal"), TONES)
def test_different_people_get_a_different_first_draft(moment_type, lang, formal):
    for moment_id in (1, 42, 1234):
        first = suggest(ctx_for(lang, formal, moment_type=moment_type, moment_id=moment_id))[0]
        for person_id in range(2, 52):
            other = suggest(
                ctx_for(
                    lang, formal, moment_type=moment_type, moment_id=moment_id, person_id=person_id
                )
            )[0]
            assert other.text != first.text, (moment_type, moment_id, person_id)


def test_first_drafts_spread_over_angles():
    firsts = {suggest(make_ctx(person_id=p))[0].angle for p in range(1, 21)}
    assert firsts == set(angles_for("project_delivery"))


def test_count():
    ctx = make_ctx()
    assert suggest(ctx, count=0) == []
    assert len(suggest(ctx, count=1)) == 1
    assert suggest(ctx, count=1)[0] == suggest(ctx)[0]
    all_drafts = suggest(ctx, count=50)
    assert len(all_drafts) == len(angles_for(ctx.moment_type))
    assert {d.angle for d in all_drafts} == set(angles_for(ctx.moment_type))


# --- facts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("moment_type", TYPES)
@pytest.mark.parametrize(("lang", "formal"), TONES)
def test_client_named_only_when_allowed(moment_type, lang, formal):
    for person_id in range(1, 13):
        allowed = suggest(
            ctx_for(lang, formal, moment_type=moment_type, person_id=person_id), count=10
        )
        hidden = suggest(
            ctx_for(
                lang,
                formal,
                moment_type=moment_type,
                person_id=person_id,
                client_may_be_named=False,
            ),
            count=10,
        )
        assert all(CLIENT not in d.text for d in hidden)
        if moment_type in {"project_delivery", "client_visit", "collaboration"}:
            assert any(CLIENT in d.text for d in allowed)


def test_client_name_appears_when_allowed_and_relevant():
    texts = [d.text for p in range(1, 6) for d in suggest(make_ctx(person_id=p), count=5)]
    assert any(CLIENT in t for t in texts)
    assert not any(
        CLIENT in t for t in [d.text for d in suggest(make_ctx(client_name=""), count=5)]
    )


@pytest.mark.parametrize(("lang", "formal"), TONES)
def test_role_is_woven_in(lang, formal):
    texts = [
        d.text for p in range(1, 6) for d in suggest(ctx_for(lang, formal, person_id=p), count=5)
    ]
    role = "as a data engineer" if lang == "en" else "als data engineer"
    assert any(role in t.lower() for t in texts)
    no_role = [
        d.text
        for p in range(1, 6)
        for d in suggest(ctx_for(lang, formal, person_id=p, job_title=""), count=5)
    ]
    assert not any(role in t.lower() for t in no_role)


def test_english_article_for_roles():
    assert engine._with_article("engineer") == "an engineer"
    assert engine._with_article("data engineer") == "a data engineer"
    assert engine._with_article("UX designer") == "a UX designer"
    assert engine._with_article("hour-long host") == "an hour-long host"


def test_facts_who_what_where_are_used():
    texts = " ".join(d.text for p in range(1, 6) for d in suggest(make_ctx(person_id=p), count=5))
    assert "het platformteam" in texts
    assert "een planningssysteem dat roosters automatisch opstelt" in texts
    assert "in Arnhem" in texts


def test_where_with_a_preposition_is_not_doubled():
    drafts = [
        d.text
        for p in range(1, 10)
        for d in suggest(make_ctx(person_id=p, facts_where="bij de klant in Zwolle"), count=5)
    ]
    assert any("bij de klant in Zwolle" in t for t in drafts)
    assert not any("in bij" in t for t in drafts)


# --- link, length, hashtags ------------------------------------------------------------------


@pytest.mark.parametrize("moment_type", TYPES)
def test_ends_with_link_on_its_own_line(moment_type):
    for d in suggest(make_ctx(moment_type=moment_type), count=10):
        assert d.text.endswith("\n" + LINK)


def test_no_link_means_no_trailing_empty_line():
    for d in suggest(make_ctx(link=""), count=10):
        assert d.text == d.text.strip()
        assert "http" not in d.text


@pytest.mark.parametrize(("lang", "formal"), TONES)
def test_long_what_happened_is_shortened_and_the_link_survives(lang, formal):
    sentence = "Dit is een lange zin over wat er allemaal is gebeurd in het project. "
    if lang == "en":
        sentence = "This is a long sentence about everything that happened in the project. "
    long_text = (sentence * 200)[:10_000]
    assert len(long_text) == 10_000
    for moment_type in TYPES:
        for person_id in range(1, 6):
            ctx = ctx_for(
                lang, formal, moment_type=moment_type, person_id=person_id, what_happened=long_text
            )
            drafts = suggest(ctx, count=10)
            for d in drafts:
                assert len(d.text) <= MAX_POST_LENGTH
                assert d.text.endswith("\n" + LINK)
                assert_clean(d, ctx)
            story_drafts = [d for d in drafts if d.angle == "behind_the_scenes"]
            for d in story_drafts:
                if d.text.count(sentence.strip()[:30]) > 3:
                    assert "…" in d.text
                    assert len(d.text) > 2500  # shortened, not thrown away


def test_huge_fields_everywhere_still_fit():
    big = "woord " * 3000
    ctx = make_ctx(
        title=big,
        what_happened=big,
        facts_who=big,
        facts_what=big,
        facts_where=big,
        client_name=big,
        job_title=big,
        team_name=big,
        org_name=big,
    )
    for d in suggest(ctx, count=10):
        assert len(d.text) <= MAX_POST_LENGTH
        assert d.text.endswith("\n" + LINK)
        assert_clean(d, ctx)


def test_hashtags_from_the_moments_tags_then_the_type():
    # Changed (issue "Drafts worth posting"): the moment's own tags come first, the type's after.
    d = suggest(make_ctx(moment_type="vacancy", tags=("#data engineering", "Arnhem")))[0]
    assert d.hashtags == ("#DataEngineering", "#Arnhem", "#Vacature")
    assert "#DataEngineering #Arnhem #Vacature\n\n" + LINK in d.text
    e = suggest(english_ctx(moment_type="vacancy", expertise=()))[0]
    assert e.hashtags == ("#Vacancy",)
    full = suggest(make_ctx(tags=("a1", "Cloud", "#Migratie", "Extra")))[0]
    assert full.hashtags == ("#A1", "#Cloud", "#Migratie")  # three tags: no room for the type's


def test_expertise_only_becomes_a_hashtag_when_the_moment_mentions_it():
    # Changed: "data" and "machine learning" are the person's expertise, but this moment is
    # about a planning system, so they are not its hashtags.
    d = suggest(make_ctx(moment_type="vacancy", expertise=("data", "machine learning", "cloud")))[0]
    assert d.hashtags == ("#Vacature",)
    about_data = make_ctx(
        moment_type="vacancy",
        facts_what="een data platform",
        expertise=("machine learning", "Data"),
    )
    assert suggest(about_data)[0].hashtags == ("#Vacature", "#Data")


def test_hashtags_deduplicated_case_insensitively():
    d = suggest(make_ctx(moment_type="vacancy", tags=("vacature", "DATA", "data", "#Data")))[0]
    assert d.hashtags == ("#Vacature", "#DATA")
    e = suggest(
        make_ctx(moment_type="vacancy", title="Data engineer", expertise=("vacature", "data"))
    )[0]
    assert e.hashtags == ("#Vacature", "#Data")


def test_no_hashtags_for_unknown_type_without_tags_or_expertise():
    d = suggest(make_ctx(moment_type="whatever", expertise=()))[0]
    assert d.hashtags == ()
    assert "#" not in d.text


def test_hashtags_skip_tags_without_letters():
    d = suggest(make_ctx(moment_type="whatever", tags=("2024", "🎉", "--", "café")))[0]
    assert d.hashtags == ("#Café",)


# --- tone and language -----------------------------------------------------------------------


def _all_drafts(lang: str, formal: bool) -> list[Suggestion]:
    out = []
    for moment_type in TYPES:
        for person_id in range(1, 25):
            out.extend(
                suggest(ctx_for(lang, formal, moment_type=moment_type, person_id=person_id), 10)
            )
    return out


def _template_text(d: Suggestion, ctx: DraftContext) -> str:
    """The draft without the person's own facts (which may be in any language)."""
    text = d.text
    for value in (ctx.what_happened, *ctx.what_happened.split(". "), ctx.title):
        if value:
            text = text.replace(value, " ")
    return text


def test_formal_dutch_uses_u_and_never_je():
    drafts = _all_drafts("nl", True)
    for d in drafts:
        assert not NL_INFORMAL_WORDS.search(d.text), d.text
        assert NL_FORMAL_WORDS.search(d.text), d.text


def test_informal_dutch_uses_je_and_never_u():
    drafts = _all_drafts("nl", False)
    for d in drafts:
        assert not NL_FORMAL_WORDS.search(d.text), d.text
        assert NL_INFORMAL_WORDS.search(d.text), d.text


def test_professional_english_has_no_contractions_and_casual_does():
    for d in _all_drafts("en", True):
        assert not EN_CONTRACTION.search(d.text), d.text
    casual = _all_drafts("en", False)
    assert sum(bool(EN_CONTRACTION.search(d.text)) for d in casual) > len(casual) * 0.6


@pytest.mark.parametrize("formal", [False, True])
def test_english_drafts_contain_no_dutch(formal):
    for d in _all_drafts("en", formal):
        found = DUTCH_MARKERS.findall(d.text)
        assert not found, (found, d.text)


@pytest.mark.parametrize("formal", [False, True])
def test_dutch_drafts_contain_no_english(formal):
    for d in _all_drafts("nl", formal):
        found = ENGLISH_MARKERS.findall(d.text)
        assert not found, (found, d.text)


def test_no_corporate_cliches():
    cliches = re.compile(
        r"excited to announce|thrilled|synergy|game.?changer|trots om aan te kondigen|"
        r"met trots kondigen|leverage|best-in-class|baanbrekend",
        re.I,
    )
    for lang, formal in TONES:
        for d in _all_drafts(lang, formal):
            assert not cliches.search(d.text), d.text


def test_language_codes_are_normalised():
    assert suggest(make_ctx(language="nl-NL")) == suggest(make_ctx(language="nl"))
    assert suggest(english_ctx(language="EN_gb")) == suggest(english_ctx(language="en"))
    # An unknown language falls back to English, not to an error.
    assert suggest(english_ctx(language="de"))[0].label in {
        engine.angle_label(a, "en") for a in angles_for("project_delivery")
    }


# --- empty and messy input -------------------------------------------------------------------


@pytest.mark.parametrize("moment_type", [*TYPES, "unknown"])
@pytest.mark.parametrize(("lang", "formal"), TONES)
def test_empty_optional_fields_give_clean_text(moment_type, lang, formal):
    for person_id in range(1, 8):
        ctx = DraftContext(
            moment_id=9,
            moment_type=moment_type,
            title="",
            what_happened="",
            facts_who="",
            facts_what="",
            facts_where="",
            client_name="",
            client_may_be_named=True,
            link="",
            person_id=person_id,
            person_first_name="",
            job_title="",
            language=lang,
            formal=formal,
        )
        drafts = suggest(ctx)
        assert len(drafts) == 3
        for d in drafts:
            assert_clean(d, ctx)
            assert len(d.text) > 40
            assert ".." not in d.text and " ." not in d.text and " ," not in d.text
            assert ": ." not in d.text and "  " not in d.text


def test_messy_whitespace_and_punctuation_are_tidied():
    ctx = make_ctx(
        title="  Nieuw   systeem live!  ",
        what_happened="\n\n  Eerste   zin.  \n\n\n—\n...\n  Tweede\talinea.  \n",
        facts_who=" het team. ",
        facts_where=" Utrecht. ",
    )
    for d in suggest(ctx, count=10):
        assert_clean(d, ctx)
        assert "live!." not in d.text
        assert "team.." not in d.text and "Utrecht.." not in d.text


def test_user_text_is_not_treated_as_a_template():
    ctx = make_ctx(facts_what="{title} en {client}", client_may_be_named=False)
    texts = " ".join(d.text for p in range(1, 6) for d in suggest(replace(ctx, person_id=p), 5))
    assert "{title} en {client}" in texts
    assert CLIENT not in texts


text_field = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="{}"),
        st.sampled_from(list("café ë ï é ß ñ 🎉👍🏽 👩‍💻 .,!?…—-\n\t  ")),
    ),
    max_size=300,
)


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    moment_id=st.integers(min_value=0, max_value=10**9),
    person_id=st.integers(min_value=0, max_value=10**9),
    moment_type=st.sampled_from([*TYPES, "unknown", ""]),
    title=text_field,
    what_happened=st.one_of(text_field, st.text(max_size=4000)),
    facts_who=text_field,
    facts_what=text_field,
    facts_where=text_field,
    client_name=text_field,
    client_may_be_named=st.booleans(),
    link=st.one_of(
        st.just(""),
        st.just(LINK),
        st.from_regex(r"https://[a-z]{1,20}\.nl/[a-z0-9]{0,40}", fullmatch=True),
    ),
    job_title=text_field,
    expertise=st.lists(text_field, max_size=5).map(tuple),
    team_name=text_field,
    language=st.sampled_from(["nl", "en"]),
    formal=st.booleans(),
    org_name=text_field,
    involved=st.booleans(),
    involved_teams=st.lists(text_field, max_size=6).map(tuple),
    tags=st.lists(text_field, max_size=5).map(tuple),
    voice=st.builds(
        Voice,
        length=st.sampled_from(["", "short", "long", "medium"]),
        emoji=st.booleans(),
        question=st.booleans(),
        sign_off=text_field,
    ),
)
def test_invariants_hold_for_any_text(**fields):
    ctx = DraftContext(person_first_name="Ëva", **fields)
    drafts = suggest(ctx)
    assert len(drafts) == 3
    assert len({d.angle for d in drafts}) == 3
    for d in drafts:
        assert_clean(d, ctx)
    inputs = "".join(str(v) for v in fields.values())
    if "{" not in inputs and "}" not in inputs:
        assert all("{" not in d.text and "}" not in d.text for d in drafts)
    if not ctx.client_may_be_named:
        # The client's name has no influence at all on the drafts when it may not be named.
        assert suggest(replace(ctx, client_name="")) == drafts
        assert suggest(replace(ctx, client_name="Geheime Klant BV")) == drafts
    assert suggest(ctx) == drafts


# --- the writer seam -------------------------------------------------------------------------


class EchoWriter:
    def suggest(self, ctx, count=3):
        return [Suggestion(angle="echo", label="Echo", text=ctx.title, hashtags=())][:count]


class BrokenWriter:
    def suggest(self, ctx, count=3):
        raise RuntimeError("model offline")


def test_default_writer_is_the_template_writer(monkeypatch):
    monkeypatch.delenv("ZICHTBAAR_WRITER", raising=False)
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    assert isinstance(get_writer(), TemplateWriter)
    assert isinstance(get_writer(), engine.Writer)


def test_writer_can_be_plugged_in_by_dotted_path(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.setenv("ZICHTBAAR_WRITER", f"{__name__}.EchoWriter")
    assert isinstance(get_writer(), EchoWriter)
    assert suggest(make_ctx())[0].angle == "echo"


def test_bad_writer_path_falls_back_to_templates(monkeypatch):
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.setenv("ZICHTBAAR_WRITER", "no.such.module.Writer")
    assert isinstance(get_writer(), TemplateWriter)
    monkeypatch.setenv("ZICHTBAAR_WRITER", f"{__name__}.BrokenWriter")
    drafts = suggest(make_ctx())
    assert len(drafts) == 3 and drafts[0].angle in angles_for("project_delivery")


@pytest.mark.parametrize("moment_type", TYPES)
@pytest.mark.parametrize(("lang", "formal"), TONES)
def test_title_and_what_happened_are_not_repeated_within_a_draft(moment_type, lang, formal):
    for person_id in range(1, 13):
        ctx = ctx_for(lang, formal, moment_type=moment_type, person_id=person_id)
        first_sentence = ctx.what_happened.split(". ")[0]
        for d in suggest(ctx, count=10):
            assert d.text.count(ctx.title) <= 1, d.text
            assert d.text.count(first_sentence) <= 1, d.text
            assert d.text.count(ctx.facts_what) <= 1, d.text


def test_a_value_starting_a_sentence_gets_a_capital():
    texts = [
        d.text
        for p in range(1, 30)
        for d in suggest(
            make_ctx(moment_type="vacancy", person_id=p, title="Vacature: medior data engineer"), 3
        )
    ]
    assert not any(re.search(r"[.?!] medior", t) for t in texts)
    assert any("Medior data engineer" in t for t in texts)
    assert any(": medior data engineer" in t for t in texts)


@pytest.mark.parametrize(
    ("team", "lang", "expected"),
    [
        ("the Web team", "en", "on the Web team"),
        ("Team Platform", "en", "on the Platform team"),
        ("Platform", "nl", "in team Platform"),
        ("het team Data", "nl", "in team Data"),
    ],
)
def test_team_name_reads_naturally(team, lang, expected):
    # Changed: the person's own team is only named when it was involved.
    texts = " ".join(
        d.text
        for p in range(1, 8)
        for d in suggest(ctx_for(lang, False, person_id=p, team_name=team, involved=True), 5)
    )
    assert expected in texts
    assert "the the" not in texts and "team team" not in texts.lower() and "team Team" not in texts


def test_a_team_called_team_is_left_out():
    texts = " ".join(
        d.text
        for p in range(1, 8)
        for involved in (False, True)
        for d in suggest(english_ctx(person_id=p, team_name="Team", involved=involved), 5)
    )
    assert "team team" not in texts.lower()
