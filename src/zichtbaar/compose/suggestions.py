"""Deterministic draft suggestions for moments.

The suggestion engine writes several clearly different draft LinkedIn posts for one moment and one
person. It is pure Python: no network, no ORM, no Django. The texts live in data files
(``drafts/nl.yaml`` and ``drafts/en.yaml``), not in this module.

How a draft is put together
---------------------------
Every angle (``proud_result``, ``thanks_team``, ...) has, per language and tone, a list of
*openers*, a list of *bodies*, a list of *closers* and a list of *questions*. A draft is one
opener, one body and one closer, followed by the person's sign-off, the hashtags and the link.

Each line in a template is a sentence (or a few) that may use placeholders such as ``{title}`` or
``{role}``. A line may offer fallbacks separated by ``" || "``: the first alternative whose
placeholders all have a value is used; when none qualifies, the line is dropped. An empty line
(``""``) starts a new paragraph. So missing facts never leave a dangling ``{...}`` or an empty
sentence behind. The title and what happened are used at most once per draft (an alternative that
would repeat them is skipped), and a value that starts a sentence gets a capital.

Insiders and colleagues
-----------------------
A draft only speaks as an insider ("we built", "I was close to it", "as a data engineer on the
Platform team I ...") when the person or their team was involved in the moment
(``DraftContext.involved``). An alternative starting with ``[in]`` is used only then, one starting
with ``[out]`` only when they were not, one starting with ``[all]`` for both again; the marker
holds for the alternatives after it on the same line until the next marker. Outsiders credit ``{colleagues}`` ("my colleagues in Cloud and
Software") instead. The person's own ``{team}`` has no value for outsiders, so a line naming it can
never reach them; ``{the_team}`` names the moment's teams ("the Cloud team") and ``{my_team}`` is
the person's team only when it is one of those ("you'll be joining my team").

Voice
-----
``Voice`` is how the person writes: ``length`` "short" leaves out lines marked optional (``~`` at
the start) and keeps the body to a few sentences, "long" tells all of what happened instead of its
first sentence; ``emoji`` adds one emoji that fits the angle to the opening; ``question`` ends with
a question to the reader (the closer when it is one, else one of the angle's questions);
``sign_off`` is the person's own last line.

Hashtags
--------
The moment's own tags (chosen by comms) come first, then the type's hashtags, then the person's
expertise, but only an expertise that the moment itself mentions; at most ``MAX_HASHTAGS``.

Variation
---------
The person's first draft is chosen from ``stable_hash(moment_id) + person_id``: the angle order is
rotated by person and the opener, body and closer are picked from the next "digits" of that
number. For consecutive person ids this is a bijection: two people on the same moment get the
same variants only when their ids differ by a multiple of angles x (bodies x openers x closers)
of that angle. Every angle has 6 openers, 2 bodies and 6 closers (72 variants), so with 3 or more
angles at least 216 colleagues in a row get a different first draft. Variants of one angle must
therefore also *read* differently for insiders and outsiders, with or without facts: the
fallback without placeholders that ends each opener and closer is unique within its angle. The
second and following drafts pick their variants from a stable hash of (moment_id, person_id,
angle). Only ``hashlib`` is used, never Python's salted ``hash()``, so the
same context always gives the same drafts.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import yaml

__all__ = [
    "MAX_POST_LENGTH",
    "DraftContext",
    "Suggestion",
    "TemplateWriter",
    "Voice",
    "Writer",
    "angles_for",
    "get_writer",
    "suggest",
    "suggested_tags",
]

logger = logging.getLogger(__name__)

MAX_POST_LENGTH = 3000
DRAFTS_DIR = Path(__file__).parent / "drafts"
LANGUAGES = ("nl", "en")
FALLBACK_LANGUAGE = "en"
DEFAULT_TYPE = "default"
MAX_HASHTAGS = 3

# Caps for facts woven into a sentence; the full what_happened ("story") is shortened last.
_INLINE_LIMITS = {
    "title": 160,
    "who": 160,
    "what": 200,
    "where": 120,
    "client": 80,
    "role": 80,
    "team": 60,
    "org": 80,
}
_SUMMARY_LIMIT = 260
_MIN_STORY = 40
_HASHTAG_LIMIT = 40

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Placeholders that appear at most once per draft (story and summary both tell what happened).
_USED_ONCE = {
    "title": ("title",),
    "story": ("story", "summary"),
    "summary": ("story", "summary"),
    "what": ("what",),
}
_ALTERNATIVES = " || "
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TRAILING_PUNCT = " .,;:!?…-–—"
_LEADING_PUNCT = " .,;:!?…-–—•*"


VOICE_LENGTHS = ("", "short", "long")
SIGN_OFF_LIMIT = 80
# A short draft keeps at most this many sentences of its body.
SHORT_BODY_SENTENCES = 3


@dataclass(frozen=True)
class Voice:
    """How a person writes, as far as drafts follow it.

    ``length``: "short", "long" or "" (as the template is). ``emoji``: add one fitting emoji per
    draft (never when False). ``question``: end with a question to the reader, before the
    hashtags. ``sign_off``: the person's own last line (at most ``SIGN_OFF_LIMIT`` characters).
    """

    length: str = ""
    emoji: bool = False
    question: bool = False
    sign_off: str = ""


@dataclass(frozen=True)
class DraftContext:
    moment_id: int
    moment_type: str
    title: str
    what_happened: str
    facts_who: str
    facts_what: str
    facts_where: str
    client_name: str
    client_may_be_named: bool
    link: str
    person_id: int
    person_first_name: str
    job_title: str
    expertise: tuple[str, ...] = ()
    team_name: str = ""
    # The language to write in (the moment's texts are in it); "nl" or "en".
    language: str = "nl"
    formal: bool = False
    org_name: str = ""
    # Angles chosen for an organisation's own moment type; empty means the type's defaults.
    angles: tuple[str, ...] = ()
    # The person, or their team, was involved in the moment: only then a draft speaks as an
    # insider ("we built", "my team"); otherwise it credits the colleagues who were.
    involved: bool = False
    # The names of the teams involved, e.g. ("Cloud", "Software").
    involved_teams: tuple[str, ...] = ()
    # The moment's hashtags as comms chose them, with or without "#".
    tags: tuple[str, ...] = ()
    voice: Voice = Voice()


@dataclass(frozen=True)
class Suggestion:
    angle: str
    label: str
    text: str
    hashtags: tuple[str, ...]


@runtime_checkable
class Writer(Protocol):
    """Anything that can write suggestions for a context (the template engine, a language model)."""

    def suggest(self, ctx: DraftContext, count: int = 3) -> list[Suggestion]: ...


# --------------------------------------------------------------------------------------------
# Data files


@functools.cache
def load_drafts(language: str) -> dict[str, Any]:
    """The parsed data file for a language ("nl" or "en"), cached."""
    path = DRAFTS_DIR / f"{language}.yaml"
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not contain a mapping")
    return data


def _language(value: str) -> str:
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else FALLBACK_LANGUAGE


def _type_config(moment_type: str, language: str) -> dict[str, Any]:
    types = load_drafts(language)["moment_types"]
    key = (moment_type or "").strip().lower()
    return types.get(key) or types[DEFAULT_TYPE]


def angles_for(moment_type: str, language: str = "nl") -> list[str]:
    """The default, ordered angle keys for a moment type (unknown types get the generic angles)."""
    return list(_type_config(moment_type, _language(language))["angles"])


def all_angles(language: str = "nl") -> list[str]:
    """Every angle the templates can write, e.g. for comms choosing angles for a new type."""
    return list(load_drafts(_language(language))["templates"])


def angle_label(angle: str, language: str = "nl") -> str:
    """The human label of an angle in a language, e.g. "Trots resultaat" / "Proud result"."""
    labels = load_drafts(_language(language))["labels"]
    return labels.get(angle, angle.replace("_", " ").capitalize())


def _templates(angle: str, moment_type: str, language: str, formal: bool) -> dict[str, Any]:
    block = load_drafts(language)["templates"][angle]
    if "informal" not in block:  # per-type texts, e.g. invitation: vacancy / event / default
        block = block.get(moment_type) or block[DEFAULT_TYPE]
    return block["formal" if formal else "informal"]


def _emoji(angle: str, moment_type: str, language: str) -> str:
    """The one emoji that fits an angle (per type where the data file says so), or ""."""
    entry = (load_drafts(language).get("emoji") or {}).get(angle, "")
    if isinstance(entry, dict):
        entry = entry.get(moment_type) or entry.get(DEFAULT_TYPE, "")
    return str(entry or "")


def suggested_tags(moment_type: str, language: str) -> list[str]:
    """The type's own hashtags, e.g. ["#Oplevering"], for comms choosing a moment's tags."""
    config = _type_config(moment_type, _language(language))
    return [f"#{tag}" for tag in _tag_words(tuple(str(t) for t in config.get("hashtags") or ()))]


# --------------------------------------------------------------------------------------------
# Cleaning the facts


def _stable_hash(*parts: object) -> int:
    raw = "\x1f".join(str(part) for part in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(raw).digest()[:8], "big")


def _meaningful(text: str) -> bool:
    """True when the text has a letter, a digit or a pictograph (emoji), not only punctuation."""
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or cat == "So":
            return True
    return False


def _normalise(text: str) -> str:
    # Control characters (category Cc, other than line breaks and tabs) become spaces.
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text or ""))


def _truncate(text: str, limit: int) -> str:
    """Shorten at a word boundary and end with an ellipsis; "" when nothing sensible is left."""
    if len(text) <= limit:
        return text
    if limit < 2:
        return ""
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit // 2:
        cut = cut[:space]
    lines = cut.rstrip().split("\n")
    while lines and not _meaningful(lines[-1]):
        lines.pop()
    if not lines:
        return ""
    lines[-1] = lines[-1].rstrip(_TRAILING_PUNCT)
    if not _meaningful(lines[-1]):
        return ""
    return "\n".join(lines).rstrip() + "…"


def _inline(text: str, limit: int) -> str:
    """One line of text, suitable to weave into a sentence."""
    value = " ".join(_normalise(text).split()).strip(_LEADING_PUNCT)
    value = value.rstrip(_TRAILING_PUNCT)
    if not _meaningful(value):
        return ""
    return _truncate(value, limit)


def _story(text: str) -> str:
    """The full what_happened, tidied: single spaces, at most one blank line between paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in _normalise(text).splitlines():
        line = " ".join(raw.split())
        if _meaningful(line):
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


