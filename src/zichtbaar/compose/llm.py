"""An optional language-model writer for drafts, behind the ``Writer`` seam of the suggestions.

Off by default. With ``ZICHTBAAR_LLM_BASE_URL`` set (an OpenAI-compatible endpoint such as
``http://127.0.0.1:8080/v1``) the settings make :class:`LanguageModelWriter` the writer that
``suggestions.get_writer()`` returns. It asks the model for drafts with distinct angles and:

- sends only the moment's facts (the client only when it may be named, personal data masked), the
  person's first name and role, their involvement, language, formality, voice, the moment's tags
  and the guideline's "yes, you may" summary; never anyone else's data;
- runs every draft through the guideline check before anyone sees it and drops a draft with a
  finding that has to change; missing angles are filled with the template drafts;
- keeps the engine's invariants itself: hashtags from the engine and the moment's tags, the link
  last, at most ``MAX_POST_LENGTH`` characters, the client never named unless allowed;
- falls back to the templates on any error within 5 seconds (connection refused, slow answer,
  429, 500, an answer that isn't the JSON asked for), logs a warning and never raises; after
  three failures in a row it leaves the model alone for a minute (a circuit breaker).

:func:`translate_moment` translates a moment's title and facts between Dutch and English through
the same endpoint. See docs/drafts.md, "The language-model writer".
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from zichtbaar.compose.suggestions import (
    MAX_HASHTAGS,
    MAX_POST_LENGTH,
    DraftContext,
    Suggestion,
    TemplateWriter,
    all_angles,
    angle_label,
    angles_for,
)
from zichtbaar.guideline.checker import (
    CHANGE,
    UNCHECKED,
    CheckContext,
    ClientEntry,
    ClientIndex,
)
from zichtbaar.guideline.checker import check as guideline_check

__all__ = [
    "DRAFT_TIMEOUT",
    "LanguageModelWriter",
    "default_check",
    "is_configured",
    "reset_breaker",
    "translate_moment",
]

logger = logging.getLogger(__name__)

#: The longest a page waits for the model's drafts (seconds), whatever the setting says.
DRAFT_TIMEOUT = 5.0
#: Translating a whole moment may take longer; it is a comms action, not a page of drafts.
TRANSLATE_TIMEOUT_CAP = 30.0
#: The circuit breaker: after this many failures in a row, skip the model for that many seconds.
BREAKER_FAILURES = 3
BREAKER_SECONDS = 60.0
#: An answer larger than this is not an answer to our question.
MAX_RESPONSE_BYTES = 512 * 1024

LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}
# What the prompt may carry, capped (the moment's own caps; what happened is long by nature).
_PROMPT_LIMITS = {
    "title": 160,
    "what_happened": 5000,
    "who": 300,
    "what": 300,
    "where": 200,
    "client": 80,
    "type": 60,
    "first_name": 60,
    "role": 80,
    "team": 60,
    "tag": 40,
    "voice": 200,
    "guideline": 2000,
}
_MAX_TAGS = 10
_MAX_TEAMS = 10
#: translate_moment: the fields it translates, with the longest value it returns for each.
TRANSLATE_FIELDS = {
    "title": 160,
    "what_happened": 5000,
    "facts_who": 300,
    "facts_what": 300,
    "facts_where": 200,
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HASHTAG = re.compile(r"(?<![\w#&/])#(\w+)")
_FENCED = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_LINK_PLACEHOLDER = re.compile(r"[\[{<(](?:link|url|LINK|URL)[\]}>)]")
_TRAILING_PUNCT = " .,;:!?…-–—"

Check = Callable[[str, DraftContext], Any]


class ModelError(Exception):
    """The model gave no usable answer (an error, a timeout, something that isn't JSON)."""


#: The longest sign-off the templates add (the engine's SIGN_OFF_LIMIT, where it has one).
SIGN_OFF_LIMIT = 80

# --------------------------------------------------------------------------------------------
# Configuration


@dataclass(frozen=True)
class _Config:
    base_url: str
    model: str
    api_key: str
    timeout: float


def _setting(name: str, default: Any) -> Any:
    try:
        from django.conf import settings

        return getattr(settings, name, default)
    except Exception:  # Django's settings are not importable here: the model stays off
        logger.debug("No Django settings for %s", name, exc_info=True)
        return default


@functools.lru_cache(maxsize=8)
def _api_key(path: str) -> str:
    """The key in the file at ``path``, read once per path; "" (and a warning) if unreadable."""
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        logger.warning("Could not read ZICHTBAAR_LLM_API_KEY_FILE (%s); no key sent", exc)
        return ""


def _config() -> _Config | None:
    base = str(_setting("ZICHTBAAR_LLM_BASE_URL", "") or "").strip().rstrip("/")
    if not base or urlsplit(base).scheme not in {"http", "https"}:
        return None
    key_file = str(_setting("ZICHTBAAR_LLM_API_KEY_FILE", "") or "").strip()
    try:
        timeout = float(_setting("ZICHTBAAR_LLM_TIMEOUT", DRAFT_TIMEOUT))
    except (TypeError, ValueError):
        timeout = DRAFT_TIMEOUT
    if not timeout > 0:  # also NaN
        timeout = DRAFT_TIMEOUT
    return _Config(
        base_url=base,
        model=str(_setting("ZICHTBAAR_LLM_MODEL", "") or "").strip(),
        api_key=_api_key(key_file) if key_file else "",
        timeout=timeout,
    )


def is_configured() -> bool:
    """True when a language model is set up (``ZICHTBAAR_LLM_BASE_URL``, http or https)."""
    return _config() is not None


# --------------------------------------------------------------------------------------------
# The circuit breaker


class _Breaker:
    """After ``BREAKER_FAILURES`` failures in a row the model is skipped for ``BREAKER_SECONDS``;
    then one request may try again (if it fails, the next minute is skipped too)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self.open_until = 0.0

    def allow(self) -> bool:
        with self._lock:
            if self.failures < BREAKER_FAILURES:
                return True
            now = self.clock()
            if now < self.open_until:
                return False
            # Half open: this request tries; the others wait for its outcome.
            self.open_until = now + DRAFT_TIMEOUT
            return True

    def success(self) -> None:
        with self._lock:
            self.failures = 0
            self.open_until = 0.0

    def failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= BREAKER_FAILURES:
                self.open_until = self.clock() + BREAKER_SECONDS


_BREAKER = _Breaker()


def reset_breaker(clock: Callable[[], float] | None = None) -> None:
    """Close the breaker (tests; an operator who fixed the endpoint can simply wait a minute)."""
    global _BREAKER
    _BREAKER = _Breaker(clock or time.monotonic)


# --------------------------------------------------------------------------------------------
# Talking to the model


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: urllib would repeat the request (and its key) elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def _post(cfg: _Config, payload: dict[str, Any], timeout: float) -> str:
    """POST the chat request and return the first choice's content, or raise ModelError."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if cfg.api_key:
        headers["Authorization"] = f"Bearer {cfg.api_key}"
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in _config()
        f"{cfg.base_url}/chat/completions",
        data=json.dumps(payload).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ModelError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ModelError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc
    if len(raw) > MAX_RESPONSE_BYTES:
        raise ModelError("answer too large")
    try:
        data = json.loads(raw.decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelError("not a chat completion") from exc
    if not isinstance(content, str) or not content.strip():
        raise ModelError("empty answer")
    return content


def _ask(cfg: _Config, payload: dict[str, Any], timeout: float) -> str:
    """``_post`` with a hard deadline: a server that trickles its answer can't hold us longer."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["content"] = _post(cfg, payload, timeout)
        except BaseException as exc:  # handed to the caller
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="zichtbaar-llm", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise ModelError(f"no answer within {timeout:g} s")
    if "error" in outcome:
        error = outcome["error"]
        raise error if isinstance(error, ModelError) else ModelError(repr(error))
    return str(outcome["content"])


def _chat(system: str, user: str, cfg: _Config, timeout: float, **options: Any) -> Any:
    """One exchange through the breaker; the parsed JSON of the answer, or ModelError."""
    if not _BREAKER.allow():
        raise ModelError("skipped: the model failed several times in a row")
    payload: dict[str, Any] = {
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        **options,
    }
    if cfg.model:
        payload["model"] = cfg.model
    try:
        parsed = _parse_json(_ask(cfg, payload, timeout))
    except ModelError:
        _BREAKER.failure()
        raise
    _BREAKER.success()
    return parsed


def _parse_json(content: str) -> Any:
    """The JSON in a model's answer: the whole answer, a fenced ```json block, or the outermost
    ``{...}`` in between prose."""
    candidates = [content.strip()]
    candidates += [block.strip() for block in _FENCED.findall(content)]
    start, end = content.find("{"), content.rfind("}")
    if 0 <= start < end:
        candidates.append(content[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise ModelError("the answer is not JSON")


# --------------------------------------------------------------------------------------------
# What the model gets


def _clean(text: Any, limit: int) -> str:
    value = _CONTROL.sub(" ", unicodedata.normalize("NFC", str(text or "")))
    value = "\n".join(" ".join(line.split()) for line in value.splitlines()).strip()
    value = re.sub(r"\n{3,}", "\n\n", value)
    return _truncate(value, limit)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit // 2:
        cut = cut[:space]
    cut = cut.rstrip(_TRAILING_PUNCT)
    return f"{cut}…" if cut else ""


@functools.lru_cache(maxsize=512)
def _masked(text: str, client: str, language: str) -> str:
    """The text without personal data (e-mail, phone, IBAN, national IDs, card numbers, as the
    check finds them) and, when ``client`` is given, without the client's name."""
    if not text:
        return text
    spans: list[tuple[int, int, str]] = []
    verdict = guideline_check(text, CheckContext(language=language))
    if verdict.verdict == UNCHECKED:  # fail closed: what wasn't looked at isn't sent
        raise ModelError("could not look for personal data in the facts")
    for finding in verdict.findings:
        if finding.code.startswith("personal_data.") and finding.end > finding.start:
            spans.append((finding.start, finding.end, "[…]"))
    if client:
        placeholder = "de klant" if language == "nl" else "the client"
        for start, end, _entry in ClientIndex.build([ClientEntry(name=client)]).find(text):
            spans.append((start, end, placeholder))
    out, pos = [], 0
    for start, end, replacement in sorted(spans):
        if start < pos:
            continue
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _plain(value: Any, limit: int) -> Any:
    """A voice setting as JSON: booleans and numbers as they are, anything else as short text."""
    if isinstance(value, bool | int | float):
        return value
    value = getattr(value, "value", value)  # an enum
    return _clean(value, limit)


def _voice(ctx: DraftContext) -> dict[str, Any]:
    voice = getattr(ctx, "voice", None)
    if voice is None:
        return {}
    out = {}
    for name in ("length", "emoji", "question", "sign_off"):
        value = getattr(voice, name, None)
        if value is not None and value != "":
            out[name] = _plain(value, _PROMPT_LIMITS["voice"])
    return out


def _strings(values: Any, limit: int, most: int) -> list[str]:
    if isinstance(values, str):
        values = (values,)
    out: list[str] = []
    for value in tuple(values or ())[:most]:
        text = _clean(value, limit)
        if text and text not in out:
            out.append(text)
    return out


def _language(value: str) -> str:
    """As the templates read it: "nl", "nl-BE" and "nl_NL" are Dutch; anything else English."""
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGE_NAMES else "en"


def _first_name(ctx: DraftContext) -> str:
    name = _clean(ctx.person_first_name, _PROMPT_LIMITS["first_name"])
    return "" if "@" in name else name  # the selectors fall back to the e-mail address


def draft_prompt(
    ctx: DraftContext, angles: list[str], body_limit: int, language: str
) -> tuple[str, str]:
    """The system and user messages for ``angles``: the rules, and the allowed data as JSON."""
    allowed_client = ctx.client_may_be_named and bool(ctx.client_name.strip())
    hidden = "" if allowed_client else ctx.client_name.strip()

    def fact(value: str, limit: str) -> str:
        return _masked(_clean(value, _PROMPT_LIMITS[limit]), hidden, language)

    moment: dict[str, Any] = {
        "type": _clean(ctx.moment_type, _PROMPT_LIMITS["type"]),
        "title": fact(ctx.title, "title"),
        "what_happened": fact(ctx.what_happened, "what_happened"),
        "who": fact(ctx.facts_who, "who"),
        "what": fact(ctx.facts_what, "what"),
        "where": fact(ctx.facts_where, "where"),
        "tags": _strings(getattr(ctx, "tags", ()), _PROMPT_LIMITS["tag"], _MAX_TAGS),
    }
    if allowed_client:
        moment["client"] = _clean(ctx.client_name, _PROMPT_LIMITS["client"])
    person: dict[str, Any] = {
        "first_name": _first_name(ctx),
        "role": _clean(ctx.job_title, _PROMPT_LIMITS["role"]),
    }
    involved = getattr(ctx, "involved", None)
    if involved is not None:
        person["involvement"] = "insider" if involved else "colleague"
        person["involved_teams"] = _strings(
            getattr(ctx, "involved_teams", ()), _PROMPT_LIMITS["team"], _MAX_TEAMS
        )
    data: dict[str, Any] = {
        "task": "drafts",
        "language": language,
        "formal": bool(ctx.formal),
        "count": len(angles),
        "angles": [{"angle": a, "label": angle_label(a, language)} for a in angles],
        "max_characters": body_limit,
        "moment": {k: v for k, v in moment.items() if v},
        "person": {k: v for k, v in person.items() if v not in ("", [], None)},
        "voice": _voice(ctx),
        "guideline": _clean(getattr(ctx, "guideline_summary", ""), _PROMPT_LIMITS["guideline"]),
    }
    data = {k: v for k, v in data.items() if v not in ("", {}, None)}
    return _system_prompt(language, bool(ctx.formal), involved), json.dumps(
        data, ensure_ascii=False, indent=1
    )


def _system_prompt(language: str, formal: bool, involved: bool | None) -> str:
    if language == "nl":
        tone = "Address readers as 'u' and 'uw'." if formal else "Address readers as 'je'."
    else:
        tone = "Use a formal tone without contractions." if formal else "Use a warm, plain tone."
    if involved is None:
        stance = ""
    elif involved:
        stance = "- They worked on this moment themselves: write from the inside ('we', 'I').\n"
    else:
        stance = (
            "- They did not work on it: they share what colleagues (the involved teams) did, "
            "proudly, without claiming the work.\n"
        )
    return (
        "You write draft LinkedIn posts for one employee about a moment at their work. "
        "The user message is JSON with the moment's facts, the employee (person), the angles to "
        "write, their voice and the organisation's guideline summary.\n"
        "Rules:\n"
        f"- Write in {LANGUAGE_NAMES[language]}. {tone}\n"
        "- Write as the employee, in the first person, like a person and not a press release.\n"
        f"{stance}"
        "- Exactly one draft per angle asked for; the drafts must be clearly different.\n"
        "- Use only the facts given. Do not invent names, numbers, quotes or results.\n"
        "- Name a client only if the moment has a 'client'. Never include personal data "
        "(e-mail addresses, phone numbers, bank or ID numbers).\n"
        "- No hashtags, no links and no sign-off: they are added afterwards.\n"
        "- Follow the voice (length, emoji, a question to the reader) and the guideline.\n"
        "- Each text at most max_characters characters.\n"
        'Answer with JSON only: {"drafts": [{"angle": "<angle key>", "text": "<the post>"}]}'
    )


# --------------------------------------------------------------------------------------------
# What the model answers


def _angle_key(value: Any, allowed: list[str], language: str) -> str:
    key = re.sub(r"[\s-]+", "_", str(value or "").strip().lower())
    if key in allowed:
        return key
    for angle in allowed:  # the model answered with the label
        if angle_label(angle, language).casefold() == str(value or "").strip().casefold():
            return angle
    return ""


def _drafts_of(answer: Any, allowed: list[str], language: str) -> list[tuple[str, str]]:
    """(angle, text) pairs from the model's JSON, distinct angles among ``allowed`` only."""
    items = answer.get("drafts") if isinstance(answer, dict) else answer
    if not isinstance(items, list):
        raise ModelError("no list of drafts")
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            continue
        angle = _angle_key(item.get("angle"), allowed, language)
        if angle and angle not in seen:
            seen.add(angle)
            out.append((angle, item["text"]))
    if not out:
        raise ModelError("no drafts with a known angle")
    return out


def _camel(tag: str) -> str:
    parts = [p for p in re.split(r"[\W_]+", unicodedata.normalize("NFC", tag or "")) if p]
    return "".join(p[0].upper() + p[1:] if len(p[0].upper()) == 1 else p for p in parts)


def _hashtags(ctx: DraftContext, engine: tuple[str, ...]) -> tuple[str, ...]:
    """The moment's tags first, then the engine's hashtags; at most MAX_HASHTAGS."""
    words = [_camel(str(t)) for t in getattr(ctx, "tags", ()) or ()]
    words += [h.lstrip("#") for h in engine]
    out: list[str] = []
    seen: set[str] = set()
    for word in words:
        if not word or len(word) > 40 or not any(c.isalpha() for c in word):
            continue
        if word.casefold() not in seen:
            seen.add(word.casefold())
            out.append(f"#{word}")
    return tuple(out[:MAX_HASHTAGS])


def _body(text: str, link: str, hashtags: tuple[str, ...], budget: int, sign_off: str = "") -> str:
    """The model's text as the post's body: no link, no hashtag lines, no sign-off of its own at
    the end, inline hashtags that are not ours as plain words, tidy paragraphs, within budget."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).replace("\t", " ")
    if link:
        text = text.replace(link, "")
    text = _LINK_PLACEHOLDER.sub("", text)
    ours = {h.casefold() for h in hashtags}
    lines = []
    for line in text.splitlines():
        if line.strip() and not _HASHTAG.sub("", line).strip(" .,;:!?·|-–—•"):
            continue  # a line of hashtags only
        line = _HASHTAG.sub(lambda m: m.group(0) if m.group(0).casefold() in ours else m[1], line)
        lines.append(" ".join(line.split()))
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _truncate(_without_sign_off(body, sign_off), budget)


def _sign_off(ctx: DraftContext) -> str:
    """The person's own last line (their voice's sign-off), one line, as the templates add it."""
    line = _clean(getattr(getattr(ctx, "voice", None), "sign_off", "") or "", 10_000)
    line = " ".join(line.split())
    return _truncate(line, SIGN_OFF_LIMIT) if any(c.isalnum() for c in line) else ""


def _without_sign_off(body: str, sign_off: str) -> str:
    """The body without a sign-off the model wrote itself at its end (it is added once, after)."""
    if not sign_off:
        return body
    key = sign_off.casefold().rstrip(_TRAILING_PUNCT)
    lines = body.rstrip().split("\n")
    if lines and lines[-1].strip().casefold().rstrip(_TRAILING_PUNCT) == key:
        lines.pop()
    return "\n".join(lines).rstrip()


def _names_client(text: str, client: str) -> bool:
    return bool(client.strip()) and bool(
        ClientIndex.build([ClientEntry(name=client.strip())]).find(text)
    )


def default_check(text: str, ctx: DraftContext) -> Any:
    """The pure guideline check without an organisation's lists: personal data (BSN, IBAN, card,
    e-mail, phone), the moment's client when it may not be named, internal links, length."""
    link_host = urlsplit(ctx.link.strip()).hostname or ""
    return guideline_check(
        text,
        CheckContext(
            language=ctx.language,
            moment_client_name=ctx.client_name.strip(),
            moment_client_may_be_named=ctx.client_may_be_named if ctx.client_name.strip() else None,
            own_hosts=(link_host,) if link_host else (),
            max_length=MAX_POST_LENGTH,
        ),
    )


