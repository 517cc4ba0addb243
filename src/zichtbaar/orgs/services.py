"""Writes about organisations and people: upserts, onboarding, invitations, switching."""

from __future__ import annotations

import logging
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

logger = logging.getLogger(__name__)


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


# --- people imports: confirming new teams --------------------------------------------------


def confirm_import(*, org: Organisation, job_id: int, user: User) -> ImportJob | None:
    """Comms confirmed the new teams an import waits for: run it, creating exactly those teams.

    Only a job of `org` that is waiting for confirmation; None for any other (another
    organisation's, already confirmed, cancelled, done): the view answers 404. Two clicks on
    the button start it once (a conditional UPDATE)."""
    job = (
        ImportJob.objects.filter(pk=job_id, org=org, status=ImportJob.Status.CONFIRM)
        .only("pk", "new_teams", "asked_at")
        .first()
    )
    if job is None:
        return None
    names = [team["name"] for team in job.new_teams]
    started = ImportJob.objects.filter(
        pk=job.pk, org=org, status=ImportJob.Status.CONFIRM, asked_at=job.asked_at
    ).update(status=ImportJob.Status.QUEUED, confirmed_teams=names)
    if not started:
        return None
    logger.info(
        "import %s in org %s: %d new teams confirmed by user %s",
        job.pk,
        org.pk,
        len(names),
        user.pk,
    )
    jobs.enqueue("orgs.run_people_import", job.pk)
    return job


def cancel_import(*, org: Organisation, job_id: int, user: User) -> bool:
    """Comms chose not to import a file that waits for confirmation: nothing is written and the
    uploaded file (personal data) is wiped. False for a job that isn't waiting (view: 404)."""
    cancelled = ImportJob.objects.filter(
        pk=job_id, org=org, status=ImportJob.Status.CONFIRM
    ).update(status=ImportJob.Status.CANCELLED, content=b"", finished_at=timezone.now())
    if cancelled:
        logger.info("import %s in org %s cancelled by user %s", job_id, org.pk, user.pk)
    return bool(cancelled)


# --- the people list: editing, deactivating, removing --------------------------------------


