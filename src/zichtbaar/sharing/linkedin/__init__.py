"""Direct posting to LinkedIn for people who connect their account (docs/linkedin.md).

One client for LinkedIn (`client.py`), its little-text escaping (`little.py`), access tokens
encrypted at rest (`tokens.py`), the outbox worker (`worker.py`) and the connect pages
(`views.py`). Every call raises `Permanent` or `Retry`, like the nudges channels (which this
app may not import: it sits below them), so the worker knows whether trying again can help.
"""

from __future__ import annotations

from django.conf import settings

# Self-serve products "Sign In with LinkedIn using OpenID Connect" and "Share on LinkedIn".
SCOPES = ("openid", "profile", "email", "w_member_social")
# Only when LinkedIn approved the app for the Member Post Analytics API.
ANALYTICS_SCOPE = "r_member_postAnalytics"


class LinkedInError(Exception):
    """A call to LinkedIn did not do what was asked; `reason` is readable for the person."""

    def __init__(self, reason: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.code = code


class Permanent(LinkedInError):
    """Trying again will not help (a refused post, a retired API version, a bad request)."""


class Retry(LinkedInError):
    """Temporary: try again later; `retry_after` (seconds) when LinkedIn said when."""

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        code: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason, status=status, code=code)
        self.retry_after = retry_after


class Throttled(Retry):
    """429: LinkedIn's rate limit; not the post's fault, so it is not counted as an attempt."""


class Unauthorized(Permanent):
    """401: the access token expired or the person revoked it at LinkedIn; reconnecting
    helps, trying again with this token does not."""


class Duplicate(Permanent):
    """422 DUPLICATE_POST: LinkedIn already has this exact post by this member. `urn` is the
    existing post when LinkedIn named it. After an attempt that may have reached LinkedIn
    (a timeout, a worker that died) this means our post went out."""

    def __init__(self, reason: str, *, urn: str = "") -> None:
        super().__init__(reason, status=422, code="DUPLICATE_POST")
        self.urn = urn


class VersionRetired(Permanent):
    """426 NONEXISTENT_VERSION: the LinkedIn-Version setting names a retired version."""


def configured() -> bool:
    """The LinkedIn app is set up (client id, secret file, redirect URL, token keys);
    without it every LinkedIn page and control is hidden."""
    return bool(
        settings.ZICHTBAAR_LINKEDIN_CLIENT_ID
        and settings.ZICHTBAAR_LINKEDIN_CLIENT_SECRET_FILE
        and settings.ZICHTBAAR_LINKEDIN_REDIRECT_URL
        and settings.ZICHTBAAR_LINKEDIN_TOKEN_KEYS
    )


def post_url(urn: str) -> str:
    """The public address of a post by its URN."""
    return f"https://www.linkedin.com/feed/update/{urn}/"
