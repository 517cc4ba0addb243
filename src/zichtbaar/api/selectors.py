"""Reads for API tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from zichtbaar.api import tokens
from zichtbaar.api.models import ApiToken, TokenKind
from zichtbaar.orgs.models import Membership, Organisation


def personal_tokens(membership: Membership) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(
        org_id=membership.org_id, membership=membership, kind=TokenKind.PERSONAL
    )


def organisation_tokens(org: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(org=org, kind=TokenKind.ORGANISATION).select_related(
        "created_by"
    )


def active_token(secret: str) -> ApiToken | None:
    """The token this secret belongs to, when it is neither revoked nor expired and (for a
    personal token) its membership is still active; else None.

    Looked up by the stored prefix, then compared in constant time with each candidate's
    digest, so neither the lookup nor the comparison tells how much of a guess was right."""
    if not tokens.looks_like_token(secret):
        return None
    now = timezone.now()
    candidates = ApiToken.objects.filter(
        prefix=tokens.prefix_of(secret), revoked_at__isnull=True
    ).select_related("org", "membership", "membership__user", "membership__team")
    found = None
    for token in candidates:
        if tokens.matches(secret, token.digest):
            found = token
    if found is None or (found.expires_at is not None and found.expires_at <= now):
        return None
    if found.membership is not None and not found.membership.is_active:
        return None
    return found
