"""The one client for LinkedIn's OAuth 2.0 and REST APIs. Raises `Permanent` or `Retry`.

Base URLs, the `LinkedIn-Version` and the timeout are settings (ZICHTBAAR_LINKEDIN_*), so the
tests' fake LinkedIn can stand in. Redirects are never followed (an answer that redirects is
refused), and nothing is retried here: the outbox worker decides (worker.py).

The calls, as LinkedIn documents them (docs/linkedin.md has the sources):
- `authorization_url` / `exchange_code`: the authorization code flow at
  {OAUTH}/authorization and {OAUTH}/accessToken; self-serve apps get an access token of
  60 days (`expires_in`) and no refresh token;
- `userinfo`: GET {API}/v2/userinfo (OpenID Connect): `sub`, `name`, `email`;
- `create_post`: POST {API}/rest/posts; the new post's URN is the `x-restli-id` header;
- `initialize_image_upload` + `upload_image`: POST {API}/rest/images?action=initializeUpload,
  then PUT the bytes to the `uploadUrl`; the post names the image in `content.media.id`;
- `post_analytics`: GET {API}/rest/memberCreatorPostAnalytics (scope r_member_postAnalytics);
- `revoke`: POST {OAUTH}/revoke (best effort when a person disconnects).
"""

from __future__ import annotations

import email.utils
import http.client
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zichtbaar.sharing.linkedin import (
    ANALYTICS_SCOPE,
    SCOPES,
    Duplicate,
    LinkedInError,
    Permanent,
    Retry,
    Throttled,
    Unauthorized,
    VersionRetired,
)
from zichtbaar.sharing.linkedin import little as little_text

EXCERPT = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")
_POST_URN = re.compile(r"urn:li:(?:share|ugcPost):\d+")
METRICS = ("IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE")


def excerpt(raw: bytes | str, limit: int = EXCERPT) -> str:
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


# --- settings ------------------------------------------------------------------------------


def oauth_url() -> str:
    return str(settings.ZICHTBAAR_LINKEDIN_OAUTH_URL).rstrip("/")


def api_url() -> str:
    return str(settings.ZICHTBAAR_LINKEDIN_API_URL).rstrip("/")


def client_id() -> str:
    return str(settings.ZICHTBAAR_LINKEDIN_CLIENT_ID)


def client_secret() -> str:
    path = settings.ZICHTBAAR_LINKEDIN_CLIENT_SECRET_FILE
    if not path:
        raise ImproperlyConfigured("Set ZICHTBAAR_LINKEDIN_CLIENT_SECRET_FILE.")
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"ZICHTBAAR_LINKEDIN_CLIENT_SECRET_FILE cannot be read: {exc}"
        ) from exc


def redirect_url() -> str:
    return str(settings.ZICHTBAAR_LINKEDIN_REDIRECT_URL)


def scopes() -> tuple[str, ...]:
    if settings.ZICHTBAAR_LINKEDIN_ANALYTICS:
        return (*SCOPES, ANALYTICS_SCOPE)
    return SCOPES


# --- transport -----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise Retry(f"LinkedIn sent an answer that is not JSON ({self.status})") from exc


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    what: str,
) -> Answer:
    """One request; an answer of any status comes back, a broken connection is `Retry`."""
    if not url.startswith(("https://", "http://")):
        raise Permanent(f"LinkedIn {what}: not a web address")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=body, method=method, headers=headers or {}
    )
    try:
        with _opener.open(request, timeout=settings.ZICHTBAAR_LINKEDIN_TIMEOUT) as response:
            return Answer(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as exc:
        with exc:
            raw = exc.read(20_000)
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, raw)
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        text = excerpt(str(reason)) or type(reason).__name__
        raise Retry(f"LinkedIn {what}: no answer ({text})") from exc


