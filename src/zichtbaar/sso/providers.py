"""allauth's view of an organisation's identity provider: an unsaved SocialApp built from
IdentityProvider on each request (as allauth does for apps in settings), so nothing about the
provider is kept twice and the secret is decrypted only in memory."""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings

from zichtbaar.sharing import linkedin
from zichtbaar.sharing.linkedin import client as linkedin_client
from zichtbaar.sso import secrets
from zichtbaar.sso.models import IdentityProvider

OIDC = "openid_connect"
SAML = "saml"
LINKEDIN = "linkedin"  # Sign in with LinkedIn: allauth's OpenID Connect provider, this id


def linkedin_sign_in() -> bool:
    """Sign in with LinkedIn is offered: the operator's LinkedIn app is set up (the same app
    as direct posting, docs/linkedin.md) and ZICHTBAAR_LINKEDIN_SIGN_IN is not switched off."""
    return linkedin.configured() and bool(settings.ZICHTBAAR_LINKEDIN_SIGN_IN)


def linkedin_app() -> SocialApp:
    # LinkedIn's discovery document sits at <oauth>/.well-known/openid-configuration, one level
    # above the /v2 endpoints that ZICHTBAAR_LINKEDIN_OAUTH_URL names.
    base = linkedin_client.oauth_url().removesuffix("/v2")
    return SocialApp(
        provider=OIDC,
        provider_id=LINKEDIN,
        name="LinkedIn",
        client_id=linkedin_client.client_id(),
        secret=linkedin_client.client_secret(),
        settings={
            "server_url": base,
            "scope": ["openid", "profile", "email"],
            "token_auth_method": "client_secret_post",  # the only one LinkedIn takes
            "email_authentication": False,  # matched by sso/adapters.py
        },
    )


def _saml_attribute_mapping(idp: IdentityProvider) -> dict[str, list[str]]:
    mapping = {key: list(value) for key, value in SAMLProvider.default_attribute_mapping.items()}
    # Entra ID and Okta also name the given and family names this way.
    mapping["first_name"].append("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname")
    mapping["last_name"].append("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname")
    mapping["email"].append("email")
    return mapping


def social_app(idp: IdentityProvider) -> SocialApp:
    common = {"zichtbaar_org": idp.org_id, "groups_claim": idp.groups_claim}
    if idp.protocol == IdentityProvider.Protocol.OIDC:
        return SocialApp(
            provider=OIDC,
            provider_id=idp.provider_id,
            name=idp.label,
            client_id=idp.client_id,
            secret=secrets.decrypt(idp.client_secret),
            settings={
                **common,
                "server_url": idp.issuer,
                "oauth_pkce_enabled": True,
                # Addresses are matched by sso/adapters.py, never by allauth's e-mail login.
                "email_authentication": False,
            },
        )
    return SocialApp(
        provider=SAML,
        provider_id=idp.provider_id,
        name=idp.label,
        client_id=idp.slug,
        settings={
            **common,
            "email_authentication": False,
            "idp": {
                "entity_id": idp.idp_entity_id,
                "sso_url": idp.idp_sso_url,
                "x509cert": idp.idp_x509cert,
            },
            "attribute_mapping": _saml_attribute_mapping(idp),
            "use_nameid_for_email": False,
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                # Only logins Zichtbaar started: an unsolicited assertion could be replayed.
                "reject_idp_initiated_sso": True,
                # Our own addresses are checked too; "localhost" and "testserver" are single
                # labels, and what we build from SITE_URL needs no second opinion.
                "allow_single_label_domains": True,
            },
        },
    )


def apps_for(idps: list[IdentityProvider], provider: str | None, client_id: str | None) -> list:
    candidates = [social_app(idp) for idp in idps]
    if linkedin_sign_in() and provider in (None, OIDC, LINKEDIN):
        candidates.append(linkedin_app())
    apps = []
    for app in candidates:
        if provider and provider not in (app.provider, app.provider_id):
            continue
        if client_id and app.client_id != client_id:
            continue
        apps.append(app)
    return apps
