"""Microsoft Teams incoming webhooks (Workflows): a message with an Adaptive Card."""

from __future__ import annotations

from typing import Any

from zichtbaar.nudges.channels.webhooks import post_json


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
                        {"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
                        {"type": "TextBlock", "text": text, "wrap": True},
                    ],
                    "actions": [{"type": "Action.OpenUrl", "title": button, "url": url}],
                },
            }
        ],
    }


def send(url: str, body: dict[str, Any]) -> None:
    post_json(url, body, "Teams")