def _error_code(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    details = data.get("errorDetails")
    if isinstance(details, dict):
        for item in details.get("inputErrors") or []:
            if isinstance(item, dict) and item.get("code"):
                return str(item["code"])
    return str(data.get("code") or data.get("error") or "")


def _fail(answer: Answer, what: str) -> LinkedInError:
    """The typed error for an answer that is not a success."""
    try:
        data = json.loads(answer.body) if answer.body else None
    except ValueError:
        data = None
    code = _error_code(data)
    message = ""
    if isinstance(data, dict):
        message = str(data.get("message") or data.get("error_description") or "")
    detail = excerpt(message or answer.body)
    status = answer.status
    if 300 <= status < 400:
        return Permanent(
            f"LinkedIn {what}: answered with a redirect ({status}); redirects are not followed",
            status=status,
        )
    if status == 401:
        return Unauthorized(
            f"LinkedIn {what}: the connection is no longer valid (401 {code})".strip(),
            status=401,
            code=code,
        )
    if status == 426 or code == "NONEXISTENT_VERSION":
        return VersionRetired(
            f"LinkedIn {what}: API version {settings.ZICHTBAAR_LINKEDIN_VERSION} is retired "
            f"(426 {code}); the operator must set ZICHTBAAR_LINKEDIN_VERSION to a current one",
            status=status,
            code=code or "NONEXISTENT_VERSION",
        )
    if status == 422 and code == "DUPLICATE_POST":
        found = _POST_URN.search(message)
        return Duplicate(
            f"LinkedIn {what}: LinkedIn already has this exact post",
            urn=found.group() if found else "",
        )
    if status == 429:
        return Throttled(
            f"LinkedIn {what}: too many requests (429)",
            status=429,
            code=code,
            retry_after=retry_after_seconds(answer.headers.get("retry-after")),
        )
    if status >= 500 or status == 408:
        return Retry(
            f"LinkedIn {what}: server error {status}",
            status=status,
            code=code,
            retry_after=retry_after_seconds(answer.headers.get("retry-after")),
        )
    return Permanent(f"LinkedIn {what}: {status} {code} {detail}".strip(), status=status, code=code)


def _rest_headers(access_token: str, *, json_body: bool = False) -> dict[str, str]:
    headers = {
        "Authorization": f"Bearer {access_token}",
        "LinkedIn-Version": str(settings.ZICHTBAAR_LINKEDIN_VERSION),
        "X-Restli-Protocol-Version": "2.0.0",
    }
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


# --- OAuth ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_in: int  # seconds
    scopes: tuple[str, ...]


def authorization_url(state: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id(),
            "redirect_uri": redirect_url(),
            "state": state,
            "scope": " ".join(scopes()),
        },
        quote_via=quote,
    )
    return f"{oauth_url()}/authorization?{query}"


def exchange_code(code: str) -> Token:
    body = urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_url(),
            "client_id": client_id(),
            "client_secret": client_secret(),
        }
    ).encode()
    answer = _request(
        "POST",
        f"{oauth_url()}/accessToken",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body,
        what="sign-in",
    )
    if answer.status != 200:
        error = _fail(answer, "sign-in")
        if isinstance(error, Unauthorized):  # a code that expired or was used: start again
            raise Permanent(error.reason, status=401, code=error.code)
        raise error
    data = answer.json()
    if not isinstance(data, dict) or not data.get("access_token"):
        raise Permanent("LinkedIn sign-in: no access token in the answer")
    try:
        expires_in = int(data.get("expires_in") or 0)
    except (TypeError, ValueError):
        expires_in = 0
    granted = re.split(r"[\s,]+", str(data.get("scope") or "").strip())
    return Token(str(data["access_token"]), expires_in, tuple(s for s in granted if s))


def revoke(access_token: str) -> None:
    """Tell LinkedIn to forget the token (best effort; raises like every call)."""
    body = urlencode(
        {"token": access_token, "client_id": client_id(), "client_secret": client_secret()}
    ).encode()
    answer = _request(
        "POST",
        f"{oauth_url()}/revoke",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body,
        what="disconnect",
    )
    if answer.status >= 300:
        raise _fail(answer, "disconnect")


@dataclass(frozen=True)
class Member:
    sub: str
    name: str
    email: str


def userinfo(access_token: str) -> Member:
    answer = _request(
        "GET",
        f"{api_url()}/v2/userinfo",
        headers={"Authorization": f"Bearer {access_token}"},
        what="profile",
    )
    if answer.status != 200:
        raise _fail(answer, "profile")
    data = answer.json()
    if not isinstance(data, dict) or not data.get("sub"):
        raise Permanent("LinkedIn profile: no member id (sub) in the answer")
    return Member(str(data["sub"]), str(data.get("name") or ""), str(data.get("email") or ""))


