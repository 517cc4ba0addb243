"""Creating and revoking tokens in the app: the secret is shown once and never stored."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zichtbaar.api.models import ApiToken


def _secret(response) -> str:
    html = response.content.decode()
    start = html.index('id="new-token-secret"')
    value = html.index('value="', start) + len('value="')
    return html[value : html.index('"', value)]


def test_a_person_creates_a_token_sees_it_once_and_the_database_holds_only_its_digest(
    login, bob, api
):
    client = login(bob)
    r = client.post("/me/api-tokens/", {"name": "My dashboard", "scopes": ["read"]})
    assert r.status_code == 200
    secret = _secret(r)
    assert secret.startswith("zb_") and len(secret) > 40
    token = ApiToken.objects.get()
    assert token.kind == "personal" and token.membership.user == bob
    assert token.scopes == ["read"] and token.prefix == secret[:11]
    # Hashed at rest: no column of any token row holds the secret.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(secret not in str(v) for v in row.values())
    assert token.digest != secret and len(token.digest) == 64
    # Shown once: the list shows only the prefix.
    page = client.get("/me/api-tokens/").content.decode()
    assert "My dashboard" in page and token.prefix in page and secret not in page
    # And it works.
    client.logout()
    assert api.get("/moments", secret).status_code == 200


def test_an_employee_can_not_give_the_comms_scope_nor_open_the_organisation_page(login, carol):
    client = login(carol)
    r = client.post("/me/api-tokens/", {"name": "Sneaky", "scopes": ["read", "comms"]})
    assert r.status_code == 400
    assert "You can&#x27;t give a token this permission." in r.content.decode()
    assert not ApiToken.objects.exists()
    assert client.get("/comms/api-tokens/").status_code == 403
    assert client.post("/comms/api-tokens/", {"name": "x", "scopes": ["read"]}).status_code == 403
    assert not ApiToken.objects.exists()


def test_field_errors_are_shown_by_their_field(login, carol):
    client = login(carol)  # English
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    r = client.post("/me/api-tokens/", {"name": "", "scopes": [], "expires_on": yesterday})
    html = r.content.decode()
    assert r.status_code == 400
    assert "Give the token a name, so you recognise it later." in html
    assert "Choose at least one thing the token may do." in html
    assert "Choose a day after today." in html
    assert 'id="id_name_errors"' in html


def test_comms_create_an_organisation_token(login, alice, api):
    client = login(alice)
    r = client.post("/comms/api-tokens/", {"name": "Intranet", "scopes": ["read", "comms"]})
    assert r.status_code == 200
    secret = _secret(r)
    token = ApiToken.objects.get()
    assert token.kind == "organisation" and token.membership is None
    assert token.created_by == alice and token.scopes == ["read", "comms"]
    client.logout()
    assert api.get("/people", secret).status_code == 200


def test_revoking_stops_the_token_at_once(login, carol, api, make_token):
    new = make_token(carol)
    assert api.get("/moments", new.secret).status_code == 200
    client = login(carol)
    r = client.post("/me/api-tokens/", {"revoke": new.token.pk}, follow=True)
    assert "Revoked. test no longer works." in r.content.decode()
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    client.logout()
    r = api.get("/moments", new.secret)
    assert r.status_code == 401 and r["Content-Type"] == "application/problem+json"


def test_nobody_revokes_someone_elses_token(login, bob, carol, alice, make_token):
    carols = make_token(carol)
    orgs = make_token(alice, organisation=True)
    client = login(bob)
    assert client.post("/me/api-tokens/", {"revoke": carols.token.pk}).status_code == 404
    assert client.post("/me/api-tokens/", {"revoke": orgs.token.pk}).status_code == 404
    assert client.post("/me/api-tokens/", {"revoke": "1e9"}).status_code == 404
    # comms revoke organisation tokens on their page, not a colleague's personal token
    client = login(alice)
    assert client.post("/comms/api-tokens/", {"revoke": carols.token.pk}).status_code == 404
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0


def test_the_pages_need_a_signed_in_member_and_csrf(client, bob):
    assert client.get("/me/api-tokens/").status_code == 302
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(bob)
    assert strict.post("/me/api-tokens/", {"name": "x", "scopes": ["read"]}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_page_speaks_dutch_to_a_dutch_person(login, bob):
    # Passes once the Dutch translations (/tmp/po/api.po) are merged into the catalogue.
    html = login(bob).get("/me/api-tokens/").content.decode()
    assert "Mijn API-tokens" in html and "Token maken" in html
