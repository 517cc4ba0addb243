"""Microsoft Teams incoming webhooks (Workflows): a message with an Adaptive Card."""

from __future__ import annotations

import re
from typing import Any

from zichtbaar.nudges.channels.webhooks import post_json

# A TextBlock is Markdown (a CommonMark subset: bold, italic, lists, [links](url)); CommonMark
# lets a backslash make any ASCII punctuation literal. These are the characters that start
# emphasis, links, images, code, HTML-like tags such as <at>, headings and tables.
_INLINE = re.compile(r"([\\`*_~\[\](){}<>#!|])")
# A list only starts at the beginning of a line: "- x", "+ x", "1. x" ("1) x": see above).
_BULLET = re.compile(r"^(\s*)([-+])", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)\.", re.MULTILINE)  # ")" is escaped with the rest


def escape(text: str) -> str:
    """User text for a TextBlock: shown as written, never a link, mention or formatting."""
    text = _INLINE.sub(r"\\\1", text)
    text = _BULLET.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\.", text)


def payload(*, title: str, text: str, url: str, button: str) -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": escape(title),
                            "weight": "Bolder",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": escape(text), "wrap": True},
                    ],
                    "actions": [{"type": "Action.OpenUrl", "title": button, "url": url}],
                },
            }
        ],
    }


def send(url: str, body: dict[str, Any]) -> None:
    post_json(url, body, "Teams")