def _ensure_sentence(text: str) -> str:
    if text and text[-1] not in ".!?…":
        text = text.rstrip(_TRAILING_PUNCT) + "."
    return text


def _summary(story: str, title: str) -> str:
    """The first sentence of what_happened (skipping one that only repeats the title)."""
    flat = " ".join(story.split())
    if not flat:
        return ""
    sentences = [s for s in re.split(r"(?<=[.!?…])\s+", flat) if _meaningful(s)]
    for sentence in sentences[:2]:
        if title and sentence.rstrip(_TRAILING_PUNCT).casefold() == title.casefold():
            continue
        return _ensure_sentence(_truncate(sentence, _SUMMARY_LIMIT))
    return ""


_NL_PREPOSITIONS = {"in", "bij", "op", "te", "aan", "naar", "rond", "vanuit", "onder", "tijdens"}
_EN_PREPOSITIONS = {"in", "at", "on", "near", "from", "during", "inside", "around", "by", "to"}


def _at_where(where: str, language: str) -> str:
    if not where:
        return ""
    first = where.split()[0].casefold()
    prepositions = _NL_PREPOSITIONS if language == "nl" else _EN_PREPOSITIONS
    return where if first in prepositions else f"in {where}"


def _team(team: str, language: str) -> str:
    """The bare team name: "Team Platform" / "the Web team" -> "Platform" / "Web"."""
    article = r"het|de" if language == "nl" else r"the|our"
    stripped = re.sub(rf"^(({article})\s+)?(team\s+)?", "", team, flags=re.IGNORECASE)
    stripped = re.sub(r"\s+team$", "", stripped, flags=re.IGNORECASE)
    return stripped if _meaningful(stripped) and stripped.casefold() != "team" else ""


