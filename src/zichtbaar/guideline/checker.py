"""The "May I share this?" check: a pure, deterministic function from a text and its context to a
verdict (``go``, ``tips``, ``change``, or ``unchecked`` when the check itself failed) with findings.

No Django, no database, no network: everything the check needs arrives in :class:`CheckContext`
(the organisation's rules, a prebuilt :class:`TermIndex` and :class:`ClientIndex`, the moment's
embargo and client flag, ...). The Django side builds the context; this module only reads it.
Messages and suggestions live as data in ``messages/nl.yaml`` and ``messages/en.yaml``.

Design notes
- Offsets are Python ``str`` indices into the original text. Findings about the whole post
  (embargo, quiet period, not personal, similar to colleagues, disclosure) use ``0, 0``.
- Terms and client names are matched on a normalised copy of the text (casefolded, diacritics
  removed via NFKD, every whitespace character mapped to one space) with a map back to the original
  offsets, by one Aho-Corasick pass each, whole words only.
- Numbers only count as personal data when they validate: IBAN mod-97, BSN eleven-test, Belgian
  national number, German tax ID, card numbers by Luhn with a known prefix and length, phone numbers
  by libphonenumber (region NL, leniency VALID), run only on digit-rich windows of the text.
- Overlaps: findings of the same code that overlap become one; a finding inside the span of a more
  severe finding is dropped; among personal-data findings the most specific wins (IBAN, card,
  national ID, e-mail, phone) so one number gives one finding.
- ``check`` never raises for a ``str``: a detector that fails unexpectedly is logged, and the
  verdict is then ``unchecked``, never ``go``. A "may I share this?" check fails closed: the
  person is told it couldn't check and to read the guideline (docs/decisions.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import ipaddress
import logging
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import Any

import ahocorasick
import yaml
from phonenumbers import Leniency, PhoneNumberMatcher
from rapidfuzz import fuzz, process
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.be import nn as be_nn
from stdnum.de import idnr as de_idnr
from stdnum.nl import bsn as nl_bsn

logger = logging.getLogger(__name__)

MESSAGES_DIR = Path(__file__).parent / "messages"
LANGUAGES = ("nl", "en")
TIP = "tip"
CHANGE = "change"
SEVERITIES = (TIP, CHANGE)
#: The verdict when (part of) the check failed: it couldn't say the text is fine.
UNCHECKED = "unchecked"

#: Every finding code with its default severity (stable: used by the API and the CLI).
DEFAULT_SEVERITY: Mapping[str, str] = MappingProxyType(
    {
        "personal_data.email": CHANGE,
        "personal_data.phone": CHANGE,
        "personal_data.iban": CHANGE,
        "personal_data.national_id": CHANGE,
        "personal_data.card": CHANGE,
        "confidential.term": CHANGE,
        "client.no_consent": CHANGE,
        "embargo": CHANGE,
        "quiet_period": CHANGE,
        "link.internal": CHANGE,
        "form.too_long": CHANGE,
        "form.hashtags": TIP,
        "form.shouting": TIP,
        "form.not_personal": TIP,
        "similar.colleagues": TIP,
        "disclosure.missing": TIP,
    }
)
CODES: tuple[str, ...] = tuple(DEFAULT_SEVERITY)

#: The longest text the web and the API hand to the check (a LinkedIn post is at most 3,000
#: characters; this leaves room for drafts and pasted notes). The check itself is linear in the
#: text's length, so this bounds a request's time, not its correctness.
MAX_CHECK_LENGTH = 10_000

#: Host patterns that are always internal (on top of ``CheckContext.internal_hosts``), plus
#: private, loopback and link-local IP literals and single-label hosts (``http://wiki/``).
DEFAULT_INTERNAL_HOSTS = ("*.internal", "*.local", "*.corp", "*.sharepoint.com", "intranet.*")

#: Phrases that count as saying you work there (matched case- and diacritics-insensitively, as
#: whole words). Deliberately about the relationship ("my employer", "our team"), not about
#: advertising tags. ``CheckContext.disclosure_phrases`` adds to these; ``org_name`` adds
#: "bij/voor/at/for/with <org>", "@<org>" and "#werkenbij<org>".
DISCLOSURE_PHRASES = (
    # Dutch
    "ik werk bij",
    "ik werk voor",
    "ik werk al",
    "werkzaam bij",
    "mijn werkgever",
    "mijn collega's",
    "mijn collega",
    "collega's",
    "onze klant",
    "onze klanten",
    "ons team",
    "onze organisatie",
    "ons bedrijf",
    "mijn team",
    "wij bij",
    "bij ons",
    "trots op mijn werk",
    # English
    "i work at",
    "i work for",
    "i work with",
    "my employer",
    "my colleagues",
    "my colleague",
    "my team",
    "our team",
    "our client",
    "our clients",
    "our company",
    "we at",
    "here at",
    "proud to work",
)

_LANGUAGE_ALIASES = {"nl": "nl", "en": "en"}


# ---------------------------------------------------------------------------------------------
# Public data types
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    start: int
    end: int
    message: str
    suggestion: str
    section: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
            "section": self.section,
        }


@dataclass(frozen=True)
class Verdict:
    verdict: str  # "go", "tips", "change" or UNCHECKED
    findings: tuple[Finding, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "findings": [f.as_dict() for f in self.findings]}


@dataclass(frozen=True)
class RuleConfig:
    """How one rule behaves for an organisation. ``severity`` left empty means the code's default
    (see :data:`DEFAULT_SEVERITY`); an unknown severity also falls back to the default."""

    code: str
    enabled: bool = True
    severity: str = ""
    section: str = ""
    blocking: bool = False

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            object.__setattr__(self, "severity", DEFAULT_SEVERITY.get(self.code, CHANGE))


@dataclass(frozen=True)
class ClientEntry:
    name: str
    aliases: tuple[str, ...] = ()
    may_be_named: bool = False
    until: dt.date | None = None  # consent lasts until this date, inclusive


# ---------------------------------------------------------------------------------------------
# Normalisation with a map back to the original offsets
# ---------------------------------------------------------------------------------------------

_ASCII_FOLD: dict[int, int | str] = {c: " " for c in range(128) if chr(c).isspace()}
_ASCII_FOLD.update({c: c + 32 for c in range(ord("A"), ord("Z") + 1)})
_SEGMENTS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]", re.S)
_CHAR_CACHE: dict[str, str] = {}
#: Letters without a Unicode decomposition that people write without their "accent".
_TRANSLITERATE = {"æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}


def _fold_char(char: str) -> str:
    """One character, casefolded and without diacritics (possibly empty or several chars)."""
    cached = _CHAR_CACHE.get(char)
    if cached is not None:
        return cached
    if char.isspace():
        folded = " "
    else:
        decomposed = unicodedata.normalize("NFKD", char)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        if folded and not folded.isascii():
            folded = "".join(
                " " if c.isspace() else c
                for c in unicodedata.normalize("NFKD", folded)
                if not unicodedata.combining(c)
            )
    if folded in _TRANSLITERATE:
        folded = _TRANSLITERATE[folded]
    if char.isalnum() and not folded.isalnum():  # "Ŀ" -> "l·": a letter stays a letter
        folded = "".join(c for c in folded if c.isalnum())
    if len(_CHAR_CACHE) < 50_000:
        _CHAR_CACHE[char] = folded
    return folded


@dataclass(frozen=True)
class _Folded:
    """A normalised text; ``starts``/``ends`` map each normalised char to its original span
    (``None`` when the mapping is the identity)."""

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _fold(text: str) -> _Folded:
    if text.isascii():
        return _Folded(text.translate(_ASCII_FOLD))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _SEGMENTS.finditer(text):
        a, b = match.span()
        segment = match.group()
        if b - a > 1 or segment.isascii():
            parts.append(segment.translate(_ASCII_FOLD))
            starts.extend(range(a, b))
            ends.extend(range(a + 1, b + 1))
            continue
        folded = _fold_char(segment)
        if not folded:  # a combining mark or an ignorable: belongs to the char before it
            if ends:
                ends[-1] = b
            continue
        parts.append(folded)
        starts.extend([a] * len(folded))
        ends.extend([b] * len(folded))
    return _Folded("".join(parts), starts, ends)


_SPACES = re.compile(r" +")


def fold_key(value: str) -> str:
    """The normalised form used for terms and client names: folded, spaces collapsed."""
    return _SPACES.sub(" ", _fold(value).text).strip()


# ---------------------------------------------------------------------------------------------
# Term and client indexes (Aho-Corasick, whole words)
# ---------------------------------------------------------------------------------------------


class _WordAutomaton:
    """Aho-Corasick over folded keys; ``payload`` per key. Matches are whole words: a match must
    not touch a letter or digit on either side ("Aurora" not in "Auroras", "@acme" not in
    "jan@acme.nl")."""

    __slots__ = ("_automaton", "size")

    def __init__(self, keyed: Mapping[str, Any]) -> None:
        self.size = len(keyed)
        self._automaton: Any = None
        if keyed:
            automaton = ahocorasick.Automaton()
            for key, payload in keyed.items():
                automaton.add_word(key, (len(key), payload))
            automaton.make_automaton()
            self._automaton = automaton

    def matches(self, folded: _Folded) -> list[tuple[int, int, Any]]:
        """Leftmost-longest non-overlapping whole-word matches, in original offsets."""
        if self._automaton is None or not folded.text:
            return []
        text = folded.text
        last = len(text)
        hits = []
        for end_index, (length, payload) in self._automaton.iter(text):
            start = end_index + 1 - length
            end = end_index + 1
            if start > 0 and text[start - 1].isalnum():
                continue
            if end < last and text[end].isalnum():
                continue
            hits.append((start, -end, payload))
        if not hits:
            return []
        hits.sort(key=lambda h: (h[0], h[1]))
        out = []
        taken_until = -1
        for start, neg_end, payload in hits:
            if start < taken_until:
                continue
            taken_until = -neg_end
            o_start, o_end = folded.span(start, -neg_end)
            out.append((o_start, o_end, payload))
        return out


class TermIndex:
    """Confidential terms; build once per organisation and cache (pickle-able)."""

    __slots__ = ("_words",)

    def __init__(self, words: _WordAutomaton) -> None:
        self._words = words

    @classmethod
    def build(cls, terms: Iterable[str]) -> TermIndex:
        keyed: dict[str, str] = {}
        for term in terms:
            if not isinstance(term, str):
                continue
            key = fold_key(term)
            if key and key not in keyed:
                keyed[key] = " ".join(term.split())
        return cls(_WordAutomaton(keyed))

    def __len__(self) -> int:
        return self._words.size

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, term)`` per whole-word match, offsets into ``text`` itself."""
        return self._find(_fold(text))

    def _find(self, folded: _Folded) -> list[tuple[int, int, str]]:
        return self._words.matches(folded)