# --- posts ---------------------------------------------------------------------------------


def person_urn(sub: str) -> str:
    return f"urn:li:person:{sub}"


def post_body(*, sub: str, text: str, image_urn: str = "") -> dict[str, Any]:
    """The JSON of a public post by this member: the text as little text (`little.py`)."""
    body: dict[str, Any] = {
        "author": person_urn(sub),
        "commentary": little_text.commentary(text),
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    if image_urn:
        body["content"] = {"media": {"id": image_urn}}
    return body


def create_post(access_token: str, *, sub: str, text: str, image_urn: str = "") -> str:
    """Publish the post; returns its URN (`x-restli-id`)."""
    body = post_body(sub=sub, text=text, image_urn=image_urn)
    answer = _request(
        "POST",
        f"{api_url()}/rest/posts",
        headers=_rest_headers(access_token, json_body=True),
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        what="post",
    )
    if answer.status not in (200, 201):
        raise _fail(answer, "post")
    urn = answer.headers.get("x-restli-id", "").strip()
    if not urn:
        # Published, but LinkedIn did not say where: the share is recorded without a link.
        return ""
    return urn


@dataclass(frozen=True)
class Upload:
    upload_url: str
    image_urn: str


def initialize_image_upload(access_token: str, *, sub: str) -> Upload:
    body = {"initializeUploadRequest": {"owner": person_urn(sub)}}
    answer = _request(
        "POST",
        f"{api_url()}/rest/images?action=initializeUpload",
        headers=_rest_headers(access_token, json_body=True),
        body=json.dumps(body).encode(),
        what="image",
    )
    if answer.status != 200:
        raise _fail(answer, "image")
    data = answer.json()
    value = data.get("value") if isinstance(data, dict) else None
    if not isinstance(value, dict) or not value.get("uploadUrl") or not value.get("image"):
        raise Retry("LinkedIn image: no upload address in the answer")
    return Upload(str(value["uploadUrl"]), str(value["image"]))


def _upload_host_allowed(url: str) -> bool:
    """The PUT carries the access token: only to LinkedIn (or the configured API host)."""
    parts = urlsplit(url)
    api = urlsplit(api_url())
    if (parts.scheme, parts.netloc) == (api.scheme, api.netloc):
        return True
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and (host == "linkedin.com" or host.endswith(".linkedin.com"))


def upload_image(access_token: str, upload: Upload, data: bytes, content_type: str) -> None:
    if not _upload_host_allowed(upload.upload_url):
        raise Permanent("LinkedIn image: the upload address is not LinkedIn's; not sent")
    answer = _request(
        "PUT",
        upload.upload_url,
        headers={"Authorization": f"Bearer {access_token}", "Content-Type": content_type},
        body=data,
        what="image upload",
    )
    if answer.status not in (200, 201):
        raise _fail(answer, "image upload")


# --- analytics -----------------------------------------------------------------------------


def _analytics_entity(urn: str) -> str:
    kind = "ugc" if ":ugcPost:" in urn else "share"
    return f"({kind}:{quote(urn, safe='')})"


def post_analytics(access_token: str, urn: str) -> dict[str, int]:
    """Lifetime totals of one post: IMPRESSION, MEMBERS_REACHED, REACTION, COMMENT, RESHARE.

    Only for apps LinkedIn approved for r_member_postAnalytics (settings
    ZICHTBAAR_LINKEDIN_ANALYTICS); without it LinkedIn answers 403 (a `Permanent`).
    """
    totals: dict[str, int] = {}
    for metric in METRICS:
        # Rest.li 2.0 wants the entity's parentheses and colons as they are: no urlencode().
        query = f"q=entity&entity={_analytics_entity(urn)}&queryType={metric}&aggregation=TOTAL"
        answer = _request(
            "GET",
            f"{api_url()}/rest/memberCreatorPostAnalytics?{query}",
            headers=_rest_headers(access_token),
            what="post analytics",
        )
        if answer.status != 200:
            raise _fail(answer, "post analytics")
        data = answer.json()
        elements = data.get("elements") if isinstance(data, dict) else None
        count = 0
        if isinstance(elements, list) and elements and isinstance(elements[0], dict):
            try:
                count = int(elements[0].get("count") or 0)
            except (TypeError, ValueError):
                count = 0
        totals[metric] = count
    return totals