def _with_article(role: str) -> str:
    """English indefinite article: "a data engineer", "an engineer", "a UX designer"."""
    if not role:
        return ""
    word = role.split()[0].casefold()
    vowel_sound = word[:1] in "aeiou" and not re.match(r"^(uni|use|usa|ux|ui\b|eu|one|once)", word)
    vowel_sound = vowel_sound or bool(re.match(r"^(hour|honest|honou?r|mba|msc|sre\b)", word))
    return f"{'an' if vowel_sound else 'a'} {role}"


def _strip_type_prefix(title: str) -> str:
    """ "Vacature: data engineer" -> "data engineer" (the draft says it is a vacancy already)."""
    return re.sub(
        r"^(vacature|vacancy|job opening|event|evenement)\s*[:\-–—]\s*", "", title, flags=re.I
    )


def _values(ctx: DraftContext, language: str) -> dict[str, str]:
    # The moment's part and the person's part are each the same for many drafts (a digest
    # writes one per person and moment), so both are remembered.
    involved = bool(ctx.involved)
    return {
        **_moment_values(
            ctx.what_happened,
            ctx.title,
            ctx.client_name if ctx.client_may_be_named else "",
            ctx.facts_who,
            ctx.facts_what,
            ctx.facts_where,
            language,
        ),
        # The person's own team is only named when it was involved (see "Insiders").
        **_person_values(
            ctx.job_title,
            ctx.team_name if involved else "",
            ctx.org_name,
            ctx.person_first_name,
            language,
        ),
        **_team_values(
            involved,
            tuple(str(team) for team in ctx.involved_teams or ()),
            ctx.team_name if involved else "",
            language,
        ),
    }


