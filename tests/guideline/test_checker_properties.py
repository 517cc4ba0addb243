"""Property tests for the check: for any Unicode text it never fails, and every span lies inside
the text. Runs the check in strict mode, so a detector that raises fails the test instead of being
logged and skipped."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

try:
    import zichtbaar.guideline.checker  # noqa: F401
except ImportError:  # the project is not installed in the venv: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from zichtbaar.guideline import checker
from zichtbaar.guideline.checker import (
    CheckContext,
    ClientEntry,
    ClientIndex,
    RuleConfig,
    TermIndex,
    check,
    fold_key,
)

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
TERM_LIST = ["Aurora", "Café Noir", "Straße", "ﬁnale", "Ærø", "C++", "#geheim", "X1", "日本語"]
TERMS = TermIndex.build(TERM_LIST)
CLIENTS = ClientIndex.build(
    [
        ClientEntry("Gemeente Utrecht", ("GU",), may_be_named=False),
        ClientEntry("Bakkerij Bol", may_be_named=True, until=dt.date(2025, 1, 1)),
        ClientEntry("مؤسسة", may_be_named=False),
    ]
)
CONTEXTS = [
    CheckContext(
        language=language,
        terms=TERMS,
        clients=CLIENTS,
        today=NOW.date(),
        now=NOW,
        shareable_from=NOW + dt.timedelta(days=1),
        quiet_periods=((NOW, NOW + dt.timedelta(days=1), "cijfers"),),
        internal_hosts=("intranet.acme.nl",),
        allowed_hosts=("acme.nl",),
        own_hosts=("go.acme.nl",),
        max_hashtags=2,
        template_texts=("Trots op het team. We zijn live!",),
        colleague_texts=("Trots op het team. We zijn live! #trots", ""),
        disclosure_required=True,
        disclosure_phrases=("\u0301", ""),
        org_name="Acme",
        max_length=80,
        rules={"form.shouting": RuleConfig("form.shouting", severity="change")},
    )
    for language in ("nl", "en")
]

FRAGMENTS = [
    "\x00",
    "\u0301",
    "\u200f",
    "\u202e",
    "שלום עולם",
    "مرحبا",
    "🎉",
    "👍🏽",
    "👨‍👩‍👧",
    "ﬁ",
    "ß",
    "İ",
    "\ud800",
    "\r\n",
    "\u2028",
    " ",
    ".",
    "@",
    "#",
    "+",
    "(",
    ")",
    "/",
    "-",
    "€ ",
    "06-12345678",
    "+31 20 123 4567",
    "111222333",
    "1112.22.333",
    "NL91ABNA0417164300",
    "NL91 ABNA 0417 1643 00",
    "4111 1111 1111 1111",
    "85.07.30-033.28",
    "jan@acme.nl",
    "https://",
    "http://10.0.0.1/x",
    "intranet.acme.nl/x",
    "www.",
    ".nl",
    "[::1]",
    "Aurora",
    "cafe noir",
    "CAFE\u0301 NOIR",
    "Gemeente Utrecht",
    "DIT IS ECHT HEEL GAAF",
    "#tag",
    "Trots op het team.",
]

texts = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(codec=None, exclude_categories=())),
        st.sampled_from(FRAGMENTS),
    ),
    max_size=40,
).map("".join)


def assert_well_formed(text: str, verdict) -> None:
    assert verdict.verdict in ("go", "tips", "change")
    severities = {f.severity for f in verdict.findings}
    expected = "change" if "change" in severities else "tips" if severities else "go"
    assert verdict.verdict == expected
    keys = []
    for finding in verdict.findings:
        assert 0 <= finding.start <= finding.end <= len(text), finding
        assert finding.code in checker.CODES
        assert finding.severity in ("tip", "change")
        assert finding.message and finding.suggestion
        keys.append((finding.start, finding.code))
    assert keys == sorted(keys)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, which=st.integers(0, 1))
@example(text="", which=0)
@example(text="\x00" * 50 + "\u0301" * 50, which=1)
@example(text="a" * 5000, which=0)
@example(text="\u0301Aurora\u0301 cafe\u0301\u0301 noir", which=0)
def test_never_fails_and_spans_lie_inside_the_text(text, which):
    ctx = CONTEXTS[which]
    verdict = checker._check(text, ctx, strict=True)
    assert_well_formed(text, verdict)
    assert check(text, ctx) == verdict  # deterministic, and the public entry agrees


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_every_term_span_folds_to_its_term(text):
    for start, end, term in TERMS.find(text):
        assert 0 <= start < end <= len(text)
        assert fold_key(text[start:end]) == fold_key(term)


ACCENTED = {"a": "aáàâä", "e": "eéèêë", "o": "oóòôö", "u": "uúùûü", "i": "iíìîï"}


@st.composite
def spelled(draw, word: str) -> str:
    out = []
    for char in word:
        variants = ACCENTED.get(char.lower(), char)
        picked = draw(st.sampled_from(variants))
        out.append(picked.upper() if draw(st.booleans()) else picked)
    return "".join(out)


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.text(max_size=30),
    suffix=st.text(max_size=30),
    variant=spelled("project zilverstorm"),
)
def test_a_term_is_found_where_it_is_whatever_the_case_and_accents(prefix, suffix, variant):
    index = TermIndex.build(["Project Zilverstorm"])
    text = f"{prefix} {variant} {suffix}"
    start = len(prefix) + 1
    assert (start, start + len(variant), "Project Zilverstorm") in index.find(text)


@settings(max_examples=100, deadline=None)
@given(word=st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=3))
def test_a_term_inside_a_longer_word_is_never_found(word):
    index = TermIndex.build(["Aurora"])
    assert index.find(f"{word}aurora {word}") == [] or fold_key(word) == ""
    assert index.find(f"aurora{word}") == [] or fold_key(word) == ""
