"""LinkedIn's "little" text format for a post's `commentary`.

LinkedIn parses `commentary` as little text: `@[name](urn)` is a mention, `{hashtag|\\#|tag}`
a hashtag, and the characters `\\ | { } @ [ ] ( ) < > # * _ ~` are reserved. A reserved
character that is not backslash-escaped makes LinkedIn cut the post off there, silently (the
API still answers 201). LinkedIn's documentation: "All reserved characters need to be escaped
with a backslash, even if those characters are not used in one of the supported elements or
templates", and a hashtag is written with its HashtagTemplate.

What we send (docs/linkedin.md, "Text"):
- every reserved character escaped, everywhere (inside web addresses too: the grammar knows no
  addresses; LinkedIn links them after parsing, in the unescaped text);
- a `#word` the person wrote stays a hashtag, as the documented template
  `{hashtag|\\#|word}`: `#` at the start or after a character that is not a letter, digit,
  `_` or `#`, followed by letters and digits (Unicode: `#Eindhoven`, `#café`), at least one
  of them a letter. `#1`, `C#`, `##` and a `#` inside a web address (`/page#top`) stay text;
- no mentions: `@name` is always plain text (a mention needs the other member's URN, and
  nobody is tagged by Zichtbaar without choosing it).
"""

from __future__ import annotations

import re

RESERVED = frozenset("\\|{}@[]()<>#*_~")
_RESERVED_RE = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_HASHTAG = re.compile(r"(?<![\w#])#([^\W_]+)")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def escape(text: str) -> str:
    """Every reserved character backslash-escaped: the text appears exactly as written."""
    return _RESERVED_RE.sub(r"\\\1", text)


def hashtag(tag: str) -> str:
    """The HashtagTemplate for one tag (letters and digits only)."""
    return "{hashtag|\\#|" + tag + "}"


def commentary(text: str) -> str:
    """The person's text as little text: shown exactly as written, hashtags as hashtags."""
    urls = [m.span() for m in _URL.finditer(text)]

    def in_url(at: int) -> bool:
        return any(start <= at < end for start, end in urls)

    out: list[str] = []
    pos = 0
    for match in _HASHTAG.finditer(text):
        tag = match.group(1)
        if not any(ch.isalpha() for ch in tag) or in_url(match.start()):
            continue
        out.append(escape(text[pos : match.start()]))
        out.append(hashtag(tag))
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


_TEMPLATE = re.compile(r"\{hashtag\|\\?[#\uff03]\|([^{}|\\]*)\}")


def render(little: str) -> tuple[str, bool]:
    """What LinkedIn shows for little text: escapes undone, hashtag templates as `#tag`.

    Returns (text, complete); `complete` is False when an unescaped reserved character cut
    it off, the way LinkedIn does. Used by the tests' fake LinkedIn and to check our own
    output before it leaves (`worker`): a post is never sent if it would be cut.
    """
    out: list[str] = []
    i = 0
    n = len(little)
    while i < n:
        ch = little[i]
        if ch == "\\":
            if i + 1 < n and little[i + 1] in RESERVED:
                out.append(little[i + 1])
                i += 2
                continue
            return "".join(out), False
        if ch == "{":
            match = _TEMPLATE.match(little, i)
            if match is None:
                return "".join(out), False
            out.append("#" + match.group(1))
            i = match.end()
            continue
        if ch in RESERVED:
            return "".join(out), False
        out.append(ch)
        i += 1
    return "".join(out), True
