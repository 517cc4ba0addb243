"""The admin's single sign-on page: admins only, field-level errors, nothing of another
organisation's."""

from __future__ import annotations

import pytest

from tests.conftest import _person
from zichtbaar.orgs.models import Role
from zichtbaar.sso import secrets
from zichtbaar.sso.models import IdentityProvider


@pytest.fixture
def ada(acme):
    return _person(acme, "ada@acme.test", "Ada Admin", role=Role.ADMIN, language="en")


def _form(**changes):
    data = {
        "protocol": "oidc",
        "label": "Acme ID",
        "enabled": "on",
        "issuer": "http://localhost:9/realms/acme",
        "client_id": "zichtbaar",
        "client_secret": "top-secret",
        "domains": "acme.test, @Acme.NL",
        "jit_role": "employee",
        "groups_claim": "groups",
        "mapping": "",
    }
    data.update(changes)
    return data


def test_comms_and_employees_are_refused(login, alice, bob):
    for user in (alice, bob):
        assert login(user).get("/comms/sso/").status_code == 403
        assert login(user).post("/comms/sso/", _form()).status_code == 403
    assert not IdentityProvider.objects.exists()


def test_an_admin_sets_it_up_and_the_secret_is_kept_encrypted(login, ada, acme):
    client = login(ada)
    page = client.get("/comms/sso/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/accounts/oidc/oidc-org{acme.pk}/login/callback/" in page
    response = client.post("/comms/sso/", _form(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    idp = IdentityProvider.objects.get(org=acme)
    assert idp.allowed_domains == ["acme.test", "acme.nl"]
    assert "top-secret" not in idp.client_secret
    assert secrets.decrypt(idp.client_secret) == "top-secret"
    page = client.get("/comms/sso/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "top-secret" not in page and idp.client_secret not in page


def test_bad_input_gets_field_errors_and_keeps_the_rest(login, ada, acme):
    response = login(ada).post(
        "/comms/sso/",
        _form(domains="gmail.com", mapping="sales = Nowhere", issuer=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Anyone can have an address" in str(errors["domains"])
    assert "there is no team" in str(errors["mapping"])
    assert "issuer" in errors
    assert 'value="Acme ID"' in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_an_issuer_on_an_internal_address_is_refused_in_production(login, ada, settings):
    settings.DEBUG = False
    settings.TESTING = False
    response = login(ada).post(
        "/comms/sso/", _form(issuer="https://10.0.0.5/realms/acme"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "issuer" in response.context["form"].errors


def test_another_organisations_admin_sees_and_changes_only_their_own(login, ada, other_org):
    login(ada).post("/comms/sso/", _form())
    eve = _person(other_org, "eve@other.test", "Eve", role=Role.ADMIN, language="en")
    client = login(eve)
    page = client.get("/comms/sso/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Acme ID" not in page and "acme.test" not in page
    client.post("/comms/sso/remove/")
    client.post("/comms/sso/required/", {"required": "0"})
    assert IdentityProvider.objects.filter(org=ada.memberships.get().org).exists()