@functools.lru_cache(maxsize=1024)
def _moment_values(
    what_happened: str, title: str, client: str, who: str, what: str, where: str, language: str
) -> dict[str, str]:
    story = _story(what_happened)
    title = _inline(_strip_type_prefix(_normalise(title).strip()), _INLINE_LIMITS["title"])
    where = _inline(where, _INLINE_LIMITS["where"])
    return {
        "title": title,
        "story": story,
        "summary": _summary(story, title),
        "who": _inline(who, _INLINE_LIMITS["who"]),
        "what": _inline(what, _INLINE_LIMITS["what"]),
        "where": where,
        "at_where": _at_where(where, language),
        "client": _inline(client, _INLINE_LIMITS["client"]),
    }


@functools.lru_cache(maxsize=4096)
def _person_values(
    job_title: str, team: str, org: str, first_name: str, language: str
) -> dict[str, str]:
    role = _inline(job_title, _INLINE_LIMITS["role"])
    return {
        "role": role,
        "role_a": _with_article(role),
        "team": _team(_inline(team, _INLINE_LIMITS["team"]), language),
        "org": _inline(org, _INLINE_LIMITS["org"]),
        "first_name": _inline(first_name, 60),
    }


_MAX_TEAMS = 4


def _join(names: list[str], language: str) -> str:
    """ "A", "A and B", "A, B and C" (Dutch: "en")."""
    if len(names) <= 1:
        return "".join(names)
    word = "en" if language == "nl" else "and"
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


