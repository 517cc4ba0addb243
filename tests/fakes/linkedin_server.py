"""A fake LinkedIn on 127.0.0.1 (OAuth 2.0 and the REST API), following LinkedIn's documented
contract, for the direct-posting tests (docs/linkedin.md).

    with FakeLinkedIn() as li:          # a threaded http.server on a free port
        li.oauth_url, li.api_url        # what ZICHTBAAR_LINKEDIN_OAUTH_URL / _API_URL become
        li.issue_token("member-1")      # a valid access token for a member (or go through OAuth)
        li.fault("posts", "429", "accept_then_timeout")   # the next answers of an endpoint
        li.posts                        # every published post: urn, author, commentary, text
        li.requests                     # every request: method, path, query, headers, body

What it checks, as LinkedIn does:
- /oauth/v2/authorization: response_type=code, the client id, a redirect_uri and a state; it
  consents at once and redirects back with `code` and `state` (or `error=` when
  `authorize_error` is set). /oauth/v2/accessToken: the code (once, same redirect_uri), the
  client id and secret; answers an access token of 60 days, no refresh token.
  /oauth/v2/revoke: forgets a token.
- /v2/userinfo: `sub`, `name`, `email` for a valid bearer token, else 401.
- Sign In with LinkedIn using OpenID Connect: /oauth/.well-known/openid-configuration (the
  documented discovery document: issuer `<base>/oauth`, client_secret_post only),
  /oauth/openid/jwks (the RS256 key), and an `id_token` from the token endpoint when the grant
  had the `openid` scope, signed with that key (iss, aud = the client id, sub, email,
  email_verified, name, iat, exp).
- /rest/*: `LinkedIn-Version` (426 NONEXISTENT_VERSION for one not in `versions`),
  `X-Restli-Protocol-Version: 2.0.0`, a valid bearer token (401 when unknown, expired or
  revoked), the scope w_member_social (posts, images) or r_member_postAnalytics (analytics).
- POST /rest/posts: the documented body (author = the token's member, PUBLIC, MAIN_FEED,
  PUBLISHED, ...); `commentary` is read as little text with its own parser below (not the
  product's): escapes undone, `{hashtag|\\#|tag}` shown as `#tag`, and an unescaped reserved
  character cuts the text there, silently, as LinkedIn does (`complete` False). An identical
  post by the same member answers 422 DUPLICATE_POST naming the first one; else 201 with the
  new URN in `x-restli-id`.
- POST /rest/images?action=initializeUpload, then PUT /upload/<id> with the bytes.
- GET /rest/memberCreatorPostAnalytics?q=entity&entity=(share:<urn>)&queryType=...: counts
  from `analytics[urn]`.

Faults (one per request to that endpoint, in order; `default_faults` afterwards):
``429`` (with ``Retry-After: retry_after``), ``500``, ``503``, ``timeout`` (answers after
``slow_seconds``, beyond the client's timeout, without doing anything), ``drop`` (closes the
connection without an answer), ``accept_then_timeout`` / ``accept_then_drop`` (does the work,
e.g. publishes the post, and then times out or drops the connection), ``401``.
Endpoints: ``token``, ``userinfo``, ``posts``, ``images``, ``upload``, ``analytics``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

SCOPES = ("openid", "profile", "email", "w_member_social")
RESERVED = set("\\|{}@[]()<>#*_~")
MAX_COMMENTARY = 3000
TOKEN_SECONDS = 60 * 24 * 3600  # 60 days


def read_little(commentary: str) -> tuple[str, bool]:
    """What LinkedIn shows for `commentary`, and whether all of it is shown.

    An independent reading of the documented grammar: `\\x` is the reserved character x; the
    HashtagTemplate `{hashtag|\\#|tag}` (or with `#`, `＃`) is `#tag`; an unescaped reserved
    character anywhere else ends what LinkedIn shows.
    """
    shown = []
    i = 0
    while i < len(commentary):
        ch = commentary[i]
        if ch == "\\":
            nxt = commentary[i + 1] if i + 1 < len(commentary) else ""
            if nxt in RESERVED and nxt:
                shown.append(nxt)
                i += 2
                continue
            return "".join(shown), False
        if commentary.startswith("{hashtag|", i):
            rest = commentary[i + len("{hashtag|") :]
            for sign in ("\\#|", "#|", "\uff03|"):
                if rest.startswith(sign):
                    end = rest.find("}", len(sign))
                    tag = rest[len(sign) : end] if end >= 0 else ""
                    if end >= 0 and tag and not (set(tag) & RESERVED):
                        shown.append("#" + tag)
                        i += len("{hashtag|") + end + 1
                        break
            else:
                return "".join(shown), False
            continue
        if ch in RESERVED:
            return "".join(shown), False
        shown.append(ch)
        i += 1
    return "".join(shown), True


class Headers(dict):
    """Request headers as received; looked up without regard to case, as HTTP says."""

    def __init__(self, items: Any) -> None:
        super().__init__((k.lower(), v) for k, v in items)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(str(key).lower())


class FakeLinkedIn:
    def __init__(
        self,
        *,
        client_id: str = "zichtbaar-test-client",
        client_secret: str = "fake-client-secret",
        versions: tuple[str, ...] = ("202603",),
        slow_seconds: float = 2.0,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.versions = set(versions)
        self.slow_seconds = slow_seconds
        self.retry_after = "1"
        self.authorize_error = ""  # e.g. "user_cancelled_authorize"
        self.member_for_next_consent = "member-1"
        self.members: dict[str, dict[str, str]] = {
            "member-1": {"name": "Bob de Vries", "email": "bob@acme.test"},
            "member-2": {"name": "Carol Smith", "email": "carol@acme.test"},
        }
        self.grant_analytics = False  # the app was approved for r_member_postAnalytics
        self.analytics: dict[str, dict[str, int]] = {}
        self.requests: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []  # posts answered 4xx, with the reason
        self.images: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.default_faults: dict[str, str] = {}
        self._faults: dict[str, deque[str]] = defaultdict(deque)
        self._lock = threading.RLock()
        self._signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # control ---------------------------------------------------------------------------------
    def fault(self, endpoint: str, *behaviours: str) -> None:
        with self._lock:
            self._faults[endpoint].extend(behaviours)

    def _next_fault(self, endpoint: str) -> str:
        with self._lock:
            queue = self._faults[endpoint]
            return queue.popleft() if queue else self.default_faults.get(endpoint, "")

    def issue_token(
        self, sub: str = "member-1", scopes: tuple[str, ...] = SCOPES, seconds: int = TOKEN_SECONDS
    ) -> str:
        token = "AQ" + secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = {
                "sub": sub,
                "scopes": set(scopes),
                "expires": time.time() + seconds,
                "revoked": False,
            }
        return token

    def expire(self, token: str | None = None) -> None:
        """Expire one token, or every token (LinkedIn then answers 401)."""
        with self._lock:
            for key, info in self.tokens.items():
                if token is None or key == token:
                    info["expires"] = 0

    def published_texts(self) -> list[str]:
        with self._lock:
            return [post["text"] for post in self.posts]

    def requests_to(self, path: str, method: str = "") -> list[dict[str, Any]]:
        with self._lock:
            return [
                r
                for r in self.requests
                if r["path"] == path and (not method or r["method"] == method)
            ]

    @property
    def base(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def oauth_url(self) -> str:
        return f"{self.base}/oauth/v2"

    @property
    def api_url(self) -> str:
        return self.base

    def start(self) -> FakeLinkedIn:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self) -> None:
                fake._handle(self, "GET", b"")

            def do_POST(self) -> None:
                fake._handle(self, "POST", self._body())

            def do_PUT(self) -> None:
                fake._handle(self, "PUT", self._body())

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeLinkedIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # answering -------------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str, raw: bytes) -> None:
        parts = urlsplit(handler.path)
        record = {
            "method": method,
            "path": parts.path,
            "query": parts.query,
            "headers": Headers(handler.headers.items()),
            "body": raw,
        }
        with self._lock:
            self.requests.append(record)
        routes = {
            ("GET", "/oauth/v2/authorization"): self._authorize,
            ("POST", "/oauth/v2/accessToken"): self._token,
            ("POST", "/oauth/v2/revoke"): self._revoke,
            ("GET", "/v2/userinfo"): self._userinfo,
            ("GET", "/oauth/.well-known/openid-configuration"): self._discovery,
            ("GET", "/oauth/openid/jwks"): self._jwks,
            ("POST", "/rest/posts"): self._create_post,
            ("POST", "/rest/images"): self._initialize_upload,
            ("GET", "/rest/memberCreatorPostAnalytics"): self._analytics,
        }
        route = routes.get((method, parts.path))
        if route is None and method == "PUT" and parts.path.startswith("/upload/"):
            route = self._upload
        if route is None:
            return self._send(handler, 404, {"status": 404, "message": "Resource not found"})
        route(handler, record)

    # faults ----------------------------------------------------------------------------------
    def _before(self, handler: BaseHTTPRequestHandler, endpoint: str) -> str | None:
        """Apply a fault that happens before the work; returns the fault to apply after it
        ("accept_then_*"), "" for none, None when the request was answered already."""
        behaviour = self._next_fault(endpoint)
        if behaviour in {"429", "500", "503"}:
            headers = {"Retry-After": self.retry_after} if behaviour == "429" else {}
            self._send(
                handler,
                int(behaviour),
                {"status": int(behaviour), "message": "Fake fault"},
                headers=headers,
            )
            return None
        if behaviour == "401":
            self._unauthorized(handler)
            return None
        if behaviour == "timeout":
            time.sleep(self.slow_seconds)
            self._send(handler, 504, {"status": 504, "message": "too late"})
            return None
        if behaviour == "drop":
            handler.close_connection = True
            return None
        return behaviour

    def _after(self, handler: BaseHTTPRequestHandler, behaviour: str) -> bool:
        """True when the answer must not be sent (the connection is dropped or too late)."""
        if behaviour == "accept_then_timeout":
            time.sleep(self.slow_seconds)
            return False  # the answer comes, but the client has stopped waiting
        if behaviour == "accept_then_drop":
            handler.close_connection = True
            return True
        return False

    # OAuth -----------------------------------------------------------------------------------
    def _authorize(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        query = {k: v[0] for k, v in parse_qs(record["query"]).items()}
        redirect_uri = query.get("redirect_uri", "")
        problems = []
        if query.get("response_type") != "code":
            problems.append("response_type must be code")
        if query.get("client_id") != self.client_id:
            problems.append("unknown client_id")
        if not redirect_uri:
            problems.append("redirect_uri missing")
        if not query.get("state"):
            problems.append("state missing")
        if problems:
            return self._send(handler, 400, {"error": "invalid_request", "problems": problems})
        scopes = set(query.get("scope", "").split())
        separator = "&" if "?" in redirect_uri else "?"
        if self.authorize_error:
            target = (
                redirect_uri
                + separator
                + urlencode(
                    {
                        "error": self.authorize_error,
                        "error_description": "The user cancelled the authorization",
                        "state": query["state"],
                    }
                )
            )
        else:
            code = secrets.token_urlsafe(16)
            with self._lock:
                self.codes[code] = {
                    "redirect_uri": redirect_uri,
                    "scopes": scopes,
                    "sub": self.member_for_next_consent,
                }
            target = redirect_uri + separator + urlencode({"code": code, "state": query["state"]})
        self._send_raw(handler, 302, b"", "text/plain", headers={"Location": target})

    def _token(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        behaviour = self._before(handler, "token")
        if behaviour is None:
            return
        form = {k: v[0] for k, v in parse_qs(record["body"].decode()).items()}
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return self._send(
                handler, 401, {"error": "invalid_client", "error_description": "bad client"}
            )
        with self._lock:
            grant = self.codes.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            return self._send(
                handler,
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired.",
                },
            )
        scopes = set(grant["scopes"])
        if "r_member_postAnalytics" in scopes and not self.grant_analytics:
            scopes.discard("r_member_postAnalytics")
        token = self.issue_token(grant["sub"], tuple(sorted(scopes)))
        if self._after(handler, behaviour):
            return
        self._send(
            handler,
            200,
            {
                "access_token": token,
                "expires_in": TOKEN_SECONDS,
                "scope": ",".join(sorted(scopes)),
                "token_type": "Bearer",
                **({"id_token": self._id_token(grant["sub"])} if "openid" in scopes else {}),
            },
        )

    def person(self, sub: str) -> dict[str, Any]:
        person = self.members.get(sub, {"name": "Someone", "email": f"{sub}@example.test"})
        given, _space, family = person["name"].partition(" ")
        return {
            "sub": sub,
            "email_verified": person.get("email_verified", True),
            "name": person["name"],
            "locale": {"country": "NL", "language": "nl"},
            "given_name": given,
            "family_name": family,
            "email": person["email"],
        }

    def _id_token(self, sub: str) -> str:
        now = int(time.time())
        claims = {
            **self.person(sub),
            "iss": f"{self.base}/oauth",
            "aud": self.client_id,
            "iat": now,
            "exp": now + 3600,
        }
        return jwt.encode(claims, self._signing_key, algorithm="RS256", headers={"kid": "fake-1"})

    def _discovery(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        self._send(
            handler,
            200,
            {
                "issuer": f"{self.base}/oauth",
                "authorization_endpoint": f"{self.base}/oauth/v2/authorization",
                "token_endpoint": f"{self.base}/oauth/v2/accessToken",
                "userinfo_endpoint": f"{self.base}/v2/userinfo",
                "jwks_uri": f"{self.base}/oauth/openid/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "profile", "email"],
                "claims_supported": [
                    "iss",
                    "aud",
                    "iat",
                    "exp",
                    "sub",
                    "name",
                    "given_name",
                    "family_name",
                    "picture",
                    "email",
                    "email_verified",
                    "locale",
                ],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            },
        )

    def _jwks(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._signing_key.public_key()))
        self._send(handler, 200, {"keys": [{**key, "kid": "fake-1", "use": "sig", "alg": "RS256"}]})

    def _revoke(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        form = {k: v[0] for k, v in parse_qs(record["body"].decode()).items()}
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            return self._send(handler, 401, {"error": "invalid_client"})
        with self._lock:
            info = self.tokens.get(form.get("token", ""))
            if info is not None:
                info["revoked"] = True
        self._send_raw(handler, 200, b"", "text/plain")

    def _member(self, record: dict[str, Any]) -> dict[str, Any] | None:
        auth = record["headers"].get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        with self._lock:
            info = self.tokens.get(auth[len("Bearer ") :])
            if info is None or info["revoked"] or info["expires"] < time.time():
                return None
            return dict(info)

    def _unauthorized(self, handler: BaseHTTPRequestHandler) -> None:
        self._send(
            handler,
            401,
            {
                "status": 401,
                "serviceErrorCode": 65601,
                "code": "REVOKED_ACCESS_TOKEN",
                "message": "The token used in the request has been revoked by the user",
            },
        )

    def _userinfo(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        behaviour = self._before(handler, "userinfo")
        if behaviour is None:
            return
        member = self._member(record)
        if member is None:
            return self._unauthorized(handler)
        self._send(handler, 200, self.person(member["sub"]))

    def _rest_checks(
        self, handler: BaseHTTPRequestHandler, record: dict[str, Any], scope: str
    ) -> dict[str, Any] | None:
        headers = record["headers"]
        version = headers.get("LinkedIn-Version")
        if not version:
            self._send(
                handler,
                400,
                {
                    "status": 400,
                    "code": "VERSION_MISSING",
                    "message": "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
                },
            )
            return None
        if version not in self.versions:
            self._send(
                handler,
                426,
                {
                    "status": 426,
                    "code": "NONEXISTENT_VERSION",
                    "message": f"Requested version {version} is not active",
                },
            )
            return None
        if headers.get("X-Restli-Protocol-Version") != "2.0.0":
            self._send(
                handler, 400, {"status": 400, "message": "X-Restli-Protocol-Version must be 2.0.0"}
            )
            return None
        member = self._member(record)
        if member is None:
            self._unauthorized(handler)
            return None
        if scope not in member["scopes"]:
            self._send(
                handler,
                403,
                {
                    "status": 403,
                    "serviceErrorCode": 100,
                    "code": "ACCESS_DENIED",
                    "message": f"Not enough permissions to access: {scope}",
                },
            )
            return None
        return member

    def _refuse(
        self, handler: BaseHTTPRequestHandler, body: Any, status: int, message: str
    ) -> None:
        with self._lock:
            self.refused.append({"status": status, "message": message, "body": body})
        self._send(handler, status, {"status": status, "message": message})

    def _create_post(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        member = self._rest_checks(handler, record, "w_member_social")
        if member is None:
            return
        behaviour = self._before(handler, "posts")
        if behaviour is None:
            return
        if not record["headers"].get("Content-Type", "").startswith("application/json"):
            return self._refuse(handler, None, 415, "Content-Type must be application/json")
        try:
            body = json.loads(record["body"].decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return self._refuse(handler, None, 400, "Body is not JSON")
        author = f"urn:li:person:{member['sub']}"
        expected = {
            "author": author,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        for key, value in expected.items():
            if body.get(key) != value:
                status = 403 if key == "author" else 422
                return self._refuse(handler, body, status, f"/{key} is not {value!r}")
        commentary = body.get("commentary")
        if not isinstance(commentary, str):
            return self._refuse(handler, body, 422, "/commentary is required")
        text, complete = read_little(commentary)
        if len(text) > MAX_COMMENTARY:
            return self._refuse(handler, body, 422, "/commentary is longer than 3000 characters")
        media = ((body.get("content") or {}).get("media") or {}).get("id", "")
        if media:
            with self._lock:
                image = self.images.get(media)
            if image is None or image["owner"] != author or image["data"] is None:
                return self._refuse(
                    handler,
                    body,
                    422,
                    f"/content/media/id {media} is not an uploaded image of the author",
                )
        with self._lock:
            for earlier in self.posts:
                if (
                    earlier["author"] == author
                    and earlier["commentary"] == commentary
                    and earlier["image"] == media
                ):
                    urn = earlier["urn"]
                    payload = {
                        "errorDetailType": "com.linkedin.common.error.BadRequest",
                        "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
                        f"Content is a duplicate of {urn}",
                        "errorDetails": {
                            "inputErrors": [
                                {
                                    "description": "Duplicate post is detected",
                                    "input": {},
                                    "code": "DUPLICATE_POST",
                                }
                            ]
                        },
                        "status": 422,
                    }
                    self.refused.append({"status": 422, "message": "duplicate", "body": body})
                    return self._send(handler, 422, payload)
            urn = f"urn:li:share:{7_300_000_000_000_000_000 + len(self.posts) + 1}"
            self.posts.append(
                {
                    "urn": urn,
                    "author": author,
                    "commentary": commentary,
                    "text": text,
                    "complete": complete,
                    "image": media,
                    "body": body,
                    "raw": record["body"],
                    "headers": record["headers"],
                }
            )
        if self._after(handler, behaviour):
            return
        self._send_raw(handler, 201, b"", "application/json", headers={"x-restli-id": urn})

    def _initialize_upload(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        member = self._rest_checks(handler, record, "w_member_social")
        if member is None:
            return
        if parse_qs(record["query"]).get("action") != ["initializeUpload"]:
            return self._send(handler, 400, {"status": 400, "message": "action=initializeUpload"})
        behaviour = self._before(handler, "images")
        if behaviour is None:
            return
        try:
            owner = json.loads(record["body"])["initializeUploadRequest"]["owner"]
        except (ValueError, KeyError, TypeError):
            return self._send(
                handler, 422, {"status": 422, "message": "initializeUploadRequest.owner"}
            )
        if owner != f"urn:li:person:{member['sub']}":
            return self._send(handler, 403, {"status": 403, "message": "owner is not the member"})
        image_id = "D4E" + secrets.token_hex(8)
        urn = f"urn:li:image:{image_id}"
        with self._lock:
            self.images[urn] = {"owner": owner, "data": None, "content_type": "", "id": image_id}
        if self._after(handler, behaviour):
            return
        self._send(
            handler,
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": int((time.time() + 3600) * 1000),
                    "uploadUrl": f"{self.base}/upload/{image_id}",
                    "image": urn,
                }
            },
        )

    def _upload(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        behaviour = self._before(handler, "upload")
        if behaviour is None:
            return
        if self._member(record) is None:
            return self._unauthorized(handler)
        urn = "urn:li:image:" + record["path"].rsplit("/", 1)[-1]
        with self._lock:
            image = self.images.get(urn)
            if image is None:
                return self._send(handler, 404, {"status": 404, "message": "no such upload"})
            image["data"] = record["body"]
            image["content_type"] = record["headers"].get("Content-Type", "")
        if self._after(handler, behaviour):
            return
        self._send_raw(handler, 201, b"", "text/plain")

    def _analytics(self, handler: BaseHTTPRequestHandler, record: dict[str, Any]) -> None:
        member = self._rest_checks(handler, record, "r_member_postAnalytics")
        if member is None:
            return
        behaviour = self._before(handler, "analytics")
        if behaviour is None:
            return
        # Rest.li 2.0 keeps the parentheses and colon raw: entity=(share:urn%3Ali%3Ashare%3A1)
        params = dict(pair.split("=", 1) for pair in record["query"].split("&") if "=" in pair)
        entity = params.get("entity", "")
        metric = params.get("queryType", "")
        if params.get("q") != "entity" or not (entity.startswith("(") and entity.endswith(")")):
            return self._send(handler, 400, {"status": 400, "message": "q=entity&entity=(...)"})
        kind, _colon, encoded = entity[1:-1].partition(":")
        urn = unquote(encoded)
        with self._lock:
            post = next((p for p in self.posts if p["urn"] == urn), None)
        if post is None or post["author"] != f"urn:li:person:{member['sub']}":
            return self._send(handler, 403, {"status": 403, "message": "not the member's post"})
        count = self.analytics.get(urn, {}).get(metric, 0)
        self._send(
            handler,
            200,
            {
                "paging": {"start": 0, "count": 10, "links": []},
                "elements": [{"count": count, "metricType": metric, "targetEntity": {kind: urn}}],
            },
        )

    # sending ---------------------------------------------------------------------------------
    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler,
        status: int,
        data: Any,
        headers: dict[str, str] | None = None,
    ) -> None:
        FakeLinkedIn._send_raw(
            handler, status, json.dumps(data).encode("utf-8"), "application/json", headers
        )

    @staticmethod
    def _send_raw(
        handler: BaseHTTPRequestHandler,
        status: int,
        raw: bytes,
        kind: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(raw)
        except OSError:  # the client gave up (the slow cases)
            pass


# --- pytest fixtures (import them into a test module) ---------------------------------------


def configure(settings: Any, fake: FakeLinkedIn, tmp_path: Any) -> None:
    """Point Zichtbaar's LinkedIn settings at the fake."""
    from cryptography.fernet import Fernet

    secret = tmp_path / "linkedin-client-secret"
    secret.write_text(fake.client_secret + "\n")
    settings.ZICHTBAAR_LINKEDIN_CLIENT_ID = fake.client_id
    settings.ZICHTBAAR_LINKEDIN_CLIENT_SECRET_FILE = str(secret)
    settings.ZICHTBAAR_LINKEDIN_REDIRECT_URL = "http://testserver/linkedin/callback/"
    settings.ZICHTBAAR_LINKEDIN_TOKEN_KEYS = [Fernet.generate_key().decode()]
    settings.ZICHTBAAR_LINKEDIN_OAUTH_URL = fake.oauth_url
    settings.ZICHTBAAR_LINKEDIN_API_URL = fake.api_url
    settings.ZICHTBAAR_LINKEDIN_VERSION = "202603"
    settings.ZICHTBAAR_LINKEDIN_ANALYTICS = False
    settings.ZICHTBAAR_LINKEDIN_TIMEOUT = 0.5
    settings.MEDIA_ROOT = str(tmp_path / "media")


def connect(user: Any, fake: FakeLinkedIn, sub: str = "member-1", **token: Any) -> str:
    """Give `user` a stored LinkedIn connection with a fresh fake token (no OAuth dance);
    returns the plain access token."""
    from datetime import timedelta

    from django.utils import timezone

    from zichtbaar.sharing.linkedin import tokens
    from zichtbaar.sharing.models import LinkedInConnection

    access = fake.issue_token(sub, **token)
    now = timezone.now()
    LinkedInConnection.objects.update_or_create(
        user=user,
        defaults={
            "member_sub": sub,
            "name": fake.members.get(sub, {}).get("name", ""),
            "token": tokens.encrypt(access),
            "scopes": " ".join(token.get("scopes", SCOPES)),
            "expires_at": now + timedelta(days=60),
            "state": "connected",
            "connected_at": now,
        },
    )
    return access
