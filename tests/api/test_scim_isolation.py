"""Every SCIM route with another organisation's token: Acme's users and groups are not found,
not changed, and not listed."""

from __future__ import annotations

import json

import pytest
from django.urls import get_resolver

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def other_secret(other_org, mallory):
    from zichtbaar.api.scim import services

    return services.create_token(org=other_org, name="Okta", by=mallory).secret


def _send(client, method, path, secret, body=None):
    return getattr(client, method)(
        "/scim/v2" + path,
        json.dumps(body) if body is not None else "",
        content_type="application/scim+json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_every_route_is_covered():
    from zichtbaar.api.scim import urls

    names = {p.name for p in urls.urlpatterns if getattr(p, "name", None)}
    assert names == {
        "scim_users",
        "scim_users_search",
        "scim_user",
        "scim_groups",
        "scim_groups_search",
        "scim_group",
        "scim_spc",
        "scim_resource_types",
        "scim_resource_type",
        "scim_schemas",
        "scim_schema",
        "scim_search",
    }  # a new route needs a case below
    assert get_resolver().resolve("/scim/v2/Users").url_name == "scim_users"


def test_another_organisations_token_sees_nothing_of_acme(client, acme, bob, other_secret, mallory):
    from zichtbaar.orgs.models import Membership, Team

    member = bob.memberships.get()
    team = member.team
    mallory_m = mallory.memberships.get()
    ops = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    user_put = {
        "schemas": [USER],
        "userName": "x@other.test",
        "emails": [{"value": "x@other.test"}],
    }
    group_put = {"schemas": [GROUP], "displayName": "Taken", "members": []}

    # Acme's user and team by id: 404 on every method.
    for method, path, body in [
        ("get", f"/Users/{member.pk}", None),
        ("put", f"/Users/{member.pk}", user_put),
        ("patch", f"/Users/{member.pk}", ops),
        ("delete", f"/Users/{member.pk}", None),
        ("get", f"/Groups/{team.pk}", None),
        ("put", f"/Groups/{team.pk}", group_put),
        (
            "patch",
            f"/Groups/{team.pk}",
            {
                "schemas": [PATCH],
                "Operations": [{"op": "replace", "value": {"displayName": "Hacked"}}],
            },
        ),
        ("delete", f"/Groups/{team.pk}", None),
    ]:
        response = _send(client, method, path, other_secret, body)
        assert response.status_code == 404, (method, path)
    member.refresh_from_db()
    assert member.is_active and member.team == team
    assert Team.objects.filter(pk=team.pk, name="Engineering").exists()

    # Lists, filters and searches: only the other organisation's own.
    listed = _send(client, "get", "/Users", other_secret).json()
    assert [r["id"] for r in listed["Resources"]] == [str(mallory_m.pk)]
    filtered = client.get(
        "/scim/v2/Users",
        {"filter": 'userName eq "bob@acme.test"'},
        headers={"Authorization": f"Bearer {other_secret}"},
    ).json()
    assert filtered["totalResults"] == 0
    searched = _send(
        client, "post", "/Users/.search", other_secret, {"filter": 'userName eq "bob@acme.test"'}
    ).json()
    assert searched["totalResults"] == 0
    groups = _send(client, "get", "/Groups", other_secret).json()
    assert {g["displayName"] for g in groups["Resources"]} == {"Engineering"}
    assert all(g["id"] != str(team.pk) for g in groups["Resources"])
    searched = _send(
        client, "post", "/Groups/.search", other_secret, {"filter": 'displayName eq "Engineering"'}
    ).json()
    assert [g["id"] for g in searched["Resources"]] == [str(mallory_m.team_id)]
    assert _send(client, "post", "/.search", other_secret, {}).status_code == 501

    # Creating: a group can't take Acme's members; a user can't take an Acme account.
    response = _send(
        client,
        "post",
        "/Groups",
        other_secret,
        {"schemas": [GROUP], "displayName": "Mine", "members": [{"value": str(member.pk)}]},
    )
    assert response.status_code == 400
    response = _send(
        client,
        "post",
        "/Users",
        other_secret,
        {"schemas": [USER], "userName": "bob@acme.test", "emails": [{"value": "bob@acme.test"}]},
    )
    assert response.status_code == 409
    assert Membership.objects.filter(user=bob).count() == 1

    # Discovery answers the same for everyone and names nobody.
    for path in [
        "/ServiceProviderConfig",
        "/ResourceTypes",
        "/ResourceTypes/User",
        "/Schemas",
        f"/Schemas/{USER}",
    ]:
        response = _send(client, "get", path, other_secret)
        assert response.status_code == 200
        assert "acme" not in response.content.decode().lower()