class ClientIndex:
    """The client register (names and aliases); build once per organisation and cache."""

    __slots__ = ("_words", "clients")

    def __init__(self, words: _WordAutomaton, clients: tuple[ClientEntry, ...]) -> None:
        self._words = words
        self.clients = clients

    @classmethod
    def build(cls, clients: Iterable[ClientEntry]) -> ClientIndex:
        entries = tuple(c for c in clients if isinstance(c, ClientEntry))
        keyed: dict[str, list[int]] = {}
        for number, entry in enumerate(entries):
            names = (entry.name, *(entry.aliases or ()))
            for name in names:
                if not isinstance(name, str):
                    continue
                key = fold_key(name)
                if key:
                    bucket = keyed.setdefault(key, [])
                    if number not in bucket:
                        bucket.append(number)
        return cls(_WordAutomaton({k: tuple(v) for k, v in keyed.items()}), entries)

    def __len__(self) -> int:
        return len(self.clients)

    def find(self, text: str) -> list[tuple[int, int, ClientEntry]]:
        """``(start, end, entry)`` per whole-word match of a name or alias (one row per entry
        when several register entries share that name)."""
        return self._find(_fold(text))

    def _find(self, folded: _Folded) -> list[tuple[int, int, ClientEntry]]:
        return [
            (start, end, self.clients[number])
            for start, end, numbers in self._words.matches(folded)
            for number in numbers
        ]


