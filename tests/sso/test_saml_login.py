"""A full SAML 2.0 sign-in against a real local identity provider (pysaml2 as IdP, signed
responses): a member signs in, a newcomer joins through a verified domain with their group's
team, and a response meant for another organisation, or replayed, opens nothing."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fakes.saml_idp import SamlIdP
from tests.sso.conftest import saml_provider_for

pytestmark = pytest.mark.django_db


def _form_fields(page: str) -> dict[str, str]:
    return {
        name: unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)
    }


def saml_login(
    client, idp: SamlIdP, provider, email: str, *, keep: list | None = None, sha1: bool = False
):
    """Start at the organisation's button, sign in at the IdP as `email`, post its answer to
    the ACS and follow Zichtbaar's redirects; returns the last answer."""
    idp.trust(
        client.get(
            f"/accounts/saml/{provider.slug}/metadata/", HTTP_HOST="testserver"
        ).content.decode()
    )
    start = client.post(f"/sso/{provider.slug}/", HTTP_HOST="testserver")
    assert start.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    fields = _form_fields(
        idp.sign_in(query["SAMLRequest"], query.get("RelayState", ""), email, sha1=sha1)
    )
    if keep is not None:
        keep.append(fields)
    return post_to_acs(client, provider, fields)


def post_to_acs(client, provider, fields: dict[str, str]):
    response = client.post(f"/accounts/saml/{provider.slug}/acs/", fields, HTTP_HOST="testserver")
    while response.status_code == 302 and response["Location"].startswith("/accounts/saml/"):
        response = client.get(response["Location"], HTTP_HOST="testserver")
    return response


def test_a_member_signs_in_through_the_saml_idp(client, acme, bob, saml_server):
    provider = saml_provider_for(acme, saml_server)
    saml_server.add_person("bob@acme.test", "Bob", "de Vries")
    response = saml_login(client, saml_server, provider, "bob@acme.test")
    assert response.status_code == 302, response.content[:400]
    assert int(client.session["_auth_user_id"]) == bob.pk
    assert "Signature" in saml_server.responses[-1]  # what signed Bob in was signed


def test_a_newcomer_joins_through_the_verified_domain_with_their_groups_team(
    client, acme, saml_server
):
    from zichtbaar.orgs.models import Membership, Team

    sales = Team.objects.create(org=acme, name="Sales")
    provider = saml_provider_for(
        acme, saml_server, jit_enabled=True, group_teams=[["grp-sales", sales.pk]]
    )
    saml_server.add_person("dana@acme.test", "Dana", "Jansen", groups=["grp-sales"])
    response = saml_login(client, saml_server, provider, "dana@acme.test")
    assert response.status_code == 302, response.content[:400]
    membership = Membership.objects.get(user__email="dana@acme.test")
    assert membership.org == acme and membership.team == sales
    assert membership.user.name == "Dana Jansen"


def test_an_address_outside_the_domains_is_refused(client, acme, saml_server):
    from zichtbaar.orgs.models import User

    provider = saml_provider_for(acme, saml_server, jit_enabled=True)
    saml_server.add_person("eve@elsewhere.test", "Eve", "")
    saml_login(client, saml_server, provider, "eve@elsewhere.test")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="eve@elsewhere.test").exists()


def test_a_response_replayed_or_sent_to_another_organisation_opens_nothing(
    client, acme, other_org, bob, saml_server
):
    """An attacker who captured Bob's response posts it again, and to the other organisation's ACS (the other organisation
    trusting the same IdP): neither signs anybody in."""
    from django.test import Client

    acme_idp = saml_provider_for(acme, saml_server)
    other_idp = saml_provider_for(other_org, saml_server)
    saml_server.add_person("bob@acme.test", "Bob", "de Vries")
    kept: list[dict[str, str]] = []
    saml_login(client, saml_server, acme_idp, "bob@acme.test", keep=kept)
    assert int(client.session["_auth_user_id"]) == bob.pk

    for target in (acme_idp, other_idp):
        attacker = Client()
        post_to_acs(attacker, target, kept[0])
        assert "_auth_user_id" not in attacker.session


def test_a_response_signed_with_sha1_is_refused(client, acme, bob, saml_server):
    """SHA-1 signatures can be forged; python3-saml's strict mode refuses them and so do we."""
    provider = saml_provider_for(acme, saml_server)
    saml_server.add_person("bob@acme.test", "Bob", "de Vries")
    response = saml_login(client, saml_server, provider, "bob@acme.test", sha1=True)
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session
