"""SCIM 2.0 provisioning as Entra ID and Okta use it: people and teams created, changed and
deactivated through /scim/v2/ with an organisation's SCIM token."""

from __future__ import annotations

import json

import pytest

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class Scim:
    def __init__(self, client, secret):
        self.client, self.secret = client, secret

    def _h(self):
        return {"Authorization": f"Bearer {self.secret}"} if self.secret else {}

    def get(self, path, **params):
        return self.client.get("/scim/v2" + path, params, headers=self._h())

    def send(self, method, path, body=None):
        return getattr(self.client, method)(
            "/scim/v2" + path,
            json.dumps(body) if body is not None else "",
            content_type="application/scim+json",
            headers=self._h(),
        )


@pytest.fixture
def scim_secret(acme, alice):
    from zichtbaar.api.scim import services

    return services.create_token(org=acme, name="Entra ID", by=alice).secret


@pytest.fixture
def scim(client, scim_secret):
    return Scim(client, scim_secret)


def entra_user(email="dana@acme.test", **extra):
    """What Entra ID's default attribute mapping sends."""
    body = {
        "schemas": [USER],
        "externalId": "dana",
        "userName": email,
        "active": True,
        "displayName": "Dana Jansen",
        "emails": [{"primary": True, "type": "work", "value": email}],
        "name": {"formatted": "Dana Jansen", "familyName": "Jansen", "givenName": "Dana"},
        "title": "Engineer",
    }
    body.update(extra)
    return body


def test_without_a_valid_token_nothing_is_answered(client, scim, acme):
    assert client.get("/scim/v2/Users").status_code == 401
    bad = Scim(client, "zbscim_nottherightsecret0000000000000")
    response = bad.get("/Users")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/scim+json")
    assert response.json()["schemas"] == [ERROR]
    # An API token is not a SCIM token.
    from zichtbaar.api import services as api_services

    org_token = api_services.create_token(
        creator=acme.memberships.get(user__email="alice@acme.test"),
        name="x",
        scopes=["read", "write", "comms"],
        organisation=True,
    )
    assert Scim(client, org_token.secret).get("/Users").status_code == 401


def test_entra_creates_a_member_whose_address_is_not_marked_verified(scim, acme):
    from allauth.account.models import EmailAddress

    from zichtbaar.orgs.models import Membership

    response = scim.send("post", "/Users", entra_user())
    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/scim+json")
    body = response.json()
    assert body["userName"] == "dana@acme.test"
    assert body["displayName"] == "Dana Jansen"
    assert body["externalId"] == "dana"
    assert body["active"] is True
    assert response["Location"].endswith(f"/scim/v2/Users/{body['id']}")
    membership = Membership.objects.get(pk=body["id"])
    assert membership.org == acme and membership.role == "employee" and membership.is_active
    assert membership.user.name == "Dana Jansen"
    assert membership.user.profile.job_title == "Engineer"
    # As a CSV import: the address is not verified by being provisioned.
    assert not EmailAddress.objects.filter(user=membership.user, verified=True).exists()

    again = scim.send("post", "/Users", entra_user())
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness"


def test_an_account_of_another_organisation_is_not_attached_without_consent(scim, mallory):
    response = scim.send("post", "/Users", entra_user(email="mallory@other.test"))
    assert response.status_code == 409
    assert "Invite" in response.json()["detail"]
    assert mallory.memberships.count() == 1


def test_an_imported_member_is_matched_by_address(scim, bob):
    response = scim.send("post", "/Users", entra_user(email="bob@acme.test", externalId="bob"))
    assert response.status_code == 201
    assert response.json()["id"] == str(bob.memberships.get().pk)
    found = scim.get("/Users", filter='externalId eq "bob"').json()
    assert [r["id"] for r in found["Resources"]] == [response.json()["id"]]


def test_filters_entra_and_okta_send(scim, alice, bob, carol):
    by_user_name = scim.get("/Users", filter='userName eq "bob@acme.test"').json()
    assert by_user_name["totalResults"] == 1
    assert by_user_name["Resources"][0]["emails"][0]["value"] == "bob@acme.test"
    by_email = scim.get("/Users", filter='emails[type eq "work"].value eq "Carol@acme.test"').json()
    assert [r["userName"] for r in by_email["Resources"]] == ["carol@acme.test"]
    none = scim.get("/Users", filter='userName eq "nobody@acme.test"').json()
    assert none["totalResults"] == 0 and none["Resources"] == []
    bad = scim.get("/Users", filter='userName gt "a"')
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidFilter"


