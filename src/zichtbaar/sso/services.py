"""Writes about single sign-on: the admin's configuration, members joining and signing in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from zichtbaar.orgs.models import Membership, Organisation, Profile, Role, Team, User
from zichtbaar.orgs.services import mark_email_verified
from zichtbaar.sso import secrets, selectors
from zichtbaar.sso.models import IdentityProvider

# What identifies the provider: changing any of these asks for a new test sign-in before
# single sign-on can be required again.
_CONNECTION_FIELDS = (
    "protocol",
    "issuer",
    "client_id",
    "idp_entity_id",
    "idp_sso_url",
    "idp_x509cert",
)


@transaction.atomic
def save_provider(org: Organisation, *, client_secret: str = "", **fields: Any) -> IdentityProvider:
    """Create or update the organisation's provider (fields as sso.forms.ProviderForm cleans
    them; an empty client_secret keeps the stored one)."""
    idp = IdentityProvider.objects.select_for_update().filter(org=org).first()
    if idp is None:
        idp = IdentityProvider(org=org)
    changed = idp.pk is None or any(
        getattr(idp, name) != fields.get(name, getattr(idp, name)) for name in _CONNECTION_FIELDS
    )
    for name, value in fields.items():
        setattr(idp, name, value)
    if client_secret:
        idp.client_secret = secrets.encrypt(client_secret)
        changed = True
    if changed:
        idp.tested_at = None
        idp.sso_required = False  # required again only after a sign-in through the new one
    if idp.protocol == IdentityProvider.Protocol.SAML:
        idp.client_secret = ""
    idp.save()
    transaction.on_commit(selectors.forget_required_orgs)
    return idp


def delete_provider(org: Organisation) -> None:
    IdentityProvider.objects.filter(org=org).delete()
    transaction.on_commit(selectors.forget_required_orgs)


def team_for_groups(idp: IdentityProvider, groups: Sequence[str]) -> Team | None:
    """The team of the first mapping line whose group the person is in."""
    have = {g.strip().casefold() for g in groups}
    for group, team_id in idp.group_teams:
        if str(group).strip().casefold() in have:
            return Team.objects.filter(org_id=idp.org_id, pk=team_id).first()
    return None


@transaction.atomic
def join_just_in_time(idp: IdentityProvider, user: User, groups: Sequence[str]) -> Membership:
    """A person from an allowed domain signs in for the first time: they join with the
    provider's default role and team (or the team their groups map to)."""
    user.name = user.name or " ".join(p for p in (user.first_name, user.last_name) if p)
    user.save(update_fields=["name"])
    Profile.objects.get_or_create(user=user, defaults={"language": idp.org.default_language})
    membership, _created = Membership.objects.get_or_create(
        user=user,
        org=idp.org,
        defaults={
            "role": idp.jit_role if idp.jit_role != Role.ADMIN else Role.EMPLOYEE,
            "team": team_for_groups(idp, groups) or idp.jit_team,
        },
    )
    mark_email_verified(user)
    return membership


@transaction.atomic
def signed_in(idp: IdentityProvider, user: User, groups: Sequence[str]) -> None:
    """After every sign-in through the provider: the address is the organisation's to vouch for
    (its domain, its provider), the groups may move the person to another team, and an admin's
    sign-in proves the configuration works."""
    mark_email_verified(user)
    membership = Membership.objects.filter(user=user, org_id=idp.org_id).first()
    if membership is None:
        return
    team = team_for_groups(idp, groups)
    if team is not None and membership.team_id != team.pk:
        membership.team = team
        membership.save(update_fields=["team"])
    if membership.role == Role.ADMIN:
        IdentityProvider.objects.filter(pk=idp.pk).update(tested_at=timezone.now())


def set_required(idp: IdentityProvider, required: bool) -> bool:
    """Require single sign-on (only once an admin signed in through it) or stop requiring it."""
    if required and idp.tested_at is None:
        return False
    IdentityProvider.objects.filter(pk=idp.pk).update(sso_required=required)
    transaction.on_commit(selectors.forget_required_orgs)
    return True


def rotate_secrets() -> int:
    count = 0
    for idp in IdentityProvider.objects.exclude(client_secret=""):
        idp.client_secret = secrets.rotate(idp.client_secret)
        idp.save(update_fields=["client_secret"])
        count += 1
    return count