def _passes(result: Any) -> bool:
    """A check's outcome: True, or a verdict that is neither "change" nor "unchecked" and has no
    blocking finding (a checker ``Verdict`` or a ``guideline.checking.CheckResult``)."""
    if isinstance(result, bool):
        return result
    if getattr(result, "blocking", False):
        return False
    return getattr(result, "verdict", UNCHECKED) not in {CHANGE, UNCHECKED}


# --------------------------------------------------------------------------------------------
# The writer


class LanguageModelWriter:
    """Drafts from a language model, checked, with the templates as the fallback for everything.

    ``check(text, ctx)`` decides whether a draft may be offered; it returns a bool, a checker
    ``Verdict`` or a ``CheckResult``. The default is :func:`default_check`.
    """

    def __init__(self, check: Check | None = None) -> None:
        self.check: Check = check or default_check
        self.templates = TemplateWriter()

    def suggest(self, ctx: DraftContext, count: int = 3) -> list[Suggestion]:
        if count <= 0:
            return []
        language = _language(ctx.language)
        known = all_angles(language)
        allowed = [a for a in ctx.angles if a in known] or angles_for(ctx.moment_type, language)
        # Every angle in the person's order: the first `count` are asked for, all fill gaps.
        templates = self.templates.suggest(ctx, max(count, len(allowed)))
        cfg = _config()
        if cfg is None:
            return templates[:count]
        try:
            offered = self._from_model(ctx, cfg, templates, allowed, count, language)
        except ModelError as exc:
            logger.warning("Language model unavailable (%s); drafts from the templates", exc)
            return templates[:count]
        except Exception:
            logger.warning("Language-model drafts failed; drafts from the templates", exc_info=True)
            return templates[:count]
        used = {s.angle for s in offered}
        for template in templates:
            if len(offered) >= count:
                break
            if template.angle not in used:
                offered.append(template)
                used.add(template.angle)
        # In the person's angle order, as the templates would have them.
        order = {s.angle: i for i, s in enumerate(templates)}
        return sorted(offered, key=lambda s: order.get(s.angle, len(order)))

    def _from_model(
        self,
        ctx: DraftContext,
        cfg: _Config,
        templates: list[Suggestion],
        allowed: list[str],
        count: int,
        language: str,
    ) -> list[Suggestion]:
        wanted = [s.angle for s in templates[:count]]
        hashtags = _hashtags(ctx, templates[0].hashtags if templates else ())
        link = "".join(ctx.link.split())
        sign_off = _sign_off(ctx)
        tail = "\n\n".join(part for part in (sign_off, " ".join(hashtags), link) if part)
        budget = MAX_POST_LENGTH - len(tail) - (2 if tail else 0)
        system, user = draft_prompt(ctx, wanted, budget, language)
        answer = _chat(
            system, user, cfg, min(cfg.timeout, DRAFT_TIMEOUT), temperature=0.7, max_tokens=3000
        )
        hidden = "" if ctx.client_may_be_named else ctx.client_name
        offered: list[Suggestion] = []
        for angle, raw in _drafts_of(answer, allowed, language):
            body = _body(raw, link, hashtags, budget, sign_off)
            if not any(c.isalnum() for c in body):
                continue
            text = "\n\n".join(part for part in (body, tail) if part)
            if _names_client(text, hidden):
                logger.warning("Dropped a model draft (%s): it names the client", angle)
                continue
            try:
                ok = _passes(self.check(text, ctx))
            except Exception:  # a check that fails keeps the draft back (fail closed)
                logger.warning("Checking a model draft failed; dropped", exc_info=True)
                ok = False
            if not ok:
                logger.warning("Dropped a model draft (%s): the check asks for a change", angle)
                continue
            offered.append(
                Suggestion(
                    angle=angle,
                    label=angle_label(angle, language),
                    text=text,
                    hashtags=hashtags,
                )
            )
            if len(offered) == count:
                break
        return offered