def _empty_rules() -> Mapping[str, RuleConfig]:
    return MappingProxyType({})


@dataclass(frozen=True)
class CheckContext:
    language: str = "nl"
    rules: Mapping[str, RuleConfig] = field(default_factory=_empty_rules)
    terms: TermIndex | None = None
    clients: ClientIndex | None = None
    today: dt.date = field(default_factory=dt.date.today)
    now: dt.datetime | None = None
    shareable_from: dt.datetime | None = None
    shareable_until: dt.datetime | None = None
    moment_client_may_be_named: bool | None = None
    moment_client_name: str = ""
    quiet_periods: tuple[tuple[dt.datetime, dt.datetime, str], ...] = ()
    internal_hosts: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    own_hosts: tuple[str, ...] = ()
    max_hashtags: int = 5
    template_texts: tuple[str, ...] = ()
    colleague_texts: tuple[str, ...] = ()
    disclosure_required: bool = False
    disclosure_phrases: tuple[str, ...] = ()
    org_name: str = ""
    max_length: int = 3000


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def load_messages(language: str) -> Mapping[str, Any]:
    """The message catalogue of one language (``messages/<language>.yaml``)."""
    with (MESSAGES_DIR / f"{language}.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return MappingProxyType(data)


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _language(value: Any) -> str:
    code = str(value or "").strip().lower()[:2]
    return _LANGUAGE_ALIASES.get(code, "nl")


def _format_date(value: dt.date, catalogue: Mapping[str, Any]) -> str:
    months = catalogue["_months"]
    text = f"{value.day} {months[value.month - 1]} {value.year}"
    if isinstance(value, dt.datetime):
        text = catalogue["_at_time"].format(date=text, time=value.strftime("%H:%M"))
    return text


class _Spans:
    """Half-open spans merged into disjoint sorted ones, for "is this inside / does this overlap
    any of them" in O(log n). Scanning every span per word made long texts quadratic."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(s for s in spans if s[0] < s[1]):
            if self.ends and start < self.ends[-1]:  # overlaps the one before: one span
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends, strict=True))

    def contains(self, position: int) -> bool:
        """Some span has ``start <= position < end``."""
        i = bisect_right(self.starts, position) - 1
        return i >= 0 and position < self.ends[i]

    def overlaps(self, start: int, end: int) -> bool:
        """Some span has ``span_start < end and start < span_end``."""
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and start < self.ends[i]


# ---------------------------------------------------------------------------------------------
# Detectors: each returns raw hits (start, end, variant, params)
# ---------------------------------------------------------------------------------------------

Hit = tuple[int, int, str, dict[str, Any]]

_CURRENCY_BEFORE = re.compile(r"(?:[€$£¥]|\beur|\busd|\bgbp|\beuro)\s*[-~±]?\s*$", re.I)
_AMOUNT_AFTER = re.compile(
    r"^\s*(?:[€$£%‰]|,-|eur\b|euro|usd\b|dollar|mln|miljoen|miljard|million|billion|k\b|m\b)",
    re.I,
)


def _looks_like_amount(text: str, start: int, end: int) -> bool:
    return bool(
        _CURRENCY_BEFORE.search(text, max(0, start - 6), start)
        or _AMOUNT_AFTER.match(text[end : end + 12])
    )


# E-mail: found from each "@" outwards (linear, no backtracking over long words).
_EMAIL_DOMAIN = re.compile(r"[^\W_][\w-]{0,62}(?:\.[^\W_][\w-]{0,62})+")
_EMAIL_LOCAL_EXTRA = frozenset("._%+-'")


def _emails(text: str) -> list[tuple[int, int]]:
    out = []
    at = text.find("@")
    while at != -1:
        start = at
        while start > 0 and at - start < 64:
            char = text[start - 1]
            if char.isalnum() or char in _EMAIL_LOCAL_EXTRA:
                start -= 1
            else:
                break
        while start < at and text[start] in "._%+-'":
            start += 1
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        if start < at and domain:
            end = domain.end()
            while text[end - 1] in "-.":
                end -= 1
            tld = text[at + 1 : end].rsplit(".", 1)[-1]
            if len(tld) >= 2 and tld.isalpha():
                out.append((start, end))
                at = text.find("@", end)
                continue
        at = text.find("@", at + 1)
    return out


_IBAN_START = re.compile(r"(?<![^\W_])[A-Za-z]{2}\d{2}(?= ?[A-Za-z0-9])")


def _ibans(text: str) -> list[tuple[int, int]]:
    out = []
    n = len(text)
    for match in _IBAN_START.finditer(text):
        chars = [match.group()]
        length = 4
        i = match.end()
        while i < n and length <= 34:
            char = text[i]
            if char.isascii() and char.isalnum():
                chars.append(char)
                length += 1
                i += 1
                continue
            if char == " " and i + 1 < n and text[i + 1].isascii() and text[i + 1].isalnum():
                if length >= 15 and std_iban.is_valid("".join(chars)):
                    break
                i += 1
                continue
            break
        at_boundary = not (i < n and text[i].isalnum())
        if length >= 15 and at_boundary and std_iban.is_valid("".join(chars)):
            out.append((match.start(), i))
    return out


# Number-like runs: digits joined by single spaces, dots or hyphens, not glued to a number before.
_NUMBER_RUN = re.compile(r"(?<![\d.,])(?=[\d .\-]{9})\d+(?:[ .\-]\d+)*")
_BSN_SHAPE = re.compile(r"\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}([ .\-])\d{3}\1\d{3}|\d{4} \d{2} \d{3}")
_ELEVEN_SHAPE = re.compile(
    r"\d{11}|\d{2}\.\d{2}\.\d{2}[-. ]\d{3}[-.]\d{2}|\d{6}[- ]\d{3}[- ]?\d{2}|\d{2} \d{3} \d{3} \d{3}"
)
_CARD_SHAPE = re.compile(r"\d+(?:[ \-]\d+)*")
_DECIMAL_AFTER = re.compile(r"[.,]\d")
_ANY_DIGIT = re.compile(r"\d")


def _digits(value: str) -> str:
    return value.replace(" ", "").replace(".", "").replace("-", "")


def _number_runs(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, digits)`` for runs of 9 or more digits that are not the start of a decimal."""
    out = []
    for match in _NUMBER_RUN.finditer(text):
        start, end = match.span()
        if end - start < 9:
            continue
        digits = _digits(match.group())
        if len(digits) >= 9 and not _DECIMAL_AFTER.match(text, end):
            out.append((start, end, digits))
    return out


def _national_ids(
    text: str, runs: list[tuple[int, int, str]] | None = None
) -> list[tuple[int, int]]:
    out = []
    for start, end, digits in _number_runs(text) if runs is None else runs:
        size = len(digits)
        if size == 9:
            valid = _BSN_SHAPE.fullmatch(text, start, end) and nl_bsn.is_valid(digits)
        elif size == 11:
            valid = _ELEVEN_SHAPE.fullmatch(text, start, end) and (
                be_nn.is_valid(digits) or de_idnr.is_valid(digits)
            )
        else:
            continue
        if valid and not _looks_like_amount(text, start, end):
            out.append((start, end))
    return out


def _card_prefix_ok(digits: str) -> bool:
    n = len(digits)
    p2, p3, p4 = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":  # Visa
        return n in (13, 16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:  # Mastercard
        return n == 16
    if p2 in (34, 37):  # American Express
        return n == 15
    if p4 == 6011 or p2 == 65 or 644 <= p3 <= 649 or 3528 <= p4 <= 3589 or p2 == 62:
        return 16 <= n <= 19  # Discover, JCB, UnionPay
    if p2 in (36, 38, 39) or 300 <= p3 <= 305:  # Diners Club
        return 14 <= n <= 19
    if p2 == 50 or 56 <= p2 <= 69:  # Maestro
        return 12 <= n <= 19
    return False


def _cards(text: str, runs: list[tuple[int, int, str]] | None = None) -> list[tuple[int, int]]:
    out = []
    for start, end, digits in _number_runs(text) if runs is None else runs:
        if (
            13 <= len(digits) <= 19
            and _CARD_SHAPE.fullmatch(text, start, end)
            and _card_prefix_ok(digits)
            and luhn.is_valid(digits)
        ):
            out.append((start, end))
    return out


# Where a phone number may start: "+", "(" or a trunk/international "0", not inside another number
# or word. NL numbers without their leading 0 do not pass leniency VALID anyway.
_PHONE_START = re.compile(r"(?<![\w.,/\-+(])(?:\+\s?\d|\(\+?\d|0\d)")
_PHONE_EXTENT = re.compile(r"[+(]?\d[\d \u00a0\-().\/]*\d")


def _phones(text: str) -> list[tuple[int, int]]:
    """libphonenumber (region NL, leniency VALID), run only on short windows around stretches that
    can start a phone number and hold at least 7 digits."""
    windows: list[list[int]] = []
    n = len(text)
    position = 0
    for match in _PHONE_START.finditer(text):
        if match.start() < position:
            continue
        extent = _PHONE_EXTENT.match(text, match.start())
        if extent is None:
            continue
        position = extent.end()
        if sum(c.isdigit() for c in extent.group()) < 7:
            continue
        start = max(0, extent.start() - 12)
        floor = max(0, start - 40)
        while start > floor and not text[start - 1].isspace():
            start -= 1
        end = min(n, extent.end() + 12)
        ceiling = min(n, end + 40)
        while end < ceiling and not text[end].isspace():
            end += 1
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    out = set()
    for start, end in windows:
        for found in PhoneNumberMatcher(text[start:end], "NL", leniency=Leniency.VALID):
            out.add((start + found.start, start + found.end))
    return sorted(out)


# Links: with a scheme, starting with www., bare domains, IPv4 literals.
_LINK = re.compile(
    r"""(?<![\w@.\-/])(?:
        (?P<scheme>[a-z][a-z0-9+.\-]{0,15}://)[^\s<>"'`]+
      | (?P<www>www\d{0,3}\.[^\W_][^\s<>"'`]*)
      | (?P<ip>(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?:/[^\s<>"'`]*)?)(?![\w.])
      | (?P<bare>(?:[^\W_][\w\-]{0,62}\.)+(?P<tld>[^\W\d_]{2,63})\.?(?::\d{1,5})?(?![\w\-@])
           (?:/[^\s<>"'`]*)?)
    )""",
    re.I | re.X,
)
_TRAILING = ".,;:!?'\"»”’)]}>"
#: TLDs a bare "word.word" must end in to count as a link (so "Node.js" or "rapport.pdf" do not).
_BARE_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "edu",
        "gov",
        "int",
        "eu",
        "nl",
        "be",
        "de",
        "fr",
        "uk",
        "co",
        "io",
        "ai",
        "app",
        "dev",
        "tech",
        "cloud",
        "online",
        "site",
        "shop",
        "store",
        "blog",
        "news",
        "nu",
        "me",
        "tv",
        "us",
        "ca",
        "au",
        "ch",
        "at",
        "dk",
        "se",
        "no",
        "fi",
        "es",
        "it",
        "pt",
        "pl",
        "ie",
        "lu",
        "cz",
        "hu",
        "ro",
        "gr",
        "jp",
        "cn",
        "in",
        "br",
        "mx",
        "za",
        "nz",
        "sg",
        "hk",
        "ru",
        "ua",
        "tr",
        "il",
        "ae",
        "is",
        "ee",
        "lt",
        "lv",
        "si",
        "sk",
        "bg",
        "hr",
        "frl",
        "amsterdam",
        "brussels",
        "local",
        "internal",
        "corp",
        "lan",
        "intra",
        "intranet",
        "home",
        "localhost",
    ]
)


