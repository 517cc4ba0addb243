"""Writes about organisations and people: upserts, onboarding, invitations, switching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from zichtbaar.orgs import jobs, signals
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


class NeedsConsent(Exception):  # noqa: N818 - a state, not a failure
    """The address belongs to an account that is not in this organisation: only its owner may
    join it (by accepting an invitation), so nothing another organisation holds about them is
    attached or shown here before they do (docs/security.md)."""


def get_or_create_team(org: Organisation, name: str) -> Team | None:
    name = name.strip()
    if not name:
        return None
    team, _ = Team.objects.get_or_create(org=org, name=name)
    return team


@transaction.atomic
def upsert_person(
    org: Organisation, data: PersonData, *, consented: bool = False
) -> tuple[Membership, bool]:
    """Create or update a person and their membership, keyed by e-mail. Returns (membership, created).

    An account that exists but is not in `org` is only joined to it with its owner's consent
    (`consented`: they accepted an invitation); otherwise NeedsConsent is raised.
    A person who also belongs to another organisation keeps their name and profile: one
    organisation's import must not rewrite what another organisation (or the person) set.
    """
    email = data.email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if (
        existing is not None
        and not consented
        and not Membership.objects.filter(user=existing, org=org).exists()
    ):
        raise NeedsConsent(email)
    if existing is not None:
        user, created = existing, False
    else:
        user, created = User.objects.create(email=email, name=data.name.strip()), True
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


def mark_email_verified(user: User) -> None:
    """The person proved they read mail at their address (an invitation accepted from it)."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def update_profile(profile: Profile, **fields: Any) -> Profile:
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


def profile_changed(profile: Profile, changed: list[str]) -> None:
    """After a person edited their profile: withdrawn consent stops click counting at once."""
    if "consent_tracking" in changed:
        # After the commit: a click between a cache drop and the commit would cache the old
        # consent again for every worker.
        user_id, consent = profile.user_id, profile.consent_tracking
        transaction.on_commit(
            lambda: signals.consent_changed.send(Profile, user_id=user_id, consent=consent)
        )


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
    *, org: Organisation, email: str, role: str, team: Team | None, invited_by: User | None
) -> Invitation:
    """Store an invitation and e-mail it, in the organisation's language.

    An address with an open invitation to this organisation keeps that one (and its link)."""
    email = email.strip().lower()
    since = timezone.now() - timedelta(days=settings.INVITATION_DAYS)
    open_one = Invitation.objects.filter(
        org=org, email=email, accepted_at__isnull=True, created_at__gte=since
    ).first()
    if open_one is not None:
        return open_one
    invitation = Invitation.objects.create(
        org=org, email=email, role=role, team=team, invited_by=invited_by
    )
    url = settings.SITE_URL + reverse("orgs:accept_invitation", args=[invitation.token])
    has_account = User.objects.filter(email__iexact=email).exists()
    context = {
        "invitation": invitation,
        "url": url,
        "org": org,
        "inviter": invited_by or org.name,
        "has_account": has_account,
    }
    with translation.override(org.default_language):
        subject = render_to_string("orgs/email/invitation_subject.txt", context).strip()
        body = render_to_string("orgs/email/invitation.txt", context)
        html = render_to_string("orgs/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject, body, None, [invitation.email], headers={"X-Zichtbaar-Org": str(org.pk)}
    )
    message.attach_alternative(html, "text/html")
    # Handed over after the row is committed, so a rollback never leaves a stray e-mail; the
    # outbox (EMAIL_BACKEND) then sends it, retrying while the mail server is down.
    transaction.on_commit(message.send)
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, *, name: str = "", password: str = "") -> User:
    """Join the organisation. A new person sets a password; someone with an account keeps theirs
    (the view lets them accept only once signed in as that account), and an existing membership
    keeps its role. The address is verified: the invitation was read from it."""
    already = Membership.objects.filter(user__email=invitation.email, org=invitation.org).exists()
    membership, _ = upsert_person(
        invitation.org,
        PersonData(
            email=invitation.email,
            name=name,
            role=None if already else invitation.role,
            team=invitation.team.name if invitation.team else "",
        ),
        consented=True,
    )
    user = membership.user
    if not user.has_usable_password() and password:
        user.set_password(password)
        user.save(update_fields=["password"])
    mark_email_verified(user)
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
    job = ImportJob.objects.create(
        org=org, created_by=user, filename=filename[:200], content=content, language=language[:2]
    )
    jobs.enqueue("orgs.run_people_import", job.pk)
    return job
