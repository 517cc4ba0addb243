"""HTTP POST of JSON to an incoming webhook (shared by Slack and Teams)."""

from __future__ import annotations

import email.utils
import json
import re
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


EXCERPT = 200  # characters of the other side's answer kept in a reason, at most
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")


def excerpt(raw: bytes | str, limit: int = EXCERPT) -> str:
    """A short, one-line excerpt of an answer: control characters out, at most `limit` long."""
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is handed back as an HTTPError instead of being followed.

    A webhook that redirects could send the request (and its answer, which ends up in the
    reason comms see) to an internal address; a real Slack or Teams webhook never redirects.
    """

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post_json(url: str, payload: dict[str, Any], service: str) -> str:
    """POST the JSON; returns a short excerpt of the answer. Raises `Permanent` or `Retry`."""
    if not url.startswith(("https://", "http://")):
        raise Permanent(f"{service}: not a web address")
    data = json.dumps(payload).encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return excerpt(response.read(EXCERPT * 2))
    except urllib.error.HTTPError as exc:
        with exc:
            if 300 <= exc.code < 400:
                # Neither the answer nor the Location: where it points is none of our business.
                raise Permanent(
                    f"{service}: the webhook address answered with a redirect ({exc.code}); "
                    "redirects are not followed. Copy the webhook address again from "
                    f"{service}."
                ) from None
            body = excerpt(exc.read(EXCERPT * 2))
        if exc.code == 429:
            raise Retry(
                f"{service}: too many requests (429)",
                retry_after=retry_after_seconds(exc.headers.get("Retry-After")),
            ) from exc
        if exc.code >= 500 or exc.code == 408:
            raise Retry(f"{service}: server error {exc.code}") from exc
        raise Permanent(f"{service}: {exc.code} {body}".strip()) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise Retry(f"{service}: not reachable ({excerpt(str(reason))})") from exc
