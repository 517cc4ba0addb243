"""A person's voice, read from a few of their own LinkedIn posts. Pure: no Django, no network.

``voice_from_posts`` looks at one to three posts (the first three that have text; more are
ignored) and infers what the draft engine can follow (see ``suggestions.Voice``):

- ``length``: "short" when the median post is under ``SHORT_BELOW`` characters, "long" when it is
  over ``LONG_ABOVE``, else "" (as the templates are);
- ``emoji``: at least half of the posts use an emoji;
- ``question``: at least half of the posts end with a question (before their hashtags, links and
  sign-off);
- ``sign_off``: a last line that two or more posts share (at most ``SIGN_OFF_LIMIT`` characters).

A person's explicit choices go on top of this (the caller decides); nothing here is stored.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter

from zichtbaar.compose.suggestions import SIGN_OFF_LIMIT, Voice

__all__ = ["LONG_ABOVE", "MAX_POSTS", "SHORT_BELOW", "opener_words", "voice_from_posts"]

MAX_POSTS = 3
SHORT_BELOW = 400
LONG_ABOVE = 1300

# Pictographs, dingbats, symbols and flags; plus the few older symbols used as emoji.
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x1F1E6, 0x1F1FF),
)
_LINK = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_HASHTAG = re.compile(r"^#\w+$")
_TRAILING = " \t.,;:!…-–—)\"'’”"


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


def _has_emoji(text: str) -> bool:
    return any(_is_emoji(ch) for ch in text)


def _lines(post: str) -> list[str]:
    """The post's non-empty lines, tidied, without trailing hashtag-only and link-only lines."""
    text = unicodedata.normalize("NFC", post or "")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    while lines and all(_HASHTAG.match(w) or _LINK.match(w) for w in lines[-1].split()):
        lines.pop()
    return lines


def _without_emoji(line: str) -> str:
    return "".join(ch for ch in line if not _is_emoji(ch) and ch not in "\ufe0f\u200d").strip()


def _asks(line: str) -> bool:
    """The line ends with a question mark (emoji and closing punctuation after it aside)."""
    bare = _without_emoji(line).rstrip(" \t)\"'’”")
    return bare.endswith("?")


def _shared_last_line(posts: list[list[str]]) -> str:
    """A last line (short, with a letter) that at least two posts end with; "" if none."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for lines in posts:
        if len(lines) < 2:  # a one-line post is all message, no sign-off
            continue
        last = lines[-1]
        if len(last) > SIGN_OFF_LIMIT or not any(ch.isalpha() for ch in last) or _asks(last):
            continue
        key = last.casefold()
        counts[key] += 1
        first.setdefault(key, last)
    shared = [key for key, n in counts.most_common() if n >= 2]
    return first[shared[0]] if shared else ""


def voice_from_posts(posts: list[str]) -> Voice:
    """The style of one to three of the person's own posts (see the module docstring)."""
    texts = [str(post).strip() for post in posts or () if str(post or "").strip()][:MAX_POSTS]
    posts_lines = [_lines(text) for text in texts]
    kept = [(text, lines) for text, lines in zip(texts, posts_lines, strict=True) if lines]
    if not kept:
        return Voice()
    count = len(kept)
    median = statistics.median(len(text) for text, _ in kept)
    length = "short" if median < SHORT_BELOW else "long" if median > LONG_ABOVE else ""
    emoji = sum(_has_emoji(text) for text, _ in kept) * 2 >= count
    sign_off = _shared_last_line([lines for _, lines in kept])
    questions = 0
    for _, lines in kept:
        body = lines
        if sign_off and len(lines) > 1 and lines[-1].casefold() == sign_off.casefold():
            body = lines[:-1]
        questions += _asks(body[-1])
    return Voice(length=length, emoji=emoji, question=questions * 2 >= count, sign_off=sign_off)


def opener_words(posts: list[str]) -> tuple[str, ...]:
    """The first word of each post (lower-cased, without punctuation or emoji), e.g. to see
    whether a person tends to start the same way."""
    words = []
    for post in [str(p) for p in posts or () if str(p or "").strip()][:MAX_POSTS]:
        lines = _lines(post)
        if not lines:
            continue
        for word in _without_emoji(lines[0]).split():
            bare = word.strip(_TRAILING + "([\"'‘“").casefold()
            if any(ch.isalnum() for ch in bare):
                words.append(bare)
                break
    return tuple(words)