@functools.lru_cache(maxsize=1024)
def _team_values(
    involved: bool, teams: tuple[str, ...], own_team: str, language: str
) -> dict[str, str]:
    """{teams} "Cloud and Software", {colleagues} "my colleagues in Cloud and Software",
    {the_team} "the Cloud team" / "de teams Cloud en Software" (the moment's teams) and {my_team}
    (the person's own team, only when it is one of them or the moment names none)."""
    names: list[str] = []
    for raw in teams:
        name = _team(_inline(raw, _INLINE_LIMITS["team"]), language)
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    if len(names) > _MAX_TEAMS:
        names = [*names[: _MAX_TEAMS - 1], "anderen" if language == "nl" else "others"]
        plural_only = True
    else:
        plural_only = False
    joined = _join(names, language)
    if language == "nl":
        colleagues = f"mijn collega's van {joined}" if joined else "mijn collega's"
    else:
        colleagues = f"my colleagues in {joined}" if joined else "my colleagues"
    own = _team(_inline(own_team, _INLINE_LIMITS["team"]), language)
    # The person's own team, when it is (one of) the moment's: "you'll join my team".
    mine = involved and (not names or own.casefold() in {n.casefold() for n in names})
    my_team = own if mine else ""
    the_team = ""
    if len(names) == 1 and not plural_only:
        the_team = f"team {names[0]}" if language == "nl" else f"the {names[0]} team"
    elif names:
        the_team = f"de teams {joined}" if language == "nl" else f"the {joined} teams"
    elif involved and own:
        the_team = f"team {own}" if language == "nl" else f"the {own} team"
    return {"teams": joined, "colleagues": colleagues, "the_team": the_team, "my_team": my_team}


# --------------------------------------------------------------------------------------------
# Rendering

_MARKER = re.compile(r"^\[(in|out|all)\]\s*")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=\S)")


@dataclass(frozen=True)
class _Alternative:
    audience: str  # "" (anyone), "in" (insiders only) or "out" (colleagues only)
    pieces: tuple[tuple[str, str, bool], ...]  # (text before, placeholder, starts a sentence)
    tail: str
    names: tuple[str, ...]


@functools.cache
def _parse(line: str) -> tuple[bool, tuple[_Alternative, ...]]:
    """A template line, parsed once: (optional, alternatives)."""
    text = line.strip()
    optional = text.startswith("~")
    if optional:
        text = text[1:].strip()
    audience = ""
    alternatives = []
    for raw in text.split(_ALTERNATIVES):
        alternative = raw.strip()
        marker = _MARKER.match(alternative)
        if marker:
            audience = "" if marker.group(1) == "all" else marker.group(1)
            alternative = alternative[marker.end() :]
        pieces = []
        position = 0
        for match in _PLACEHOLDER.finditer(alternative):
            before = alternative[: match.start()].rstrip()
            # A value that starts a sentence starts with a capital.
            starts = not before or before[-1] in ".!?"
            pieces.append((alternative[position : match.start()], match.group(1), starts))
            position = match.end()
        alternatives.append(
            _Alternative(
                audience, tuple(pieces), alternative[position:], tuple(p[1] for p in pieces)
            )
        )
    return optional, tuple(alternatives)


def _capitalise(text: str) -> str:
    first = text[:1]
    if first.islower() and len(first.upper()) == 1:
        return first.upper() + text[1:]
    return text


def _fill(
    alternatives: tuple[_Alternative, ...], values: dict[str, str], used: set[str], audience: str
) -> str | None:
    """The first alternative for this audience whose placeholders all have a value, filled in;
    None if none fits.

    The title and what happened (story or summary) are used at most once per draft: an alternative
    that would repeat them counts as not fitting, so the next alternative is tried.
    """
    for alternative in alternatives:
        if alternative.audience and alternative.audience != audience:
            continue
        names = alternative.names
        if not all(values.get(name) for name in names):
            continue
        if any(name in used for name in names):
            continue
        for name in names:
            used.update(_USED_ONCE.get(name, ()))
        out = []
        for before, name, starts in alternative.pieces:
            out.append(before)
            out.append(_capitalise(values[name]) if starts else values[name])
        out.append(alternative.tail)
        return "".join(out).strip()
    return None


