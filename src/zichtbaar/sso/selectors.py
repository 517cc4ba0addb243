"""Reads about single sign-on: which provider an address or a login belongs to."""

from __future__ import annotations

import re

from django.core.cache import cache

from zichtbaar.orgs.models import Membership, User
from zichtbaar.sso.models import IdentityProvider

_PROVIDER_ID = re.compile(r"^(oidc|saml)-org(\d+)$")
_REQUIRED_KEY = "sso:required-orgs"


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def provider_of(org_id: int) -> IdentityProvider | None:
    return IdentityProvider.objects.select_related("org").filter(org_id=org_id).first()


def provider_for_email(email: str) -> IdentityProvider | None:
    """The switched-on provider whose organisation claims the address's domain (a domain is
    claimed by one organisation only: services.save_provider)."""
    domain = domain_of(email)
    if not domain:
        return None
    for idp in IdentityProvider.objects.select_related("org").filter(enabled=True):
        if domain in idp.allowed_domains:
            return idp
    return None


def provider_by_id(provider_id: str) -> IdentityProvider | None:
    """The provider behind allauth's provider id ("oidc-org12"); None for other providers
    (Sign in with LinkedIn) or a provider that was switched off."""
    match = _PROVIDER_ID.match(provider_id or "")
    if not match:
        return None
    idp = provider_of(int(match.group(2)))
    if idp is None or not idp.enabled or idp.protocol != match.group(1):
        return None
    return idp


def domain_claimed_elsewhere(domain: str, org_id: int) -> bool:
    return any(
        domain in domains
        for domains in IdentityProvider.objects.exclude(org_id=org_id).values_list(
            "allowed_domains", flat=True
        )
    )


def orgs_requiring_sso() -> frozenset[int]:
    """Organisations whose members must sign in through their provider (cached: the
    middleware asks on every request; services clear it on every change)."""
    cached = cache.get(_REQUIRED_KEY)
    if cached is None:
        cached = frozenset(
            IdentityProvider.objects.filter(enabled=True, sso_required=True).values_list(
                "org_id", flat=True
            )
        )
        cache.set(_REQUIRED_KEY, cached, 300)
    return frozenset(cached)


def forget_required_orgs() -> None:
    cache.delete(_REQUIRED_KEY)


def required_provider_for(user: User) -> IdentityProvider | None:
    """The provider this person must sign in through, if an organisation they are an active
    member of requires it. Operators (superusers) keep their password: the way back in when
    a provider breaks."""
    if user.is_superuser:
        return None
    required = orgs_requiring_sso()
    if not required:
        return None
    org_id = (
        Membership.objects.filter(user=user, is_active=True, org_id__in=required)
        .values_list("org_id", flat=True)
        .first()
    )
    return provider_of(org_id) if org_id else None


def providers_for_lookup(provider: str | None, client_id: str | None) -> list[IdentityProvider]:
    """The switched-on providers an allauth lookup could mean: one when the id or the SAML
    slug names it, else every one of the protocol (or all)."""
    queryset = IdentityProvider.objects.select_related("org").filter(enabled=True)
    match = _PROVIDER_ID.match(provider or "")
    if match:
        return list(queryset.filter(org_id=int(match.group(2)), protocol=match.group(1)))
    slug = re.match(r"^org(\d+)$", client_id or "")
    if slug:
        queryset = queryset.filter(org_id=int(slug.group(1)))
    if provider == "openid_connect":
        queryset = queryset.filter(protocol=IdentityProvider.Protocol.OIDC)
    elif provider == "saml":
        queryset = queryset.filter(protocol=IdentityProvider.Protocol.SAML)
    elif provider:
        return []
    return list(queryset)


def provider_by_slug(slug: str) -> IdentityProvider | None:
    match = re.match(r"^org(\d+)$", slug or "")
    if not match:
        return None
    idp = provider_of(int(match.group(1)))
    return idp if idp is not None and idp.enabled else None


def provider_origin(idp: IdentityProvider) -> str:
    """Where the browser is sent to sign in: the issuer's origin (OpenID providers serve their
    authorization endpoint there) or the SAML single sign-on address's."""
    from urllib.parse import urlsplit

    parts = urlsplit(
        idp.issuer if idp.protocol == IdentityProvider.Protocol.OIDC else idp.idp_sso_url
    )
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "'self'"
