"""Reads about organisations and people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from zichtbaar.orgs.models import ImportJob, Membership, Organisation, Profile, Team

if TYPE_CHECKING:
    from zichtbaar.orgs.models import User


def current_membership(user: User, org_id: int | None) -> Membership | None:
    """The membership chosen in this session, else the person's first active one."""
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("org", "team")
    if org_id is not None:
        chosen = memberships.filter(org_id=org_id).first()
        if chosen is not None:
            return chosen
    return memberships.order_by("created_at", "id").first()


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("org")
        .order_by("org__name")
    )


def profile_for(user: User) -> Profile:
    """A person's profile, created on first use (people created in the admin have none yet)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        return profile


def teams_of(org: Organisation) -> QuerySet[Team]:
    return Team.objects.filter(org=org).order_by("name")


def people_of(org: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(org=org)
        .select_related("user", "user__profile", "team")
        .order_by("user__name", "user__email")
    )


def recent_imports(org: Organisation) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(org=org).defer("content").order_by("-created_at")[:5]


def has_verified_email(user: User, email: str) -> bool:
    """Whether the person proved they read mail at this address (allauth keeps the proof)."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
