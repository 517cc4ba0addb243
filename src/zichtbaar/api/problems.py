"""Errors as problem details (RFC 9457): `application/problem+json` with type, title, status,
detail and, for invalid input, `errors` per field."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

CONTENT_TYPE = "application/problem+json"
# "about:blank" means: nothing more than the status code says (RFC 9457 section 4.2.1).
BLANK = "about:blank"
INVALID = "urn:zichtbaar:problem:invalid"
NOT_PUBLISHABLE = "urn:zichtbaar:problem:not-publishable"
CONFLICT = "urn:zichtbaar:problem:conflict"


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None
    findings: list[dict[str, Any]] | None = None


class ApiProblem(Exception):
    """Raised anywhere in the API; answered as a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str = "",
        type: str = BLANK,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.type = type
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Unauthorized"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        422: _("Invalid input"),
        429: _("Too many requests"),
    }


def response(
    status: int,
    detail: str,
    *,
    title: str = "",
    type: str = BLANK,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": type,
        "title": title or _titles().get(status, _("Error")),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    resp = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        resp[name] = value
    return resp


def unauthorized() -> HttpResponse:
    return response(
        401,
        _(
            "Send a valid API token as 'Authorization: Bearer <token>'. This one is missing, "
            "unknown, revoked or expired."
        ),
        headers={"WWW-Authenticate": 'Bearer realm="zichtbaar"'},
    )


def field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    """`["body", "data", "text"]` → "text"; `["query", "limit"]` → "limit"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    if parts and parts[0] in ("data", "payload"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        name = field_name(error.get("loc") or ())
        message = str(error.get("msg") or _("This value is not valid."))
        if error.get("type") == "json_invalid":
            name, message = "body", _("Send a JSON object.")
        found.setdefault(name, []).append(message)
    return found


def install(api: NinjaAPI) -> None:
    """Answer every error of `api` as a problem document."""

    def on_problem(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(
            exc.status,
            exc.detail,
            title=exc.title,
            type=exc.type,
            errors=exc.errors,
            headers=exc.headers,
            extra=exc.extra,
        )

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(
            422,
            _("Some fields are not valid; see errors."),
            type=INVALID,
            errors=validation_errors(list(exc.errors)),
        )

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        return unauthorized()

    def on_http(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(exc.status_code, str(exc))

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(404, _("There is no such object in your organisation."))

    api.add_exception_handler(ApiProblem, on_problem)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_404)