def test_pagination(scim, alice, bob, carol):
    first = scim.get("/Users", startIndex=1, count=2).json()
    assert first["totalResults"] == 3 and first["itemsPerPage"] == 2
    second = scim.get("/Users", startIndex=3, count=2).json()
    assert second["startIndex"] == 3 and len(second["Resources"]) == 1
    ids = {r["id"] for r in first["Resources"] + second["Resources"]}
    assert len(ids) == 3
    assert scim.get("/Users", count=0).json()["Resources"] == []


def test_entra_deactivates_and_reactivates_and_the_person_cannot_sign_in(scim, bob, client, login):
    member = bob.memberships.get()
    op = {"op": "Replace", "path": "active", "value": "False"}  # Entra sends a string
    response = scim.send("patch", f"/Users/{member.pk}", {"schemas": [PATCH], "Operations": [op]})
    assert response.status_code == 200 and response.json()["active"] is False
    member.refresh_from_db()
    assert not member.is_active
    login(bob)
    assert client.get("/me/api-tokens/").status_code == 403  # no active membership
    client.logout()
    okta = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]}
    assert scim.send("patch", f"/Users/{member.pk}", okta).json()["active"] is True
    member.refresh_from_db()
    assert member.is_active


def test_patch_changes_name_title_and_address(scim):
    created = scim.send("post", "/Users", entra_user()).json()
    ops = [
        {"op": "replace", "path": "displayName", "value": "Dana de Wit"},
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "dana.dewit@acme.test"},
        {"op": "add", "path": "title", "value": "Lead"},
        {"op": "replace", "path": "userName", "value": "dana.dewit@acme.test"},
    ]
    body = scim.send("patch", f"/Users/{created['id']}", {"schemas": [PATCH], "Operations": ops})
    assert body.status_code == 200, body.content
    data = body.json()
    assert data["displayName"] == "Dana de Wit"
    assert data["emails"] == [{"value": "dana.dewit@acme.test"}]
    assert data["title"] == "Lead"
    remove = {"op": "remove", "path": "title"}
    data = scim.send(
        "patch", f"/Users/{created['id']}", {"schemas": [PATCH], "Operations": [remove]}
    ).json()
    assert "title" not in data


def test_a_person_in_another_organisation_keeps_name_and_address(scim, acme, mallory):
    from zichtbaar.orgs.models import Membership

    Membership.objects.create(user=mallory, org=acme)
    member = mallory.memberships.get(org=acme)
    put = entra_user(email="m@acme.test", displayName="Renamed")
    response = scim.send("put", f"/Users/{member.pk}", put)
    assert response.status_code == 400 and response.json()["scimType"] == "mutability"
    put = entra_user(email="mallory@other.test", displayName="Renamed")
    assert scim.send("put", f"/Users/{member.pk}", put).status_code == 200
    mallory.refresh_from_db()
    assert mallory.name == "Mallory"


def test_put_replaces_and_okta_names_are_joined(scim):
    created = scim.send("post", "/Users", entra_user()).json()
    okta = {
        "schemas": [USER],
        "userName": "dana@acme.test",
        "name": {"givenName": "Dana", "familyName": "Smit"},
        "emails": [{"primary": True, "value": "dana@acme.test", "type": "work"}],
        "active": True,
    }
    data = scim.send("put", f"/Users/{created['id']}", okta).json()
    assert data["displayName"] == "Dana Smit" and "title" not in data


def test_delete_deactivates_keeps_the_data_and_hides_the_user(scim, bob):
    from zichtbaar.orgs.models import Membership

    member = bob.memberships.get()
    assert scim.send("delete", f"/Users/{member.pk}").status_code == 204
    member.refresh_from_db()
    assert not member.is_active
    assert Membership.objects.filter(pk=member.pk).exists()
    assert scim.get(f"/Users/{member.pk}").status_code == 404
    assert scim.get("/Users", filter='userName eq "bob@acme.test"').json()["totalResults"] == 0
    # Provisioned again: the same membership, active.
    again = scim.send("post", "/Users", entra_user(email="bob@acme.test"))
    assert again.status_code == 201 and again.json()["id"] == str(member.pk)
    member.refresh_from_db()
    assert member.is_active


def test_the_only_active_admin_is_not_deactivated(scim, acme):
    from zichtbaar.orgs.services import PersonData, upsert_person

    admin, _ = upsert_person(acme, PersonData(email="ad@acme.test", role="admin"))
    response = scim.send("delete", f"/Users/{admin.pk}")
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_active


