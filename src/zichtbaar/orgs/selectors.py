"""Reads about organisations and people."""

from __future__ import annotations

import functools
import operator
import re
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

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


# A search is a name or an address, never a paragraph: longer input is cut to this.
MAX_PEOPLE_QUERY = 100


def people_of(org: Organisation, query: str = "") -> QuerySet[Membership]:
    """The organisation's members (active and deactivated), by name; `query` matches a part of
    the name or e-mail address, case-insensitively."""
    people = Membership.objects.filter(org=org)
    query = " ".join(query.split())[:MAX_PEOPLE_QUERY]
    if query:
        people = people.filter(Q(user__name__icontains=query) | Q(user__email__icontains=query))
    return people.select_related("user", "user__profile", "team").order_by(
        "user__name", "user__email", "pk"
    )


def member_of(org: Organisation, membership_id: int) -> Membership | None:
    """One membership of `org` (None for another organisation's: the view answers 404)."""
    return (
        Membership.objects.filter(org=org, pk=membership_id).select_related("user", "team").first()
    )


def recent_imports(org: Organisation) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(org=org).defer("content").order_by("-created_at")[:5]


def has_verified_email(user: User, email: str) -> bool:
    """Whether the person proved they read mail at this address (allauth keeps the proof)."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def split_addresses(text: str) -> list[str]:
    """E-mail addresses typed into one box: separated by spaces, commas, semicolons or lines,
    each once, in the order typed."""
    return list(dict.fromkeys(a.strip() for a in re.split(r"[\s,;]+", text) if a.strip()))


def active_members_by_address(org_id: int, addresses: list[str]) -> dict[str, Membership]:
    """The organisation's active members among these addresses, keyed by casefolded address
    (an address of someone outside the organisation is simply missing)."""
    if not addresses:
        return {}
    match = functools.reduce(operator.or_, (Q(user__email__iexact=a) for a in addresses))
    members = Membership.objects.filter(match, org_id=org_id, is_active=True).select_related("user")
    return {m.user.email.casefold(): m for m in members}
