"""The filters identity providers send (RFC 7644 section 3.4.2.2), as far as Entra ID and Okta
use them: one comparison `attr eq "value"`, optionally joined by `and`; attr may be
`emails[type eq "work"].value`. Anything else is answered with scimType invalidFilter."""

from __future__ import annotations

import re

from zichtbaar.api.scim.errors import ScimError

_TERM = re.compile(
    r'\s*(?P<attr>[A-Za-z][\w.:$-]*(?:\[\s*type\s+eq\s+"(?P<type>[^"]*)"\s*\](?:\.value)?)?)'
    r'\s+(?P<op>eq|ne|co|sw|ew)\s+(?P<value>"(?:[^"\\]|\\.)*"|true|false|null)\s*',
    re.IGNORECASE,
)

Term = tuple[str, str, str | bool | None]  # (attribute, operator, value)


def parse(text: str) -> list[Term]:
    """The comparisons of a filter joined by `and`; raises ScimError(400, invalidFilter)."""
    terms: list[Term] = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _TERM.fullmatch(part)
        if not match:
            raise ScimError(
                400,
                "Only 'attribute eq \"value\"' filters (joined by 'and') are supported.",
                "invalidFilter",
            )
        attr = match["attr"]
        if match["type"] is not None:
            attr = re.sub(r"\[.*\]", "", attr)
            if not attr.endswith(".value"):
                attr += ".value"
        raw = match["value"]
        value: str | bool | None
        if raw.lower() == "true":
            value = True
        elif raw.lower() == "false":
            value = False
        elif raw.lower() == "null":
            value = None
        else:
            value = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        terms.append((attr.lower(), match["op"].lower(), value))
    return terms
