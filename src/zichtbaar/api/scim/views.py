"""The /scim/v2/ endpoints. Every request is authenticated by a SCIM token and sees only that
token's organisation: another organisation's users and groups are answered with 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from zichtbaar.api.models import ScimToken
from zichtbaar.api.scim import resources, services
from zichtbaar.api.scim.errors import ScimError, error_response, scim_response
from zichtbaar.api.scim.filters import parse
from zichtbaar.orgs.models import Membership, Organisation, Team

MAX_COUNT = 200
Handler = Callable[..., HttpResponse]


def _token(request: HttpRequest) -> ScimToken:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    token = services.active_token(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise ScimError(401, "A valid SCIM bearer token is required.")
    return token


def endpoint(*methods: str) -> Callable[[Handler], Handler]:
    def wrap(view: Handler) -> Handler:
        @csrf_exempt
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                token = _token(request)
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not supported here.")
                return view(request, token.org, *args, **kwargs)
            except ScimError as error:
                return error_response(error)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return wrap


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        raise ScimError(400, "The body is not JSON.", "invalidSyntax") from None


def _int(params: dict[str, str], name: str, default: int, minimum: int) -> int:
    raw = params.get(name, "")
    if not raw:
        return default
    try:
        return max(minimum, int(raw))
    except ValueError:
        raise ScimError(400, f"{name} must be a number.", "invalidValue") from None


def _params(request: HttpRequest) -> dict[str, str]:
    """Query parameters, or for POST .search the body's (RFC 7644 section 3.4.3)."""
    if request.method != "POST":
        return {
            k: request.GET.get(k, "")
            for k in ("filter", "startIndex", "count", "attributes", "excludedAttributes")
        }
    body = _body(request)
    if not isinstance(body, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    params = {}
    for key in ("filter", "startIndex", "count", "attributes", "excludedAttributes"):
        value = body.get(key, "")
        params[key] = ",".join(value) if isinstance(value, list) else str(value)
    return params


def _shaped(params: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    return resources.shape(body, params.get("attributes", ""), params.get("excludedAttributes", ""))


def _list(
    params: dict[str, str], items: QuerySet[Any], render: Callable[[Any], dict[str, Any]]
) -> HttpResponse:
    start = _int(params, "startIndex", 1, 1)
    count = min(_int(params, "count", 100, 0), MAX_COUNT)
    total = items.count()
    page = list(items[start - 1 : start - 1 + count]) if count else []
    return scim_response(
        {
            "schemas": [resources.LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": [_shaped(params, render(item)) for item in page],
        }
    )


# --- Users ----------------------------------------------------------------------------------

_USER_FIELDS: dict[str, tuple[str, ...]] = {
    "username": ("scim__user_name", "user__email"),
    "externalid": ("scim__external_id",),
    "emails.value": ("user__email",),
    "emails": ("user__email",),
    "id": ("pk",),
    "displayname": ("user__name",),
    "active": ("is_active",),
}


def _users(org: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(org=org)
        .exclude(scim__deleted_at__isnull=False)
        .select_related("user", "user__profile", "team", "scim")
        .order_by("pk")
    )


def _filter(items: QuerySet[Any], fields: dict[str, tuple[str, ...]], text: str) -> QuerySet[Any]:
    for attr, op, value in parse(text):
        columns = fields.get(attr)
        if columns is None or op != "eq":
            raise ScimError(400, f"Filtering on {attr} {op} is not supported.", "invalidFilter")
        if isinstance(value, bool):
            if columns != ("is_active",):
                raise ScimError(400, f"{attr} is not a boolean.", "invalidFilter")
            items = items.filter(is_active=value)
            continue
        if columns == ("pk",):
            text = str(value)
            items = (
                items.filter(pk=int(text)) if text.isdigit() and len(text) < 19 else items.none()
            )
            continue
        query = Q()
        for column in columns:
            query |= Q(**{f"{column}__iexact": value})
        items = items.filter(query)
    return items


def _user(org: Organisation, user_id: str) -> Membership:
    membership = (
        _users(org).filter(pk=int(user_id)).first()
        if user_id.isdigit() and len(user_id) < 19
        else None
    )
    if membership is None:
        raise ScimError(404, "No such user in this organisation.")
    return membership


@endpoint("GET", "POST")
def users(request: HttpRequest, org: Organisation) -> HttpResponse:
    if request.method == "POST":
        membership = services.create_user(org, resources.read_user(_body(request)))
        body = resources.user_resource(request, _user(org, str(membership.pk)))
        return scim_response(body, 201, {"Location": body["meta"]["location"]})
    return _search_users(request, org, _params(request))


def _search_users(request: HttpRequest, org: Organisation, params: dict[str, str]) -> HttpResponse:
    items = _users(org)
    if params.get("filter"):
        items = _filter(items, _USER_FIELDS, params["filter"])
    return _list(params, items, lambda m: resources.user_resource(request, m))


@endpoint("POST")
def users_search(request: HttpRequest, org: Organisation) -> HttpResponse:
    return _search_users(request, org, _params(request))


@endpoint("GET", "PUT", "PATCH", "DELETE")
def user(request: HttpRequest, org: Organisation, user_id: str) -> HttpResponse:
    membership = _user(org, user_id)
    if request.method == "DELETE":
        services.delete_user(membership)
        return HttpResponse(status=204)
    if request.method == "PUT":
        services.replace_user(membership, resources.read_user(_body(request)))
    elif request.method == "PATCH":
        current = resources.user_resource(request, membership)
        current.pop("name", None)  # name.formatted is displayName; patches change either
        services.replace_user(
            membership, resources.read_user(resources.patch(current, _body(request)))
        )
    return scim_response(
        _shaped(
            _params(request) if request.method == "GET" else {},
            resources.user_resource(request, _user(org, user_id)),
        )
    )


# --- Groups ---------------------------------------------------------------------------------

_GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    "displayname": ("name",),
    "id": ("pk",),
    "externalid": ("scim__external_id",),
}


def _groups(org: Organisation) -> QuerySet[Team]:
    return Team.objects.filter(org=org).select_related("scim").order_by("pk")


def _group(org: Organisation, group_id: str) -> Team:
    team = (
        _groups(org).filter(pk=int(group_id)).first()
        if group_id.isdigit() and len(group_id) < 19
        else None
    )
    if team is None:
        raise ScimError(404, "No such group in this organisation.")
    return team


def _render_group(
    request: HttpRequest, team: Team, params: dict[str, str] | None = None
) -> dict[str, Any]:
    members = list(_users(team.org).filter(team=team))
    return _shaped(params or {}, resources.group_resource(request, team, members))


@endpoint("GET", "POST")
def groups(request: HttpRequest, org: Organisation) -> HttpResponse:
    if request.method == "POST":
        name, members, external_id = resources.read_group(_body(request))
        team = services.create_group(org, name, members, external_id)
        body = _render_group(request, team)
        return scim_response(body, 201, {"Location": body["meta"]["location"]})
    return _search_groups(request, org, _params(request))


def _search_groups(request: HttpRequest, org: Organisation, params: dict[str, str]) -> HttpResponse:
    items = _groups(org)
    if params.get("filter"):
        items = _filter(items, _GROUP_FIELDS, params["filter"])
    return _list(params, items.select_related("org"), lambda t: _render_group(request, t, params))


@endpoint("POST")
def groups_search(request: HttpRequest, org: Organisation) -> HttpResponse:
    return _search_groups(request, org, _params(request))


@endpoint("GET", "PUT", "PATCH", "DELETE")
def group(request: HttpRequest, org: Organisation, group_id: str) -> HttpResponse:
    team = _group(org, group_id)
    if request.method == "DELETE":
        services.delete_group(team)
        return HttpResponse(status=204)
    if request.method == "PUT":
        name, members, external_id = resources.read_group(_body(request))
        services.replace_group(team, name, members, external_id)
    elif request.method == "PATCH":
        current = resources.group_resource(request, team, list(_users(org).filter(team=team)))
        name, members, external_id = resources.read_group(resources.patch(current, _body(request)))
        services.replace_group(team, name, members, external_id)
    params = _params(request) if request.method == "GET" else {}
    return scim_response(_render_group(request, _group(org, group_id), params))


# --- discovery ------------------------------------------------------------------------------


@endpoint("GET")
def service_provider_config(request: HttpRequest, org: Organisation) -> HttpResponse:
    return scim_response(resources.service_provider_config(request))


def _listed(items: list[dict[str, Any]]) -> HttpResponse:
    return scim_response(
        {
            "schemas": [resources.LIST],
            "totalResults": len(items),
            "startIndex": 1,
            "itemsPerPage": len(items),
            "Resources": items,
        }
    )


@endpoint("GET")
def resource_types(request: HttpRequest, org: Organisation, name: str = "") -> HttpResponse:
    items = resources.resource_types(request)
    if not name:
        return _listed(items)
    for item in items:
        if item["id"] == name:
            return scim_response(item)
    raise ScimError(404, "No such resource type.")


@endpoint("GET")
def schemas(request: HttpRequest, org: Organisation, name: str = "") -> HttpResponse:
    items = resources.schemas(request)
    if not name:
        return _listed(items)
    for item in items:
        if item["id"] == name:
            return scim_response(item)
    raise ScimError(404, "No such schema.")


@endpoint("POST")
def root_search(request: HttpRequest, org: Organisation) -> HttpResponse:
    raise ScimError(
        501, "Search across resource types is not supported: use /Users/.search or /Groups/.search."
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    try:
        _token(request)
        raise ScimError(404, "No such SCIM endpoint.")
    except ScimError as error:
        return error_response(error)
