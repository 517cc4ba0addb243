"""Writes for API tokens: create (the secret is returned once, never stored) and revoke."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zichtbaar.api import tokens
from zichtbaar.api.models import ApiToken, Scope, TokenKind
from zichtbaar.orgs.models import Membership

# How often last_used_at is written: not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class NotAllowed(Exception):
    """The person may not create this token (an organisation token or the comms scope)."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # show it once; it can't be read back


def allowed_scopes(membership: Membership) -> list[str]:
    if membership.is_comms:
        return [Scope.READ, Scope.WRITE, Scope.COMMS]
    return [Scope.READ, Scope.WRITE]


def create_token(
    *,
    creator: Membership,
    name: str,
    scopes: list[str],
    organisation: bool = False,
    expires_at: dt.datetime | None = None,
) -> NewToken:
    """A personal token acting as `creator`, or (organisation=True, comms only) one acting for
    the organisation. Only comms may give the comms scope."""
    if organisation and not creator.is_comms:
        raise NotAllowed("organisation tokens are for communications")
    wanted = sorted(set(scopes), key=[s.value for s in Scope].index)
    if not wanted or not set(wanted) <= set(allowed_scopes(creator)):
        raise NotAllowed(f"scopes {wanted}")
    secret = tokens.new_secret()
    token = ApiToken.objects.create(
        org_id=creator.org_id,
        kind=TokenKind.ORGANISATION if organisation else TokenKind.PERSONAL,
        membership=None if organisation else creator,
        created_by=creator.user,
        name=name.strip(),
        scopes=wanted,
        prefix=tokens.prefix_of(secret),
        digest=tokens.digest(secret),
        expires_at=expires_at,
    )
    return NewToken(token, secret)


def revoke_token(token: ApiToken) -> bool:
    """Revoke once; False when it already was."""
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def mark_used(token: ApiToken, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
