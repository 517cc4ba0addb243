"""Slack incoming webhooks (https://api.slack.com/messaging/webhooks)."""

from __future__ import annotations

import re
from typing import Any

from zichtbaar.nudges.channels.webhooks import post_json

# Formatting markers of Slack's mrkdwn; Slack has no escape for them, so a zero-width space
# on either side keeps a title's `*` or `_` from pairing up into bold, italic or code.
_MARKERS = re.compile(r"([*_~`])")


def escape(text: str) -> str:
    """User text for a mrkdwn field: never a mention, a link or formatting.

    Mentions (`<!channel>`, `<@U123>`) and links (`<https://x|text>`) all need `<`, so
    escaping `&`, `<` and `>` as Slack documents
    (https://api.slack.com/reference/surfaces/formatting#escaping) makes them plain text.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKERS.sub("\u200b\\1\u200b", text)


def payload(*, title: str, text: str, url: str, button: str) -> dict[str, Any]:
    title, text = escape(title), escape(text)
    return {
        "text": f"{title}: {url}",  # the notification and fallback text
        "blocks": [
            {
                "type": "section",
                # verbatim: no automatic links for bare addresses or channel names either
                "text": {"type": "mrkdwn", "text": f"*{title}*\n{text}", "verbatim": True},
            },
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": button}, "url": url}
                ],
            },
        ],
    }


def send(url: str, body: dict[str, Any]) -> None:
    post_json(url, body, "Slack")
