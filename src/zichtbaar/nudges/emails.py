"""E-mail nudges are rendered by Jinja2 (see docs/decisions.md): a digest goes to every person
in an organisation, and Django's template engine took longer per digest than sending it.

The copy stays in Django's one message catalogue: templates call `_("...")`, which
`makemessages` extracts like any template string, and the few sentences with a plural are
made here with `ngettext`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined, select_autoescape


def environment(**options: Any) -> Environment:
    """The Jinja2 environment of the `jinja2` template engine (settings.TEMPLATES)."""
    # HTML is escaped, plain text and subjects are not; a missing variable is an error.
    options["autoescape"] = select_autoescape(["html"], default_for_string=True, default=False)
    options["undefined"] = StrictUndefined
    env = Environment(**options)  # noqa: S701 (autoescape is set just above, by file type)
    env.globals["_"] = gettext  # `render` passes the faster catalogue of the person's language
    env.filters["date"] = lambda value: formats.date_format(value, "j F Y")  # as the pages write it
    env.filters["datetime"] = lambda value: formats.date_format(
        timezone.localtime(value), "DATETIME_FORMAT"
    )
    return env


def digest_subject(count: int, is_test: bool = False) -> str:
    subject = ngettext("%(n)s moment worth sharing", "%(n)s moments worth sharing", count) % {
        "n": count
    }
    return f"[{gettext('Test')}] {subject}" if is_test else subject


def impact_line(shares: int, clicks: int, connections: int) -> str:
    """One line about my impact, in the digest."""
    if shares:
        # Two numbers, so two plurals; each half is a whole clause in both languages.
        shared = ngettext(
            "So far you shared %(shares)s post;", "So far you shared %(shares)s posts;", shares
        ) % {"shares": shares}
        clicked = ngettext(
            "your links were clicked %(clicks)s time.",
            "your links were clicked %(clicks)s times.",
            clicks,
        ) % {"clicks": clicks}
        return f"{shared} {clicked}"
    if connections:
        return gettext(
            "Your network: %(n)s people. One post of yours reaches people our company page "
            "never reaches."
        ) % {"n": connections}
    return gettext("One post of yours reaches people our company page never reaches.")


@functools.cache
def catalogue(language: str) -> Callable[[str], str]:
    """`gettext` for one language, remembered: a digest asks for the same two dozen sentences
    for every person, and Django's lookup of the active language is the slow part."""
    known: dict[str, str] = {}

    def translate(message: str) -> str:
        try:
            return known[message]
        except KeyError:
            with translation.override(language):
                known[message] = gettext(message)
            return known[message]

    return translate


def render(kind: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one e-mail nudge, in the person's language."""
    with translation.override(language):
        ctx = {**context, "lang": language, "_": catalogue(language)}
        digest = ctx.get("digest")
        if digest is not None:
            ctx["impact"] = impact_line(digest.shares, digest.clicks, digest.connections)
            subject = digest_subject(len(digest.items), ctx.get("is_test", False))
        else:
            subject = render_to_string(f"nudges/email/{kind}_subject.txt", ctx, using="jinja2")
        subject = " ".join(subject.split())
        ctx["subject"] = subject
        text = render_to_string(f"nudges/email/{kind}.txt", ctx, using="jinja2")
        html = render_to_string(f"nudges/email/{kind}.html", ctx, using="jinja2")
    return subject, text, html