class PeopleError(Exception):
    """A change to a membership that the rules refuse; `message` is translated, for the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _who(membership: Membership) -> str:
    user = membership.user
    return f"{user.name} ({user.email})" if user.name else user.email


def name_is_editable(membership: Membership) -> bool:
    """A name is the person's own across organisations: comms of one organisation may set it
    only while the person belongs to no other (as an import does, see upsert_person)."""
    return (
        not Membership.objects.filter(user_id=membership.user_id)
        .exclude(org_id=membership.org_id)
        .exists()
    )


def _check_may_manage(org: Organisation, target: Membership, by: Membership) -> None:
    if target.org_id != org.pk or by.org_id != org.pk:
        # The views find memberships within the organisation; this is the second lock.
        raise Membership.DoesNotExist
    if target.role == Role.ADMIN and by.role != Role.ADMIN:
        raise PeopleError(
            translation.gettext("Only an administrator can change an administrator's details.")
        )


def _other_active_admins(org: Organisation, target: Membership) -> int:
    return (
        Membership.objects.filter(org=org, role=Role.ADMIN, is_active=True)
        .exclude(pk=target.pk)
        .count()
    )


def _check_keeps_an_admin(org: Organisation, target: Membership) -> None:
    """An organisation that has an administrator always keeps an active one."""
    if target.role == Role.ADMIN and target.is_active and not _other_active_admins(org, target):
        raise PeopleError(
            translation.gettext(
                "%(person)s is the only active administrator of %(org)s. Make someone else "
                "administrator first."
            )
            % {"person": _who(target), "org": org.name}
        )


@transaction.atomic
def update_member(
    *,
    org: Organisation,
    membership: Membership,
    by: Membership,
    name: str | None,
    team: Team | None,
    role: str,
) -> str:
    """Change a person's name (see name_is_editable), team and role in `org`. Returns the
    message for the page; raises PeopleError when a rule refuses the change."""
    _check_may_manage(org, membership, by)
    if team is not None and team.org_id != org.pk:
        raise Membership.DoesNotExist
    if role not in Role.values:
        raise PeopleError(translation.gettext("Choose a role from the list."))
    if role != membership.role:
        if Role.ADMIN in (role, membership.role) and by.role != Role.ADMIN:
            raise PeopleError(
                translation.gettext("Only an administrator can make someone administrator.")
            )
        if membership.role == Role.ADMIN:
            _check_keeps_an_admin(org, membership)
    changed: list[str] = []
    user = membership.user
    if name is not None and name.strip() != user.name and name_is_editable(membership):
        user.name = name.strip()[:150]
        user.save(update_fields=["name"])
        changed.append("name")
    if team != membership.team or role != membership.role:
        if team != membership.team:
            changed.append("team")
        if role != membership.role:
            changed.append("role")
        membership.team, membership.role = team, role
        membership.save(update_fields=["team", "role"])
    logger.info(
        "membership %s in org %s edited by user %s: %s",
        membership.pk,
        org.pk,
        by.user_id,
        ", ".join(changed) or "nothing changed",
    )
    if not changed:
        return translation.gettext("Nothing changed for %(person)s.") % {"person": _who(membership)}
    team_name = team.name if team else translation.gettext("no team")
    return translation.gettext("Saved %(person)s: team %(team)s, role %(role)s.") % {
        "person": _who(membership),
        "team": team_name,
        "role": membership.get_role_display(),
    }


@transaction.atomic
def set_member_active(
    *, org: Organisation, membership: Membership, by: Membership, active: bool
) -> str:
    """Deactivate or reactivate a person in `org`. A deactivated member can't use this
    organisation (TenantMiddleware only finds active memberships), gets no nudges and is left
    out of every count and anonymity denominator, which all count active members only."""
    _check_may_manage(org, membership, by)
    if membership.is_active == active:
        if active:
            return translation.gettext("%(person)s was already active.") % {
                "person": _who(membership)
            }
        return translation.gettext("%(person)s was already deactivated.") % {
            "person": _who(membership)
        }
    if not active:
        if membership.pk == by.pk:
            raise PeopleError(translation.gettext("You can't deactivate yourself."))
        _check_keeps_an_admin(org, membership)
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    logger.info(
        "membership %s in org %s %s by user %s",
        membership.pk,
        org.pk,
        "reactivated" if active else "deactivated",
        by.user_id,
    )
    if active:
        return translation.gettext(
            "%(person)s is active again: they can sign in to %(org)s and get nudges."
        ) % {"person": _who(membership), "org": org.name}
    return translation.gettext(
        "%(person)s is deactivated: they can't sign in to %(org)s, get no nudges and are left "
        "out of the figures until you reactivate them."
    ) % {"person": _who(membership), "org": org.name}


@transaction.atomic
def remove_member(*, org: Organisation, membership: Membership, by: Membership) -> str:
    """Take a person out of `org`: their membership (with its nudge settings and queued nudges)
    and open invitations to `org` go. Their account stays (other organisations, their own data;
    erasing it is the privacy app's work). Shares they made stay in the organisation's totals,
    which never name anyone."""
    _check_may_manage(org, membership, by)
    if membership.pk == by.pk:
        raise PeopleError(translation.gettext("You can't remove yourself."))
    _check_keeps_an_admin(org, membership)
    who = _who(membership)
    email = membership.user.email
    Invitation.objects.filter(org=org, email__iexact=email, accepted_at__isnull=True).delete()
    pk = membership.pk
    membership.delete()
    logger.info("membership %s in org %s removed by user %s", pk, org.pk, by.user_id)
    return translation.gettext(
        "%(person)s is no longer a member of %(org)s. Their shares still count in the totals, "
        "without their name."
    ) % {"person": who, "org": org.name}