def _hosts_match(host: str, patterns: Iterable[str]) -> bool:
    for raw in patterns:
        pattern = str(raw).strip().lower().rstrip(".")
        if "://" in pattern:
            pattern = pattern.split("://", 1)[1]
        pattern = pattern.split("/", 1)[0]
        if not pattern:
            continue
        if pattern.startswith("*."):
            base = pattern[2:]
            if host == base or host.endswith("." + base):
                return True
        elif pattern.endswith(".*"):
            if host.startswith(pattern[:-1]):
                return True
        elif "*" in pattern or "?" in pattern or "[" in pattern:
            if fnmatch.fnmatchcase(host, pattern):
                return True
        elif host == pattern or host.endswith("." + pattern):
            return True
    return False


def _host_of(url: str, kind: str) -> str:
    rest = url.split("://", 1)[1] if kind == "scheme" else url
    rest = re.split(r"[/?#\\]", rest, maxsplit=1)[0]
    rest = rest.rsplit("@", 1)[-1]
    if rest.startswith("["):
        return rest[1:].split("]", 1)[0].lower()
    return rest.split(":", 1)[0].lower().rstrip(".")


def _is_internal_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def _links(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, host, kind)`` per link-like span, trailing punctuation trimmed."""
    out = []
    for match in _LINK.finditer(text):
        start, end = match.span()
        if text[end - 1] in _TRAILING:
            # Counted once and kept up to date: counting per trimmed ")" was quadratic.
            opens, closes = text.count("(", start, end), text.count(")", start, end)
            while end > start and text[end - 1] in _TRAILING:
                if text[end - 1] == ")":
                    if opens >= closes:
                        break
                    closes -= 1
                end -= 1
        kind = match.lastgroup or "bare"
        if kind == "tld":
            kind = "bare"
        url = text[start:end]
        host = _host_of(url, kind)
        if host:
            out.append((start, end, host, kind))
    return out


_HASHTAG = re.compile(r"(?<![\w#&/])#(?=\w*[^\W\d_])\w+")
_WORD = re.compile(r"[^\W\d_]+")
_CAPS_CANDIDATE = re.compile(r"(?<![^\W\d_])[^\W\d_a-z]{2,}(?![^\W\d_])")
_SHOUT_BREAK = re.compile(r"[,;/&|+#@\u2022]|\n\s*\n")


def _shouting(text: str, masked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of >= 4 all-caps words of >= 2 letters, or all-caps runs of >= 20 letters. One-letter
    capitals ("I", "A") are neutral; commas, slashes, hashtags, links and blank lines break a run,
    so acronym lists ("AI, ML, NLP, LLM") and single acronyms ("KPMG") are fine."""
    out = []
    run_start = run_end = -1
    words = letters = 0
    spans = _Spans(masked)
    for match in _CAPS_CANDIDATE.finditer(text):
        word = match.group()
        start, end = match.span()
        if not word.isupper() or (start > 0 and text[start - 1] in "#@"):
            continue
        if spans.contains(start):
            continue
        if run_start >= 0 and _run_continues(text, run_end, start):
            run_end = end
            words += 1
            letters += len(word)
            continue
        if words >= 4 or letters >= 20:
            out.append((run_start, run_end))
        run_start, run_end, words, letters = start, end, 1, len(word)
    if words >= 4 or letters >= 20:
        out.append((run_start, run_end))
    return out


