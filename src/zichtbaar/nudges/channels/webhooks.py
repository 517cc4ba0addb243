"""HTTP POST of JSON to an incoming webhook (shared by Slack and Teams)."""

from __future__ import annotations

import email.utils
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

from zichtbaar.nudges.channels import Permanent, Retry

TIMEOUT = 10


def retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` is either seconds or an HTTP date (RFC 9110, 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def post_json(url: str, payload: dict[str, Any], service: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise Permanent(f"{service}: not a web address")
    data = json.dumps(payload).encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read(2000).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        body = exc.read(300).decode(errors="replace")
        if exc.code == 429:
            raise Retry(
                f"{service}: too many requests (429)",
                retry_after=retry_after_seconds(exc.headers.get("Retry-After")),
            ) from exc
        if exc.code >= 500 or exc.code == 408:
            raise Retry(f"{service}: server error {exc.code}") from exc
        raise Permanent(f"{service}: {exc.code} {body}".strip()) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise Retry(f"{service}: not reachable ({exc})") from exc
