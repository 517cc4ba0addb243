"""SCIM representations of memberships (User) and teams (Group), reading payloads, applying
PatchOp, and the discovery documents (ServiceProviderConfig, ResourceTypes, Schemas)."""

from __future__ import annotations

import copy
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest

from zichtbaar.api.models import ScimGroup, ScimUser
from zichtbaar.api.scim.errors import ScimError
from zichtbaar.api.scim.services import UserInput
from zichtbaar.orgs.models import Membership, Team

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2")


def _time(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z")


def user_resource(request: HttpRequest, membership: Membership) -> dict[str, Any]:
    link: ScimUser | None = getattr(membership, "scim", None)
    user = membership.user
    location = f"{base_url(request)}/Users/{membership.pk}"
    body: dict[str, Any] = {
        "schemas": [USER],
        "id": str(membership.pk),
        "userName": link.user_name if link and link.user_name else user.email,
        "active": membership.is_active,
        "emails": [{"value": user.email}],
        "meta": {
            "resourceType": "User",
            "created": _time(membership.created_at),
            "lastModified": _time(link.updated_at if link else membership.created_at),
            "location": location,
        },
    }
    if user.name:
        body["displayName"] = user.name
        body["name"] = {"formatted": user.name}
    title = getattr(getattr(user, "profile", None), "job_title", "")
    if title:
        body["title"] = title
    if link and link.external_id:
        body["externalId"] = link.external_id
    if membership.team_id is not None and membership.team is not None:
        body["groups"] = [
            {
                "value": str(membership.team_id),
                "display": membership.team.name,
                "$ref": f"{base_url(request)}/Groups/{membership.team_id}",
                "type": "direct",
            }
        ]
    return body


def group_resource(request: HttpRequest, team: Team, members: list[Membership]) -> dict[str, Any]:
    link: ScimGroup | None = getattr(team, "scim", None)
    body = {
        "schemas": [GROUP],
        "id": str(team.pk),
        "displayName": team.name,
        "members": [
            {
                "value": str(m.pk),
                "$ref": f"{base_url(request)}/Users/{m.pk}",
            }
            for m in members
        ],
        "meta": {"resourceType": "Group", "location": f"{base_url(request)}/Groups/{team.pk}"},
    }
    if link and link.external_id:
        body["externalId"] = link.external_id
    return body


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # Entra ID sends "False" as a string
    raise ScimError(400, "active must be true or false.", "invalidValue")


def _email_of(body: dict[str, Any]) -> str:
    emails = body.get("emails") or []
    if not isinstance(emails, list):
        raise ScimError(400, "emails must be a list.", "invalidValue")
    ranked = sorted(
        (e for e in emails if isinstance(e, dict) and e.get("value")),
        key=lambda e: (e.get("type") != "work", not e.get("primary")),
    )
    candidates = [str(e["value"]) for e in ranked] + [str(body.get("userName") or "")]
    for candidate in candidates:
        try:
            validate_email(candidate)
        except ValidationError:
            continue
        return candidate.strip().lower()
    raise ScimError(
        400, "A user needs an e-mail address: in emails or as userName.", "invalidValue"
    )


def read_user(body: Any) -> UserInput:
    if not isinstance(body, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    body = {k if k.startswith("urn:") else k[:1].lower() + k[1:]: v for k, v in body.items()}
    user_name = body.get("userName")
    if not isinstance(user_name, str) or not user_name.strip():
        raise ScimError(400, "userName is required.", "invalidValue")
    # A whole resource: what it leaves out is cleared (RFC 7644 section 3.5.1).
    name = body.get("displayName")
    parts = body.get("name") if isinstance(body.get("name"), dict) else {}
    if not name and parts:
        name = parts.get("formatted") or " ".join(
            str(p) for p in (parts.get("givenName"), parts.get("familyName")) if p
        )
    title = body.get("title") or ""
    return UserInput(
        user_name=user_name.strip()[:254],
        email=_email_of(body),
        name=str(name) if name else "",
        title=str(title),
        active=_bool(body.get("active", True)),
        external_id=str(body.get("externalId") or "")[:254],
    )


def read_group(body: Any) -> tuple[str, list[int], str]:
    if not isinstance(body, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    name = body.get("displayName")
    if not isinstance(name, str):
        raise ScimError(400, "displayName is required.", "invalidValue")
    external_id = str(body.get("externalId") or "")[:254]
    return name, member_ids(body.get("members") or []), external_id


def member_ids(members: Any) -> list[int]:
    if not isinstance(members, list):
        members = [members]
    ids = []
    for member in members:
        value = str(member.get("value", "")) if isinstance(member, dict) else str(member)
        if not value.isdigit() or len(value) > 18:
            raise ScimError(400, "A member is not a user of this organisation.", "invalidValue")
        ids.append(int(value))
    return ids


# --- PatchOp -------------------------------------------------------------------------------

_VALUE_FILTER = re.compile(r'^(\w+)\[\s*(\w+)\s+eq\s+"([^"]*)"\s*\](?:\.(\w+))?$', re.I)


def _key(container: dict[str, Any], name: str) -> str:
    for key in container:
        if key.lower() == name.lower():
            return key
    return name


def _apply(resource: dict[str, Any], op: str, path: str | None, value: Any) -> None:
    if not path:
        if not isinstance(value, dict):
            raise ScimError(
                400, "An operation without a path needs an object value.", "invalidValue"
            )
        for key, item in value.items():
            _apply(resource, op, key, item)  # Entra ID: {"active": false}, "name.givenName"
        return
    if path.startswith(USER + ":"):
        path = path[len(USER) + 1 :]
    match = _VALUE_FILTER.match(path)
    if match:
        attr, field, wanted, sub = match.groups()
        key = _key(resource, attr)
        items = [i for i in resource.get(key) or [] if isinstance(i, dict)]
        hits = [i for i in items if str(i.get(field, "")).lower() == wanted.lower()]
        if op == "remove":
            if sub:
                for hit in hits:
                    hit.pop(sub, None)
            else:
                resource[key] = [i for i in items if i not in hits]
            return
        if not hits:
            hits = [{field: wanted}]
            items.append(hits[0])
        for hit in hits:
            if sub:
                hit[sub] = value
            elif isinstance(value, dict):
                hit.update(value)
        resource[key] = items
        return
    head, _, rest = path.partition(".")
    key = _key(resource, head)
    if rest:
        found = resource.get(key)
        inner: dict[str, Any] = found if isinstance(found, dict) else {}
        resource[key] = inner
        _apply(inner, op, rest, value)
        return
    if op == "remove":
        if isinstance(value, list) and isinstance(resource.get(key), list):
            gone = {str(v.get("value")) if isinstance(v, dict) else str(v) for v in value}
            resource[key] = [
                i
                for i in resource[key]
                if str(i.get("value") if isinstance(i, dict) else i) not in gone
            ]
        else:
            resource.pop(key, None)
    elif op == "add" and isinstance(resource.get(key), list):
        new = value if isinstance(value, list) else [value]
        have = {str(i.get("value")) for i in resource[key] if isinstance(i, dict)}
        resource[key] = resource[key] + [
            v for v in new if not (isinstance(v, dict) and str(v.get("value")) in have)
        ]
    else:
        resource[key] = value


def patch(resource: dict[str, Any], body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        raise ScimError(400, "A PatchOp needs a list of Operations.", "invalidSyntax")
    result = copy.deepcopy(resource)
    for operation in body["Operations"]:
        if not isinstance(operation, dict):
            raise ScimError(400, "An operation must be an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise ScimError(400, "op must be add, replace or remove.", "invalidSyntax")
        path = operation.get("path")
        if op == "remove" and not path:
            raise ScimError(400, "remove needs a path.", "noTarget")
        _apply(result, op, path, operation.get("value"))
    return result


# --- discovery ------------------------------------------------------------------------------


def _attr(name: str, type_: str = "string", **extra: Any) -> dict[str, Any]:
    attr = {
        "name": name,
        "type": type_,
        "multiValued": False,
        "required": False,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
        "description": name,
    }
    attr.update(extra)
    return attr


def _sub(*names: tuple[str, str]) -> list[dict[str, Any]]:
    return [_attr(n, t) for n, t in names]


def schemas(request: HttpRequest) -> list[dict[str, Any]]:
    ref = {"referenceTypes": ["User"]}
    user = {
        "schemas": [SCHEMA],
        "id": USER,
        "name": "User",
        "description": "A person in the organisation (a membership).",
        "attributes": [
            _attr("userName", required=True, uniqueness="server"),
            _attr("displayName"),
            # One name is kept; `formatted` is it, set through displayName or the name parts
            # (givenName, familyName) the identity provider sends.
            _attr(
                "name",
                "complex",
                mutability="readOnly",
                subAttributes=[_attr("formatted", mutability="readOnly")],
            ),
            _attr("title"),
            # Always there: a person is active or deactivated in the organisation.
            _attr("active", "boolean", required=True),
            _attr(
                "emails",
                "complex",
                multiValued=True,
                required=True,  # a person is known by their e-mail address
                # Only the address: its type and primary flag aren't kept.
                subAttributes=[_attr("value", required=True)],
            ),
            _attr(
                "groups",
                "complex",
                multiValued=True,
                mutability="readOnly",
                subAttributes=[
                    _attr("value", mutability="readOnly"),
                    _attr("display", mutability="readOnly"),
                    _attr("$ref", "reference", mutability="readOnly", referenceTypes=["Group"]),
                    _attr("type", mutability="readOnly"),
                ],
            ),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base_url(request)}/Schemas/{USER}"},
    }
    group = {
        "schemas": [SCHEMA],
        "id": GROUP,
        "name": "Group",
        "description": "A team.",
        "attributes": [
            _attr("displayName", required=True, uniqueness="server"),
            _attr(
                "members",
                "complex",
                multiValued=True,
                subAttributes=[
                    # No display: the checker compares it with what it sent (nothing).
                    _attr("value", mutability="immutable"),
                    _attr("$ref", "reference", mutability="immutable", **ref),
                ],
            ),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base_url(request)}/Schemas/{GROUP}"},
    }
    return [user, group]


def resource_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE],
            "id": name,
            "name": name,
            "endpoint": f"/{name}s",
            "description": name,
            "schema": schema,
            "schemaExtensions": [],
            "meta": {
                "resourceType": "ResourceType",
                "location": f"{base_url(request)}/ResourceTypes/{name}",
            },
        }
        for name, schema in (("User", USER), ("Group", GROUP))
    ]


def service_provider_config(request: HttpRequest) -> dict[str, Any]:
    return {
        "schemas": [SPC],
        "documentationUri": request.build_absolute_uri("/docs/integrations/"),
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": 200},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A SCIM token of the organisation, made on its SCIM page.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base_url(request)}/ServiceProviderConfig",
        },
    }


def shape(body: dict[str, Any], attributes: str, excluded: str) -> dict[str, Any]:
    """Only the `attributes` asked for, or all but the `excludedAttributes` (top-level names;
    `name.formatted` selects `name`). schemas and id are always returned."""

    def names(text: str) -> set[str]:
        found = set()
        for item in text.split(","):
            item = item.strip()
            for prefix in (USER + ":", GROUP + ":"):
                if item.startswith(prefix):
                    item = item[len(prefix) :]
            if item:
                found.add(item.split(".")[0].lower())
        return found

    keep = {"schemas", "id"}
    if attributes.strip():
        wanted = names(attributes) | keep
        return {k: v for k, v in body.items() if k.lower() in wanted}
    if excluded.strip():
        unwanted = names(excluded) - keep
        return {k: v for k, v in body.items() if k.lower() not in unwanted}
    return body