def _run_continues(text: str, gap_start: int, gap_end: int) -> bool:
    if _SHOUT_BREAK.search(text, gap_start, gap_end):
        return False
    return all(
        len(w.group()) == 1 and w.group().isupper()
        for w in _WORD.finditer(text, gap_start, gap_end)
    )


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+|\n+")
_STRIP_MARKUP = re.compile(r"https?://\S+|www\.\S+|[#@]\w+")
_NON_WORD = re.compile(r"[\W_]+")


def _sentences(text: str) -> list[str]:
    """The text's sentences reduced for comparison: no links, hashtags or mentions, folded,
    words only (one fold for the whole text)."""
    parts = _SENTENCE_SPLIT.split(_STRIP_MARKUP.sub(" ", text))
    folded = _fold("\x00".join(parts)).text
    return [s for s in (_NON_WORD.sub(" ", part).strip() for part in folded.split("\x00")) if s]


@lru_cache(maxsize=256)
def _template_sentences(templates: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for template in templates:
        for sentence in _sentences(str(template)):
            seen.setdefault(sentence, None)
    return tuple(seen)


@lru_cache(maxsize=4096)
def _comparable(text: str) -> str:
    """A colleague's post reduced for comparison; cached per text, so a moment's list of shares
    that grows by one costs one new text."""
    return " ".join(_sentences(text))


def _colleague_comparables(texts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in (_comparable(t) for t in texts) if c)


#: Scores at or above which texts count as near-identical (rapidfuzz, 0-100).
SIMILAR_SCORE = 90
TEMPLATE_SCORE = 90
_MIN_OWN_WORDS = 3


@lru_cache(maxsize=64)
def _disclosure_words(extra: tuple[str, ...], org: str) -> _WordAutomaton:
    phrases = [*DISCLOSURE_PHRASES, *extra]
    if org:
        phrases += [f"{word} {org}" for word in ("bij", "voor", "at", "for", "with")]
        phrases += [f"@{org}", f"#werkenbij{org}", f"#workingat{org}"]
        compact = org.replace(" ", "")
        if compact != org:
            phrases += [f"@{compact}", f"#werkenbij{compact}", f"#workingat{compact}"]
    keyed = {fold_key(p): None for p in phrases}
    keyed.pop("", None)
    return _WordAutomaton(keyed)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


# ---------------------------------------------------------------------------------------------
# The check
# ---------------------------------------------------------------------------------------------

#: Among personal-data findings that overlap, the first in this order wins.
_PERSONAL_PRIORITY = (
    "personal_data.iban",
    "personal_data.card",
    "personal_data.national_id",
    "personal_data.email",
    "personal_data.phone",
)
_SEVERITY_RANK = {TIP: 0, CHANGE: 1}
#: Findings that mark a region rather than a piece of text that is wrong in itself.
_REGION_CODES = frozenset({"form.too_long"})


def _first_per_span(found: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Of ``(priority, start, end)`` hits taken in order (priority, then position), each one that
    overlaps none taken before it."""
    chosen: list[tuple[int, int, int]] = []
    taken = _Spans(())
    hits = sorted(found)
    for priority in sorted({hit[0] for hit in hits}):
        # Sorted by start: of this priority's hits only the last one taken can overlap; the more
        # specific ones taken before are one bisect away.
        mine: list[tuple[int, int]] = []
        for p, start, end in hits:
            if p != priority or (mine and start < mine[-1][1]) or taken.overlaps(start, end):
                continue
            mine.append((start, end))
            chosen.append((p, start, end))
        taken = _Spans([*taken.pairs(), *mine])
    return chosen


class _Run:
    def __init__(self, text: str, ctx: CheckContext, strict: bool) -> None:
        self.text = text
        self.ctx = ctx
        self.strict = strict
        self.language = _language(ctx.language)
        self.catalogue = load_messages(self.language)
        self.findings: list[Finding] = []
        self.failed = False  # a detector raised: what it looks for went unchecked
        self.bodies: dict[str, str] = {}
        self._folded: _Folded | None = None
        self._links: list[tuple[int, int, str, str]] | None = None
        self._sentences: list[str] | None = None
        rules = ctx.rules if isinstance(ctx.rules, Mapping) else {}
        self.rules: dict[str, RuleConfig] = {}
        for code in CODES:
            rule = rules.get(code)
            self.rules[code] = rule if isinstance(rule, RuleConfig) else RuleConfig(code)

    # helpers ---------------------------------------------------------------------------------
    @property
    def folded(self) -> _Folded:
        if self._folded is None:
            self._folded = _fold(self.text)
        return self._folded

    @property
    def sentences(self) -> list[str]:
        if self._sentences is None:
            self._sentences = _sentences(self.text)
        return self._sentences

    @property
    def links(self) -> list[tuple[int, int, str, str]]:
        if self._links is None:
            self._links = _links(self.text)
        return self._links

    def on(self, code: str) -> bool:
        return bool(self.rules[code].enabled)

    def add(self, code: str, start: int, end: int, variant: str = "", **params: Any) -> None:
        rule = self.rules[code]
        entry = self.catalogue.get(f"{code}.{variant}" if variant else code) or self.catalogue[code]
        frame = self.catalogue["_frame"]
        values = _Params({k: v for k, v in params.items() if v is not None})
        praise = entry.get("praise") or frame["praise"]
        body = entry["message"].format_map(values)
        message = f"{praise} {frame[rule.severity]} {body}"
        # Only the first finding opens with praise; later ones say "also" (see run()).
        self.bodies[message] = f"{frame[rule.severity + '_more']} {body}"
        suggestion = entry["suggestion"].format_map(values)
        self.findings.append(
            Finding(code, rule.severity, start, end, message, suggestion, str(rule.section or ""))
        )

    def date(self, value: dt.date) -> str:
        return _format_date(value, self.catalogue)

    def quote(self, start: int, end: int) -> str:
        return " ".join(self.text[start:end].split())

    # detectors -------------------------------------------------------------------------------
    def personal_data(self) -> None:
        text = self.text
        found: list[tuple[int, int, int]] = []  # (priority, start, end)
        has_digits = _ANY_DIGIT.search(text) is not None
        runs = self.guard(_number_runs, text) if has_digits else []
        detectors = (
            ("personal_data.iban", _ibans, has_digits and bool(_IBAN_START.search(text))),
            ("personal_data.card", lambda t: _cards(t, runs), bool(runs)),
            ("personal_data.national_id", lambda t: _national_ids(t, runs), bool(runs)),
            ("personal_data.email", _emails, "@" in text),
            ("personal_data.phone", _phones, has_digits),
        )
        for code, detector, worthwhile in detectors:
            if not worthwhile or not self.on(code):
                continue
            priority = _PERSONAL_PRIORITY.index(code)
            for start, end in self.guard(detector, text):
                found.append((priority, start, end))
        for priority, start, end in _first_per_span(found):
            self.add(_PERSONAL_PRIORITY[priority], start, end)

    def confidential(self) -> None:
        terms = self.ctx.terms
        if not isinstance(terms, TermIndex) or not len(terms):
            return
        for start, end, _term in terms._find(self.folded):
            self.add("confidential.term", start, end, term=self.quote(start, end))

    def clients(self) -> None:
        ctx = self.ctx
        today = _as_date(ctx.today) or dt.date.today()
        moment_key = fold_key(ctx.moment_client_name) if ctx.moment_client_name else ""
        flagged: set[tuple[int, int]] = set()
        index = ctx.clients
        if isinstance(index, ClientIndex) and len(index):
            by_span: dict[tuple[int, int], list[ClientEntry]] = {}
            for start, end, entry in index._find(self.folded):
                by_span.setdefault((start, end), []).append(entry)
            for (start, end), entries in by_span.items():
                for entry in entries:
                    is_moment_client = bool(moment_key) and moment_key in {
                        fold_key(n) for n in (entry.name, *entry.aliases) if isinstance(n, str)
                    }
                    if is_moment_client and ctx.moment_client_may_be_named is True:
                        continue
                    until = _as_date(entry.until)
                    refused = is_moment_client and ctx.moment_client_may_be_named is False
                    if refused or not entry.may_be_named:
                        variant = ""
                    elif until is not None and today > until:
                        variant = "expired"
                    else:
                        continue
                    params = {"client": entry.name}
                    if variant:
                        params["date"] = self.date(until) if until else ""
                    self.add("client.no_consent", start, end, variant, **params)
                    flagged.add((start, end))
                    break
        # The moment's own client, when the moment says it may not be named, even if the
        # register does not know it.
        if moment_key and ctx.moment_client_may_be_named is False:
            words = _WordAutomaton({moment_key: None})
            for start, end, _ in words.matches(self.folded):
                if (start, end) not in flagged:
                    self.add("client.no_consent", start, end, client=ctx.moment_client_name)

    def timing(self) -> None:
        ctx = self.ctx
        if not isinstance(ctx.now, dt.datetime):
            return
        now = _aware(ctx.now)
        if self.on("embargo"):
            begins, ends = ctx.shareable_from, ctx.shareable_until
            if isinstance(begins, dt.datetime) and now < _aware(begins):
                self.add("embargo", 0, 0, date=self.date(begins))
            elif isinstance(ends, dt.datetime) and now > _aware(ends):
                self.add("embargo", 0, 0, "expired", date=self.date(ends))
        if self.on("quiet_period"):
            for period in ctx.quiet_periods or ():
                try:
                    start, end, reason = period
                except (TypeError, ValueError):
                    continue
                if not (isinstance(start, dt.datetime) and isinstance(end, dt.datetime)):
                    continue
                if _aware(start) <= now < _aware(end):
                    reason = " ".join(str(reason or "").split())
                    self.add(
                        "quiet_period",
                        0,
                        0,
                        "" if reason else "no_reason",
                        reason=reason,
                        date=self.date(end),
                    )
                    break

    def link_rule(self) -> None:
        ctx = self.ctx
        internal = (*DEFAULT_INTERNAL_HOSTS, *(ctx.internal_hosts or ()))
        allowed = tuple(ctx.allowed_hosts or ())
        own = tuple(ctx.own_hosts or ())
        emails = _Spans(_emails(self.text) if "@" in self.text else ())
        for start, end, host, kind in self.links:
            if emails.overlaps(start, end):
                continue
            if own and _hosts_match(host, own):
                continue
            if (
                _is_internal_ip(host)
                or host == "localhost"
                or (kind == "scheme" and "." not in host and ":" not in host)
                or _hosts_match(host, internal)
            ):
                self.add("link.internal", start, end, host=host)
                continue
            if kind == "ip":
                continue
            if kind == "bare" and host.rsplit(".", 1)[-1] not in _BARE_TLDS:
                continue
            if allowed and not _hosts_match(host, allowed):
                self.add("link.internal", start, end, "not_allowed", host=host)

    def form(self) -> None:
        ctx, text = self.ctx, self.text
        try:
            limit = int(ctx.max_length)
        except (TypeError, ValueError):
            limit = 3000
        if self.on("form.too_long") and limit >= 0 and len(text) > limit:
            self.add(
                "form.too_long",
                limit,
                len(text),
                length=len(text),
                over=len(text) - limit,
                max=limit,
            )
        if self.on("form.hashtags") and "#" in text:
            link_spans = _Spans((a, b) for a, b, _, _ in self.links)
            tags = [m.span() for m in _HASHTAG.finditer(text) if not link_spans.contains(m.start())]
            try:
                most = max(0, int(ctx.max_hashtags))
            except (TypeError, ValueError):
                most = 5
            if len(tags) > most:
                self.add(
                    "form.hashtags",
                    tags[most][0],
                    tags[-1][1],
                    count=len(tags),
                    max=most,
                )
        if self.on("form.shouting"):
            masked = [(a, b) for a, b, _, _ in self.links]
            for start, end in _shouting(text, masked):
                self.add("form.shouting", start, end)

    def not_personal(self) -> None:
        templates = tuple(t for t in (self.ctx.template_texts or ()) if isinstance(t, str))
        if not templates:
            return
        template_sentences = _template_sentences(templates)
        if not template_sentences:
            return
        from_template = own = 0
        for sentence in self.sentences:
            hit = process.extractOne(
                sentence,
                template_sentences,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=TEMPLATE_SCORE,
            )
            if hit is not None:
                from_template += 1
            elif len(sentence.split()) >= _MIN_OWN_WORDS:
                own += 1
                break
        if from_template and not own:
            self.add("form.not_personal", 0, 0)

    def similar(self) -> None:
        texts = tuple(t for t in (self.ctx.colleague_texts or ()) if isinstance(t, str))
        if not texts:
            return
        mine = " ".join(self.sentences)
        if len(mine.split()) < _MIN_OWN_WORDS:
            return
        theirs = _colleague_comparables(texts)
        if not theirs:
            return
        close: Any = process.extractOne(
            mine, theirs, scorer=fuzz.ratio, processor=None, score_cutoff=SIMILAR_SCORE
        )
        if close is None:
            # Reordered or lightly edited: token_set_ratio, but only between texts of similar
            # length (a short colleague post inside a long one of your own is not a copy).
            size = len(mine)
            close = next(
                (
                    other
                    for other in theirs
                    if min(size, len(other)) / max(size, len(other)) >= 0.75
                    and fuzz.token_set_ratio(mine, other, score_cutoff=SIMILAR_SCORE)
                ),
                None,
            )
        if close is not None:
            self.add("similar.colleagues", 0, 0)

    def disclosure(self) -> None:
        ctx = self.ctx
        if not ctx.disclosure_required:
            return
        extra = tuple(str(p) for p in ctx.disclosure_phrases or () if p)
        org = " ".join(str(ctx.org_name or "").split())
        folded = _Folded(_SPACES.sub(" ", self.folded.text))
        if not _disclosure_words(extra, org).matches(folded):
            self.add("disclosure.missing", 0, 0, "" if org else "no_org", org=org)

    # orchestration ---------------------------------------------------------------------------
    def guard(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception:
            if self.strict:
                raise
            logger.exception("guideline check: %s failed; skipped", getattr(fn, "__name__", fn))
            self.failed = True
            return []

    def run(self) -> Verdict:
        text = self.text
        steps = [self.personal_data]
        if self.on("confidential.term"):
            steps.append(self.confidential)
        if self.on("client.no_consent"):
            steps.append(self.clients)
        steps.append(self.timing)
        if self.on("link.internal"):
            steps.append(self.link_rule)
        steps.append(self.form)
        if text.strip():
            if self.on("form.not_personal"):
                steps.append(self.not_personal)
            if self.on("similar.colleagues"):
                steps.append(self.similar)
            if self.on("disclosure.missing"):
                steps.append(self.disclosure)
        for step in steps:
            self.guard(step)
        findings = merge(self.findings)
        if not findings:
            return Verdict(UNCHECKED if self.failed else "go", ())
        findings = findings[:1] + tuple(
            dataclasses.replace(f, message=self.bodies.get(f.message, f.message))
            for f in findings[1:]
        )
        verdict = "change" if any(f.severity == CHANGE for f in findings) else "tips"
        return Verdict(UNCHECKED if self.failed else verdict, findings)


def _order(finding: Finding) -> tuple[int, str, int, str]:
    return (finding.start, finding.code, finding.end, finding.message)


def merge(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Same code and overlapping spans: one finding covering both. A finding inside the span of
    a more severe one: dropped (except inside ``form.too_long``, which only marks the part past the
    limit). Findings about the whole post (0, 0) are kept once per code."""
    by_code: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=_order):
        bucket = by_code.setdefault(finding.code, [])
        if bucket:
            last = bucket[-1]
            whole = finding.start == finding.end == 0 and last.start == last.end == 0
            if whole or (finding.start < last.end and last.start < finding.end):
                if finding.end > last.end:
                    bucket[-1] = Finding(
                        last.code,
                        last.severity,
                        last.start,
                        finding.end,
                        last.message,
                        last.suggestion,
                        last.section,
                    )
                continue
        bucket.append(finding)
    merged = [f for bucket in by_code.values() for f in bucket]
    # Per severity rank: the spans of more severe findings sorted by start, with the furthest end
    # reached so far. "Some more severe span contains this one" is then one bisect, instead of a
    # scan over all findings per finding (quadratic on long texts).
    containers = [
        (f.start, f.end, _SEVERITY_RANK.get(f.severity, 1))
        for f in merged
        if f.code not in _REGION_CODES and f.start < f.end
    ]
    severer: dict[int, tuple[list[int], list[int]]] = {}
    for rank in {_SEVERITY_RANK.get(f.severity, 1) for f in merged}:
        spans = sorted((a, b) for a, b, r in containers if r > rank)
        severer[rank] = ([a for a, _b in spans], list(accumulate((b for _a, b in spans), max)))
    kept = []
    for finding in merged:
        if finding.start == finding.end:
            kept.append(finding)
            continue
        starts, reach = severer[_SEVERITY_RANK.get(finding.severity, 1)]
        i = bisect_right(starts, finding.start) - 1
        if not (i >= 0 and reach[i] >= finding.end):
            kept.append(finding)
    return tuple(sorted(kept, key=_order))


def _check(text: str, ctx: CheckContext | None, strict: bool) -> Verdict:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not isinstance(ctx, CheckContext):
        ctx = CheckContext()
    return _Run(text, ctx, strict).run()


def check(text: str, ctx: CheckContext) -> Verdict:
    """Check ``text`` against the organisation's rules in ``ctx``. Pure and deterministic for a
    given context; never raises for a ``str``: if the check fails, the verdict is ``unchecked``."""
    try:
        return _check(text, ctx, strict=False)
    except Exception:  # last line of defence; detectors are guarded individually
        logger.exception("guideline check failed")
        return Verdict(UNCHECKED, ())  # fail closed: never "go" for a text nobody checked