# --------------------------------------------------------------------------------------------
# Translating a moment


def translate_moment(fields: Mapping[str, str], source: str, target: str) -> dict[str, str] | None:
    """The moment's title, what_happened and facts (``TRANSLATE_FIELDS``, those present in
    ``fields``) translated from ``source`` to ``target`` ("nl" or "en"), with the same keys and
    capped lengths; None when no model is configured, the languages are wrong, or on any error."""
    cfg = _config()
    if cfg is None or source not in LANGUAGE_NAMES or target not in LANGUAGE_NAMES:
        return None
    if source == target:
        return None
    given = {
        key: _clean(fields[key], limit)
        for key, limit in TRANSLATE_FIELDS.items()
        if key in fields and isinstance(fields[key], str)
    }
    wanted = {key: value for key, value in given.items() if value}
    if not given:
        return None
    if not wanted:
        return dict(given)
    system = (
        f"Translate the values of the JSON object from {LANGUAGE_NAMES[source]} to "
        f"{LANGUAGE_NAMES[target]}. Keep names, numbers, URLs and line breaks as they are; "
        "translate, don't add or leave out anything. Answer with JSON only: the same keys, "
        "the translated values."
    )
    user = json.dumps(wanted, ensure_ascii=False, indent=1)
    timeout = min(cfg.timeout, TRANSLATE_TIMEOUT_CAP)
    try:
        answer = _chat(system, user, cfg, timeout, temperature=0, max_tokens=4000)
        if isinstance(answer, dict) and isinstance(answer.get("fields"), dict):
            answer = answer["fields"]
        if not isinstance(answer, dict):
            raise ModelError("not an object")
        out = {}
        for key, value in given.items():
            if not value:
                out[key] = ""
                continue
            translated = answer.get(key)
            if not isinstance(translated, str) or not translated.strip():
                raise ModelError(f"no translation of {key}")
            out[key] = _clean(translated, TRANSLATE_FIELDS[key])
        return out
    except ModelError as exc:
        logger.warning("Translating the moment failed (%s)", exc)
    except Exception:
        logger.warning("Translating the moment failed", exc_info=True)
    return None
