"""Deterministic draft suggestions for moments.

The suggestion engine writes several clearly different draft LinkedIn posts for one moment and one
person. It is pure Python: no network, no ORM, no Django. The texts live in data files
(``drafts/nl.yaml`` and ``drafts/en.yaml``), not in this module.

How a draft is put together
---------------------------
Every angle (``proud_result``, ``thanks_team``, ...) has, per language and tone, a list of
*openers*, a list of *bodies* and a list of *closers*. A draft is one opener, one body and one
closer, followed by the hashtags and the link.

Each line in a template is a sentence (or a few) that may use placeholders such as ``{title}`` or
``{role}``. A line may offer fallbacks separated by ``" || "``: the first alternative whose
placeholders all have a value is used; when none qualifies, the line is dropped. An empty line
(``""``) starts a new paragraph. So missing facts never leave a dangling ``{...}`` or an empty
sentence behind. The title and what happened are used at most once per draft (an alternative that
would repeat them is skipped), and a value that starts a sentence gets a capital.

Variation
---------
The person's first draft is chosen from ``stable_hash(moment_id) + person_id``: the angle order is
rotated by person and the opener, body and closer are picked from the next "digits" of that
number. Two people on the same moment therefore get a different first draft unless their ids
differ by a multiple of (angles x bodies x openers x closers) of that angle, which is well over 50
for every moment type. The second and following drafts pick their variants from a stable hash of
(moment_id, person_id, angle). Only ``hashlib`` is used, never Python's salted ``hash()``, so the
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
    "Writer",
    "angles_for",
    "get_writer",
    "suggest",
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
    language: str = "nl"
    formal: bool = False
    org_name: str = ""
    # Angles chosen for an organisation's own moment type; empty means the type's defaults.
    angles: tuple[str, ...] = ()


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
        **_person_values(
            ctx.job_title, ctx.team_name, ctx.org_name, ctx.person_first_name, language
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


# --------------------------------------------------------------------------------------------
# Rendering


def _capitalise(text: str) -> str:
    first = text[:1]
    if first.islower() and len(first.upper()) == 1:
        return first.upper() + text[1:]
    return text


def _fill(template: str, values: dict[str, str], used: set[str]) -> str | None:
    """The first alternative whose placeholders all have a value, filled in; None if none fits.

    The title and what happened (story or summary) are used at most once per draft: an alternative
    that would repeat them counts as not fitting, so the next alternative is tried.
    """
    for alternative in template.split(_ALTERNATIVES):
        names = _PLACEHOLDER.findall(alternative)
        if not all(values.get(name) for name in names):
            continue
        if any(name in used for name in names):
            continue

        def substitute(match: re.Match[str], alternative: str = alternative) -> str:
            value = values[match.group(1)]
            before = alternative[: match.start()].rstrip()
            # A value that starts a sentence starts with a capital.
            return _capitalise(value) if not before or before[-1] in ".!?" else value

        for name in names:
            used.update(_USED_ONCE.get(name, ()))
        return _PLACEHOLDER.sub(substitute, alternative).strip()
    return None


def _render(lines: list[str], values: dict[str, str]) -> list[str]:
    """Template lines -> paragraphs; empty lines separate paragraphs, unfilled lines are dropped."""
    paragraphs: list[str] = []
    current: list[str] = []
    used: set[str] = set()
    for line in lines:
        if not line.strip():
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        text = _fill(line, values, used)
        if text and _meaningful(text):
            current.append(text)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


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


def _hashtags(ctx: DraftContext, language: str) -> tuple[str, ...]:
    candidates = list(_type_config(ctx.moment_type, language).get("hashtags") or [])
    candidates += list(ctx.expertise or ())
    seen: set[str] = set()
    tags: list[str] = []
    for candidate in candidates:
        word = _camel(str(candidate))
        if not word or len(word) > _HASHTAG_LIMIT or not any(ch.isalpha() for ch in word):
            continue
        key = word.casefold()
        if key in seen:
            continue
        seen.add(key)
        tags.append(f"#{word}")
        if len(tags) == MAX_HASHTAGS:
            break
    return tuple(tags)


def _clean_link(link: str) -> str:
    return "".join(_normalise(link).split())


def _compose(paragraphs: list[str], hashtags: tuple[str, ...], link: str) -> str:
    tail = [" ".join(hashtags)] if hashtags else []
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
        values = _values(ctx, language)
        hashtags = _hashtags(ctx, language)
        link = _clean_link(ctx.link)
        suggestions = []
        for position, angle in enumerate(ordered[:count]):
            parts = _templates(angle, ctx.moment_type, language, ctx.formal)
            radices = (len(parts["bodies"]), len(parts["openers"]), len(parts["closers"]))
            if position == 0:
                number = base // len(angles)
            else:
                number = _stable_hash("draft", ctx.moment_id, ctx.person_id, angle)
            body, opener, closer = _digits(number, *radices)
            lines = [
                parts["openers"][opener],
                "",
                *parts["bodies"][body],
                "",
                parts["closers"][closer],
            ]
            text = self._fit(lines, dict(values), hashtags, link)
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
    def _fit(lines: list[str], values: dict[str, str], hashtags: tuple[str, ...], link: str) -> str:
        """Render, and shorten what_happened first (then the rest) to stay within the limit."""
        paragraphs = _render(lines, values)
        text = _compose(paragraphs, hashtags, link)
        if len(text) > MAX_POST_LENGTH and values["story"]:
            keep = len(values["story"]) - (len(text) - MAX_POST_LENGTH) - 1
            values["story"] = _truncate(values["story"], keep) if keep >= _MIN_STORY else ""
            paragraphs = _render(lines, values)
            text = _compose(paragraphs, hashtags, link)
        if len(text) > MAX_POST_LENGTH:
            tail = _compose([], hashtags, link)
            budget = MAX_POST_LENGTH - len(tail) - (2 if tail else 0)
            body = _truncate(_tidy("\n\n".join(paragraphs)), budget)
            text = _compose([body] if body else [], hashtags, link)
        return text


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