def _render(
    lines: list[str], values: dict[str, str], used: set[str], audience: str, short: bool
) -> list[list[str]]:
    """Template lines -> paragraphs (each a list of sentences); empty lines separate paragraphs,
    unfilled lines are dropped, and so are optional lines in a short draft."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            if current:
                paragraphs.append(current)
                current = []
            continue
        optional, alternatives = _parse(line)
        if optional and short:
            continue
        text = _fill(alternatives, values, used, audience)
        if not text or not _meaningful(text):
            continue
        if "\n" in text:  # what happened, in several paragraphs, stands alone
            if current:
                paragraphs.append(current)
                current = []
            paragraphs.append([text])
            continue
        current.append(text)
    if current:
        paragraphs.append(current)
    return paragraphs


def _keep_sentences(paragraphs: list[list[str]], limit: int) -> list[list[str]]:
    """The paragraphs up to ``limit`` sentences; a line is cut after a sentence when it would go
    over (the first sentence always stays)."""
    out: list[list[str]] = []
    count = 0
    for paragraph in paragraphs:
        kept: list[str] = []
        for line in paragraph:
            sentences = _SENTENCE_SPLIT.split(line)
            room = limit - count
            if len(sentences) > room:
                if room > 0 or not count:
                    kept.append(" ".join(sentences[: max(room, 1)]))
                if kept:
                    out.append(kept)
                return out
            kept.append(line)
            count += len(sentences)
        out.append(kept)
    return out


def _asks(paragraphs: list[list[str]]) -> bool:
    return bool(paragraphs) and paragraphs[-1][-1].rstrip().endswith("?")


def _tidy(text: str) -> str:
    text = text.replace("….", "…").replace("?.", "?").replace("!.", "!")
    text = re.sub(r"[ \t]{2,}", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _camel(tag: str) -> str:
    parts = [p for p in re.split(r"[\W_]+", unicodedata.normalize("NFC", tag or "")) if p]
    out = []
    for part in parts:
        first = part[0].upper()
        out.append((first if len(first) == 1 else part[0]) + part[1:])
    return "".join(out)


def _tag_words(candidates: tuple[str, ...]) -> list[str]:
    """Camel-cased hashtag words (no "#"), without duplicates, empty or letterless ones."""
    seen: set[str] = set()
    words: list[str] = []
    for candidate in candidates:
        word = _camel(candidate)
        if not word or len(word) > _HASHTAG_LIMIT or not any(ch.isalpha() for ch in word):
            continue
        key = word.casefold()
        if key not in seen:
            seen.add(key)
            words.append(word)
    return words


def _words(text: str) -> str:
    """ " cloud migration naar azure " : lower-cased words between single spaces."""
    parts = re.split(r"[\W_]+", unicodedata.normalize("NFC", text).casefold())
    return " " + " ".join(p for p in parts if p) + " "


_COMPOUND_MIN = 4  # "cloud" matches "cloudmigratie"; "ai" does not match "aim"


def _mentions(haystack: str, term: str) -> bool:
    """The term appears as words in the haystack (long terms also as a compound's start)."""
    needle = _words(term)
    if not needle.strip():
        return False
    if needle in haystack:
        return True
    return len(needle) - 2 >= _COMPOUND_MIN and haystack.find(needle[:-1]) >= 0


def _hashtags(ctx: DraftContext, language: str) -> tuple[str, ...]:
    return _hashtags_for(
        ctx.moment_type,
        language,
        tuple(str(tag) for tag in ctx.tags or ()),
        tuple(str(term) for term in ctx.expertise or ()),
        ctx.title,
        ctx.what_happened,
        ctx.facts_who,
        ctx.facts_what,
        ctx.facts_where,
    )


@functools.lru_cache(maxsize=4096)
def _hashtags_for(
    moment_type: str,
    language: str,
    tags: tuple[str, ...],
    expertise: tuple[str, ...],
    *texts: str,
) -> tuple[str, ...]:
    """The moment's tags, then the type's, then the person's expertise that the moment mentions."""
    words = _tag_words(tags)[:MAX_HASHTAGS]
    if len(words) < MAX_HASHTAGS:
        words += _tag_words(
            tuple(str(t) for t in _type_config(moment_type, language).get("hashtags") or ())
        )
    if expertise and len(words) < MAX_HASHTAGS:
        # Tags are words too: "CloudMigration" mentions "cloud migration".
        haystack = _words(" ".join((*texts, *(_spoken(tag) for tag in tags))))
        words += [term for term in _tag_words(expertise) if _mentions(haystack, _spoken(term))]
    return tuple(f"#{word}" for word in _tag_words(tuple(words))[:MAX_HASHTAGS])


def _spoken(word: str) -> str:
    """ "MachineLearning" -> "Machine Learning" (a tag or expertise as words, to find in a text)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", word)


def _clean_link(link: str) -> str:
    return "".join(_normalise(link).split())


def _sign_off(text: str) -> str:
    line = " ".join(_normalise(text).split())
    return _truncate(line, SIGN_OFF_LIMIT) if _meaningful(line) else ""


def _compose(paragraphs: list[str], sign_off: str, hashtags: tuple[str, ...], link: str) -> str:
    tail = [sign_off] if sign_off else []
    tail += [" ".join(hashtags)] if hashtags else []
    tail += [link] if link else []
    return _tidy("\n\n".join([*paragraphs, *tail]))


def _digits(number: int, *radices: int) -> list[int]:
    out = []
    for radix in radices:
        out.append(number % radix)
        number //= radix
    return out


class TemplateWriter:
    """The default writer: deterministic templates from the data files, always available."""

    def suggest(self, ctx: DraftContext, count: int = 3) -> list[Suggestion]:
        if count <= 0:
            return []
        language = _language(ctx.language)
        known = load_drafts(language)["templates"]
        angles = [a for a in ctx.angles if a in known] or angles_for(ctx.moment_type, language)
        base = _stable_hash("moment", ctx.moment_id) + int(ctx.person_id)
        shift = base % len(angles)
        ordered = angles[shift:] + angles[:shift]
        voice = ctx.voice if isinstance(ctx.voice, Voice) else Voice()
        length = str(voice.length or "").strip().lower()
        length = length if length in VOICE_LENGTHS else ""
        values = _values(ctx, language)
        if length == "short":
            values["story"] = values["summary"]
        elif length == "long":
            values["summary"] = values["story"]
        audience = "in" if ctx.involved else "out"
        hashtags = _hashtags(ctx, language)
        link = _clean_link(ctx.link)
        sign_off = _sign_off(str(voice.sign_off or ""))
        suggestions = []
        for position, angle in enumerate(ordered[:count]):
            parts = _templates(angle, ctx.moment_type, language, ctx.formal)
            radices = (len(parts["bodies"]), len(parts["openers"]), len(parts["closers"]))
            if position == 0:
                number = base // len(angles)
            else:
                number = _stable_hash("draft", ctx.moment_id, ctx.person_id, angle)
            body, opener, closer = _digits(number, *radices)
            draft = _Draft(
                opener=parts["openers"][opener],
                body=parts["bodies"][body],
                closer=parts["closers"][closer],
                questions=list(parts.get("questions") or ()),
                pick=closer,
                audience=audience,
                short=length == "short",
                question=bool(voice.question),
                emoji=_emoji(angle, ctx.moment_type, language) if voice.emoji else "",
            )
            text = self._fit(draft, dict(values), length, sign_off, hashtags, link)
            suggestions.append(
                Suggestion(
                    angle=angle,
                    label=angle_label(angle, language),
                    text=text,
                    hashtags=hashtags,
                )
            )
        return suggestions

    @staticmethod
    def _fit(
        draft: _Draft,
        values: dict[str, str],
        length: str,
        sign_off: str,
        hashtags: tuple[str, ...],
        link: str,
    ) -> str:
        """Render, and shorten what_happened first (then the rest) to stay within the limit."""
        paragraphs = draft.paragraphs(values)
        text = _compose(paragraphs, sign_off, hashtags, link)
        if len(text) > MAX_POST_LENGTH and values["story"]:
            keep = len(values["story"]) - (len(text) - MAX_POST_LENGTH) - 1
            values["story"] = _truncate(values["story"], keep) if keep >= _MIN_STORY else ""
            if length == "long":
                values["summary"] = values["story"]
            paragraphs = draft.paragraphs(values)
            text = _compose(paragraphs, sign_off, hashtags, link)
        if len(text) > MAX_POST_LENGTH:
            tail = _compose([], sign_off, hashtags, link)
            budget = MAX_POST_LENGTH - len(tail) - (2 if tail else 0)
            body = _truncate(_tidy("\n\n".join(paragraphs)), budget)
            text = _compose([body] if body else [], sign_off, hashtags, link)
        return text


@dataclass(frozen=True)
class _Draft:
    """One opener, body and closer of an angle, and how the person's voice shapes them."""

    opener: str
    body: list[str]
    closer: str
    questions: list[str]
    pick: int
    audience: str
    short: bool
    question: bool
    emoji: str

    def paragraphs(self, values: dict[str, str]) -> list[str]:
        used: set[str] = set()
        opener = _render([self.opener], values, used, self.audience, self.short)
        body = _render(self.body, values, used, self.audience, self.short)
        if self.short:
            body = _keep_sentences(body, SHORT_BODY_SENTENCES)
        closer = _render([self.closer], values, used, self.audience, self.short)
        if self.question and not _asks(closer) and self.questions:
            line = self.questions[self.pick % len(self.questions)]
            closer = _render([line], values, used, self.audience, self.short) or closer
        paragraphs = [" ".join(lines) for lines in (*opener, *body, *closer)]
        if self.emoji and paragraphs:
            paragraphs[0] = f"{paragraphs[0]} {self.emoji}"
        return paragraphs


# --------------------------------------------------------------------------------------------
# Choosing the writer


def _configured_writer_path() -> str:
    try:
        from django.conf import settings

        if settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE"):
            value = getattr(settings, "ZICHTBAAR_WRITER", "")
            if value:
                return str(value)
    except Exception:  # Django absent or its settings not importable: use the environment
        logger.debug("No Django settings for ZICHTBAAR_WRITER", exc_info=True)
    return os.environ.get("ZICHTBAAR_WRITER", "")


def get_writer() -> Writer:
    """The writer to use: a configured one (e.g. a language model), else the template engine.

    To plug in a language-model writer, set ``ZICHTBAAR_WRITER`` to a dotted path, in the Django
    settings or as an environment variable (settings win)::

        ZICHTBAAR_WRITER = "zichtbaar.compose.llm.OpenAIWriter"

    The path names a class (or factory) that can be called without arguments and returns an object
    with ``suggest(ctx: DraftContext, count: int = 3) -> list[Suggestion]`` (see ``Writer``). Such a
    writer should keep the invariants of the template engine (client name only when allowed, link
    last, at most ``MAX_POST_LENGTH`` characters). Any error while importing or constructing it
    is logged and the ``TemplateWriter`` is used instead, so drafts are always available.
    """
    path = _configured_writer_path().strip()
    if not path:
        return TemplateWriter()
    try:
        module_name, _, attr = path.rpartition(".")
        factory = getattr(importlib.import_module(module_name), attr)
        writer = factory()
        if not callable(getattr(writer, "suggest", None)):
            raise TypeError(f"{path} has no suggest() method")
        return writer
    except Exception:
        logger.exception("Could not load writer %r; using the template writer", path)
        return TemplateWriter()


def suggest(ctx: DraftContext, count: int = 3) -> list[Suggestion]:
    """Drafts for one person and one moment; falls back to the templates if a writer fails."""
    writer = get_writer()
    if isinstance(writer, TemplateWriter):
        return writer.suggest(ctx, count)
    try:
        return writer.suggest(ctx, count)
    except Exception:
        logger.exception("Writer %r failed; using the template writer", writer)
        return TemplateWriter().suggest(ctx, count)