def test_groups_are_teams(scim, acme, bob, carol):
    from zichtbaar.orgs.models import Membership, Team

    bob_m, carol_m = bob.memberships.get(), carol.memberships.get()
    created = scim.send(
        "post", "/Groups", {"schemas": [GROUP], "displayName": "Support", "members": []}
    )
    assert created.status_code == 201
    group = created.json()
    assert Team.objects.filter(org=acme, name="Support", pk=group["id"]).exists()
    found = scim.get("/Groups", filter='displayName eq "Support"').json()
    assert [g["id"] for g in found["Resources"]] == [group["id"]]

    add = {
        "op": "add",
        "path": "members",
        "value": [{"value": str(bob_m.pk)}, {"value": str(carol_m.pk)}],
    }
    scim.send("patch", f"/Groups/{group['id']}", {"schemas": [PATCH], "Operations": [add]})
    bob_m.refresh_from_db()
    assert bob_m.team.name == "Support"
    user = scim.get(f"/Users/{bob_m.pk}").json()
    assert user["groups"][0]["value"] == group["id"]

    remove = {"op": "remove", "path": f'members[value eq "{bob_m.pk}"]'}
    data = scim.send(
        "patch", f"/Groups/{group['id']}", {"schemas": [PATCH], "Operations": [remove]}
    ).json()
    assert [m["value"] for m in data["members"]] == [str(carol_m.pk)]
    bob_m.refresh_from_db()
    assert bob_m.team is None

    rename = {"op": "replace", "value": {"displayName": "Customer care"}}
    data = scim.send(
        "patch", f"/Groups/{group['id']}", {"schemas": [PATCH], "Operations": [rename]}
    ).json()
    assert data["displayName"] == "Customer care"

    put = {
        "schemas": [GROUP],
        "displayName": "Customer care",
        "members": [{"value": str(bob_m.pk)}],
    }
    data = scim.send("put", f"/Groups/{group['id']}", put).json()
    assert [m["value"] for m in data["members"]] == [str(bob_m.pk)]

    assert scim.send("delete", f"/Groups/{group['id']}").status_code == 204
    assert not Team.objects.filter(pk=group["id"]).exists()
    bob_m.refresh_from_db()
    assert bob_m.team is None and Membership.objects.filter(pk=bob_m.pk, is_active=True).exists()


def test_a_member_of_another_organisation_cannot_be_added_to_a_group(scim, mallory):
    response = scim.send(
        "post",
        "/Groups",
        {
            "schemas": [GROUP],
            "displayName": "X",
            "members": [{"value": str(mallory.memberships.get().pk)}],
        },
    )
    assert response.status_code == 400
    mallory.memberships.get().refresh_from_db()
    assert mallory.memberships.get().team.name == "Engineering"


def test_discovery_endpoints(scim):
    spc = scim.get("/ServiceProviderConfig").json()
    assert spc["patch"]["supported"] is True and spc["bulk"]["supported"] is False
    types = scim.get("/ResourceTypes").json()
    assert {t["id"] for t in types["Resources"]} == {"User", "Group"}
    schemas = scim.get("/Schemas").json()
    assert {s["id"] for s in schemas["Resources"]} == {USER, GROUP}
    assert scim.get(f"/Schemas/{USER}").json()["name"] == "User"
    assert scim.get("/Nope").status_code == 404


def test_errors_are_scim_errors(scim):
    response = scim.send("post", "/Users", {"schemas": [USER], "userName": "no-address"})
    assert response.status_code == 400
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == "400" and body["scimType"]
    assert scim.get("/Users/999999").json()["status"] == "404"


# --- the token page -------------------------------------------------------------------------


def test_comms_create_a_token_shown_once_and_revoke_it(client, login, alice, acme):
    from zichtbaar.api.models import ScimToken

    login(alice)
    page = client.post("/comms/scim-tokens/", {"name": "Entra ID", "create": "1"})
    assert page.status_code == 200
    token = ScimToken.objects.get(org=acme)
    html = page.content.decode()
    secret = html.split('id="new-token-secret" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("zbscim_") and token.digest != secret and secret not in token.digest
    assert Scim(client, secret).get("/Users").status_code == 200
    assert secret not in client.get("/comms/scim-tokens/").content.decode()
    client.post("/comms/scim-tokens/", {"revoke": str(token.pk)})
    assert Scim(client, secret).get("/Users").status_code == 401


def test_employees_cannot_see_the_token_page(client, login, bob):
    login(bob)
    assert client.get("/comms/scim-tokens/").status_code == 403
