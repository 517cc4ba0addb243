"""Writes for SCIM: tokens (created, revoked) and the people and teams an identity provider
provisions. The orgs people services need a person doing the change (`by`); a SCIM token acts
for no one, so the same rules are applied here: a name or address only changes while the person
belongs to no other organisation, the last active administrator stays, and an address is never
marked verified (as a CSV import doesn't)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from zichtbaar.api.models import ScimGroup, ScimToken, ScimUser
from zichtbaar.api.scim.errors import ScimError
from zichtbaar.orgs.models import Membership, Organisation, Profile, Role, Team, User
from zichtbaar.orgs.services import NeedsConsent, PersonData, name_is_editable, upsert_person

PREFIX = "zbscim_"
PREFIX_LENGTH = len(PREFIX) + 8


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewScimToken:
    token: ScimToken
    secret: str  # shown once


def create_token(*, org: Organisation, name: str, by: User | None) -> NewScimToken:
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        org=org,
        created_by=by,
        name=name.strip()[:100],
        prefix=secret[:PREFIX_LENGTH],
        digest=_digest(secret),
    )
    return NewScimToken(token, secret)


def revoke_token(token: ScimToken) -> bool:
    return bool(
        ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def active_token(secret: str) -> ScimToken | None:
    if not secret.startswith(PREFIX) or not PREFIX_LENGTH < len(secret) <= 200:
        return None
    found = None
    for token in ScimToken.objects.filter(
        prefix=secret[:PREFIX_LENGTH], revoked_at__isnull=True
    ).select_related("org"):
        if hmac.compare_digest(_digest(secret), token.digest):
            found = token
    if found is not None:
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ScimToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


# --- Users ----------------------------------------------------------------------------------


@dataclass
class UserInput:
    user_name: str
    email: str
    name: str
    title: str
    active: bool
    external_id: str


def _only_active_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ADMIN
        and membership.is_active
        and not Membership.objects.filter(org_id=membership.org_id, role=Role.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


def _set_active(membership: Membership, active: bool) -> None:
    if membership.is_active == active:
        return
    if not active and _only_active_admin(membership):
        raise ScimError(
            400,
            "This person is the organisation's only active administrator; make someone else "
            "administrator in Zichtbaar first.",
            "mutability",
        )
    membership.is_active = active
    membership.save(update_fields=["is_active"])


def _user_name_taken(org: Organisation, user_name: str, exclude: int | None) -> bool:
    taken = ScimUser.objects.filter(
        membership__org=org, user_name__iexact=user_name, deleted_at__isnull=True
    )
    if exclude is not None:
        taken = taken.exclude(membership_id=exclude)
    return taken.exists()


@transaction.atomic
def create_user(org: Organisation, data: UserInput) -> Membership:
    if _user_name_taken(org, data.user_name, None):
        raise ScimError(409, "A user with this userName exists.", "uniqueness")
    try:
        membership, _created = upsert_person(
            org, PersonData(email=data.email, name=data.name or "", job_title=data.title or "")
        )
    except NeedsConsent:
        raise ScimError(
            409,
            "This address belongs to an account outside this organisation. Invite the person "
            "in Zichtbaar: only they can join their account to it.",
            "uniqueness",
        ) from None
    link = ScimUser.objects.filter(membership=membership).first()
    if link is not None and link.deleted_at is None:
        raise ScimError(409, "A user with this e-mail address exists.", "uniqueness")
    if link is None:
        link = ScimUser(membership=membership)
    link.user_name, link.external_id, link.deleted_at = data.user_name, data.external_id, None
    link.save()
    _set_active(membership, data.active)
    return membership


@transaction.atomic
def replace_user(membership: Membership, data: UserInput) -> Membership:
    org = membership.org
    if _user_name_taken(org, data.user_name, membership.pk):
        raise ScimError(409, "A user with this userName exists.", "uniqueness")
    user = membership.user
    editable = name_is_editable(membership)
    if data.email.lower() != user.email.lower():
        if not editable:
            raise ScimError(
                400,
                "This person also belongs to another organisation: their address can't be "
                "changed from here.",
                "mutability",
            )
        if User.objects.filter(email__iexact=data.email).exclude(pk=user.pk).exists():
            raise ScimError(409, "Another account has this e-mail address.", "uniqueness")
        # The old address's verification says nothing about the new one.
        EmailAddress.objects.filter(user=user).delete()
        user.email = data.email.lower()
        user.save(update_fields=["email"])
    if editable and data.name.strip()[:150] != user.name:
        user.name = data.name.strip()[:150]
        user.save(update_fields=["name"])
    if editable:
        Profile.objects.filter(user=user).update(job_title=data.title[:120])
    link, _ = ScimUser.objects.get_or_create(membership=membership, defaults={"user_name": ""})
    link.user_name, link.external_id = data.user_name, data.external_id
    link.save()
    _set_active(membership, data.active)
    return membership


@transaction.atomic
def delete_user(membership: Membership) -> None:
    """Deactivate: the membership stays (inactive) with its data until erasure."""
    _set_active(membership, False)
    link, _ = ScimUser.objects.get_or_create(
        membership=membership, defaults={"user_name": membership.user.email}
    )
    link.deleted_at = timezone.now()
    link.save(update_fields=["deleted_at", "updated_at"])


# --- Groups ---------------------------------------------------------------------------------


def _check_name(org: Organisation, name: str, exclude: int | None) -> str:
    name = name.strip()[:120]
    if not name:
        raise ScimError(400, "displayName is required.", "invalidValue")
    taken = Team.objects.filter(org=org, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ScimError(409, "A group with this displayName exists.", "uniqueness")
    return name


def _set_members(team: Team, member_ids: list[int]) -> None:
    wanted = set(member_ids)
    found = set(
        Membership.objects.filter(org_id=team.org_id, pk__in=wanted).values_list("pk", flat=True)
    )
    if found != wanted:
        raise ScimError(400, "A member is not a user of this organisation.", "invalidValue")
    Membership.objects.filter(team=team).exclude(pk__in=wanted).update(team=None)
    Membership.objects.filter(pk__in=wanted).update(team=team)


def _set_external_id(team: Team, external_id: str) -> None:
    ScimGroup.objects.update_or_create(team=team, defaults={"external_id": external_id})


@transaction.atomic
def create_group(
    org: Organisation, name: str, member_ids: list[int], external_id: str = ""
) -> Team:
    team = Team.objects.create(org=org, name=_check_name(org, name, None))
    _set_members(team, member_ids)
    _set_external_id(team, external_id)
    return team


@transaction.atomic
def replace_group(team: Team, name: str, member_ids: list[int], external_id: str = "") -> Team:
    name = _check_name(team.org, name, team.pk)
    if name != team.name:
        team.name = name
        team.save(update_fields=["name"])
    _set_members(team, member_ids)
    _set_external_id(team, external_id)
    return team


@transaction.atomic
def delete_group(team: Team) -> None:
    """Members keep their membership, without a team (Membership.team is SET_NULL)."""
    team.delete()
