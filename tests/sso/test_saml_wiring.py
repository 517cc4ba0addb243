"""SAML 2.0 through allauth with the organisation's settings: the metadata the IdP imports, the
redirect to the IdP with a request, and a response that isn't signed by the IdP refused.
(The full login against a local SAML IdP is in test_saml_login.py.)"""

from __future__ import annotations

import base64
import datetime as dt
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

pytestmark = pytest.mark.django_db


def _certificate() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.acme.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def saml_idp(acme):
    from zichtbaar.sso import services

    return services.save_provider(
        acme,
        protocol="saml",
        label="Acme SAML",
        enabled=True,
        idp_entity_id="https://idp.acme.test/saml",
        idp_sso_url="https://idp.acme.test/sso",
        idp_x509cert=_certificate()
        .replace("-----BEGIN CERTIFICATE-----", "")
        .replace("-----END CERTIFICATE-----", "")
        .replace("\n", ""),
        allowed_domains=["acme.test"],
        jit_enabled=False,
        jit_role="employee",
        jit_team=None,
        groups_claim="groups",
        group_teams=[],
    )


def test_the_metadata_names_our_acs_address(client, saml_idp):
    response = client.get(f"/accounts/saml/{saml_idp.slug}/metadata/", HTTP_HOST="testserver")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/accounts/saml/{saml_idp.slug}/acs/" in body
    assert "EntityDescriptor" in body


def test_signing_in_sends_the_browser_to_the_idp_with_a_request(client, saml_idp):
    page = client.get(f"/sso/{saml_idp.slug}/")
    assert "https://idp.acme.test" in page["Content-Security-Policy"]
    response = client.post(f"/sso/{saml_idp.slug}/", HTTP_HOST="testserver")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://idp.acme.test/sso"
    request = zlib.decompress(
        base64.b64decode(parse_qs(target.query)["SAMLRequest"][0]), -15
    ).decode()
    assert "AuthnRequest" in request and f"/accounts/saml/{saml_idp.slug}/acs/" in request


def test_an_unsigned_response_signs_nobody_in(client, saml_idp, bob):
    forged = base64.b64encode(
        b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="x" '
        b'Version="2.0" IssueInstant="2026-01-01T00:00:00Z"><saml:Assertion '
        b'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Subject><saml:NameID>'
        b"bob@acme.test</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>"
    ).decode()
    response = client.post(
        f"/accounts/saml/{saml_idp.slug}/acs/", {"SAMLResponse": forged}, HTTP_HOST="testserver"
    )
    final = (
        client.get(response["Location"], HTTP_HOST="testserver")
        if response.status_code == 302
        else response
    )
    assert final.status_code in (400, 401, 403)  # allauth answers 401 with our error page
    assert "Not signed in" in final.content.decode() or "Niet ingelogd" in final.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_certificate_must_be_one(login, acme):
    from tests.conftest import _person
    from zichtbaar.orgs.models import Role
    from zichtbaar.sso.models import IdentityProvider

    ada = _person(acme, "ada@acme.test", "Ada", role=Role.ADMIN, language="en")
    response = login(ada).post(
        "/comms/sso/",
        {
            "protocol": "saml",
            "label": "Acme SAML",
            "enabled": "on",
            "idp_entity_id": "https://idp.acme.test/saml",
            "idp_sso_url": "https://idp.acme.test/sso",
            "idp_x509cert": "not a certificate",
            "domains": "acme.test",
            "jit_role": "employee",
            "groups_claim": "groups",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "not a certificate" in str(response.context["form"].errors["idp_x509cert"])
    assert not IdentityProvider.objects.exists()
