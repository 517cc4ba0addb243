"""A real OpenID provider (oidc-provider-mock) on a free port, and helpers that walk its login
with an HTTP client, the way a browser follows the redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.fakes.saml_idp import SamlIdP


@pytest.fixture(scope="session")
def oidc_server():
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def oidc_provider_for(org, server: str, **changes):
    """An organisation's OpenID provider at `server` (acme.test allowed, no just-in-time
    membership unless `changes` say otherwise)."""
    from zichtbaar.sso import services

    fields = {
        "client_secret": "s3cret-of-acme",
        "protocol": "oidc",
        "label": "Acme ID",
        "enabled": True,
        "issuer": server,
        "client_id": "zichtbaar-acme",
        "allowed_domains": ["acme.test"],
        "jit_enabled": False,
        "jit_role": "employee",
        "jit_team": None,
        "groups_claim": "groups",
        "group_teams": [],
    }
    fields.update(changes)
    return services.save_provider(org, **fields)


@pytest.fixture
def oidc_idp(db, acme, oidc_server):
    """Acme's provider: OpenID Connect, acme.test allowed, no just-in-time membership."""
    return oidc_provider_for(acme, oidc_server)


def set_user(server: str, sub: str, **claims) -> None:
    requests.put(f"{server}/users/{sub}", json=claims, timeout=5).raise_for_status()


def oidc_login(client, server: str, sub: str, *, start=None, **claims):
    """Sign in through the provider as `sub` (with these claims); returns the last answer of
    Zichtbaar (the callback's), not followed."""
    set_user(server, sub, **claims)
    if start is None:
        first = client.post("/sso/", {"email": claims.get("email", sub)})
        assert first.status_code == 302, first.content[:500]
        response = client.post(first["Location"].split("?")[0], {"email": claims.get("email", sub)})
    else:
        response = start()
    assert response.status_code == 302, response.content[:500]
    authorize = response["Location"]
    assert authorize.startswith(server), authorize
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code in (302, 303), answer.text[:300]
    callback = urlsplit(answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


@pytest.fixture(scope="session")
def saml_server():
    idp = SamlIdP().start()
    yield idp
    idp.stop()


def saml_provider_for(org, idp: SamlIdP, **changes):
    from zichtbaar.sso import services

    fields = {
        "protocol": "saml",
        "label": "Acme SAML",
        "enabled": True,
        "idp_entity_id": idp.entity_id,
        "idp_sso_url": idp.sso_url,
        "idp_x509cert": idp.certificate,
        "allowed_domains": ["acme.test"],
        "jit_enabled": False,
        "jit_role": "employee",
        "jit_team": None,
        "groups_claim": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        "group_teams": [],
    }
    fields.update(changes)
    return services.save_provider(org, **fields)
