"""Writes about organisations and people: upserts, onboarding, invitations, switching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from zichtbaar.orgs.middleware import SESSION_ORG_KEY
from zichtbaar.orgs.models import (
    Barrier,
    ImportJob,
    Invitation,
    Membership,
    Organisation,
    Profile,
    Role,
    Team,
    User,
)


@dataclass(frozen=True)
class PersonData:
    email: str
    name: str = ""
    team: str = ""
    role: str | None = None  # None: keep an existing person's role; new people are employees
    language: str = ""
    connections: int | None = None
    followers: int | None = None
    job_title: str = ""


def get_or_create_team(org: Organisation, name: str) -> Team | None:
    name = name.strip()
    if not name:
        return None
    team, _ = Team.objects.get_or_create(org=org, name=name)
    return team


@transaction.atomic
def upsert_person(org: Organisation, data: PersonData) -> tuple[Membership, bool]:
    """Create or update a person and their membership, keyed by e-mail. Returns (membership, created).

    A person who also belongs to another organisation keeps their name and profile: one
    organisation's import must not rewrite what another organisation (or the person) set.
    """
    email = data.email.strip().lower()
    user, created = User.objects.get_or_create(email=email, defaults={"name": data.name.strip()})
    elsewhere = not created and Membership.objects.filter(user=user).exclude(org=org).exists()
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif data.name and user.name != data.name.strip() and not elsewhere:
        user.name = data.name.strip()
        user.save(update_fields=["name"])
    profile, profile_created = Profile.objects.get_or_create(
        user=user, defaults={"language": data.language or org.default_language}
    )
    changed: list[str] = []
    if elsewhere:
        data = PersonData(email=data.email, team=data.team, role=data.role)
    for field in ("connections", "followers"):
        value = getattr(data, field)
        if value is not None and getattr(profile, field) != value:
            setattr(profile, field, value)
            changed.append(field)
    if data.language and profile.language != data.language and not profile_created:
        profile.language = data.language
        changed.append("language")
    if data.job_title and profile.job_title != data.job_title:
        profile.job_title = data.job_title
        changed.append("job_title")
    if changed:
        profile.save(update_fields=changed)
    team = get_or_create_team(org, data.team)
    membership, m_created = Membership.objects.get_or_create(
        user=user, org=org, defaults={"role": data.role or Role.EMPLOYEE, "team": team}
    )
    role = data.role or membership.role
    if not m_created and (membership.role != role or (team and membership.team != team)):
        membership.role = role
        membership.team = team or membership.team
        membership.save(update_fields=["role", "team"])
    return membership, m_created


def update_profile(profile: Profile, **fields: Any) -> Profile:
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


def profile_changed(profile: Profile, changed: list[str]) -> None:
    """After a person edited their profile: withdrawn consent stops click counting at once."""
    if "consent_tracking" in changed:
        from zichtbaar.sharing.selectors import forget_links

        forget_links(profile.user_id)


def complete_onboarding(profile: Profile) -> None:
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
        profile.save(update_fields=["onboarded_at"])
    if not profile.barrier:
        profile.barrier = Barrier.NONE
        profile.save(update_fields=["barrier"])


def switch_org(request: HttpRequest, org_id: int) -> bool:
    """Make another of the person's organisations the current one (only their own)."""
    if not Membership.objects.filter(
        user_id=request.user.pk or 0, org_id=org_id, is_active=True
    ).exists():
        return False
    request.session[SESSION_ORG_KEY] = org_id
    return True


def invite(
    *, org: Organisation, email: str, role: str, team: Team | None, invited_by: User
) -> Invitation:
    """Store an invitation and e-mail it, in the organisation's language."""
    invitation = Invitation.objects.create(
        org=org, email=email.strip().lower(), role=role, team=team, invited_by=invited_by
    )
    url = settings.SITE_URL + reverse("orgs:accept_invitation", args=[invitation.token])
    context = {"invitation": invitation, "url": url, "org": org, "inviter": invited_by}
    with translation.override(org.default_language):
        subject = render_to_string("orgs/email/invitation_subject.txt", context).strip()
        body = render_to_string("orgs/email/invitation.txt", context)
        html = render_to_string("orgs/email/invitation.html", context)
    # The message is sent after the row is committed so a rollback never leaves a stray e-mail.
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [invitation.email], html_message=html)
    )
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, *, name: str = "", password: str = "") -> User:
    """Join the organisation. A new person sets a password; someone with an account keeps theirs
    (and signs in with it), and an existing membership keeps its role."""
    already = Membership.objects.filter(user__email=invitation.email, org=invitation.org).exists()
    membership, _ = upsert_person(
        invitation.org,
        PersonData(
            email=invitation.email,
            name=name,
            role=None if already else invitation.role,
            team=invitation.team.name if invitation.team else "",
        ),
    )
    user = membership.user
    if not user.has_usable_password() and password:
        user.set_password(password)
        user.save(update_fields=["password"])
    # Every open invitation for this address and organisation is used up with this one.
    Invitation.objects.filter(
        org=invitation.org, email=invitation.email, accepted_at__isnull=True
    ).update(accepted_at=timezone.now())
    return user


def open_invitation(token: str) -> Invitation | None:
    """An invitation that is neither used nor older than INVITATION_DAYS."""
    since = timezone.now() - timedelta(days=settings.INVITATION_DAYS)
    return (
        Invitation.objects.select_related("org", "team")
        .filter(token=token, accepted_at__isnull=True, created_at__gte=since)
        .first()
    )


def start_import(
    *, org: Organisation, user: User, filename: str, content: bytes, language: str
) -> ImportJob:
    """Store the uploaded file as a job and run it in the background once the row is committed."""
    from zichtbaar.orgs.tasks import run_people_import

    job = ImportJob.objects.create(
        org=org, created_by=user, filename=filename[:200], content=content, language=language[:2]
    )
    transaction.on_commit(lambda: run_people_import.enqueue(job.pk))
    return job
