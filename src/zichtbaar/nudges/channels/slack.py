"""Slack incoming webhooks (https://api.slack.com/messaging/webhooks)."""

from __future__ import annotations

from typing import Any

from zichtbaar.nudges.channels.webhooks import post_json


def payload(*, title: str, text: str, url: str, button: str) -> dict[str, Any]:
    return {
        "text": f"{title}: {url}",  # the notification and fallback text
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n{text}"}},
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
