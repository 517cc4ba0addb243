"""Reads for privacy: everything the product holds about one person, and nothing about others.

Every query below is filtered on the person (their user id or their own e-mail addresses);
what belongs to an organisation appears only where it describes them (the name of their team,
the title of a moment they shared). Survey answers are anonymous by construction (no user, no
address, no link from an invitation to its response), so nothing here can or does read them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from zichtbaar.guideline.models import Acknowledgement
from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.nudges.models import Channel, Frequency, Message
from zichtbaar.nudges.models import Kind as MessageKind
from zichtbaar.nudges.models import Status as MessageStatus
from zichtbaar.orgs.models import Barrier, Invitation, Language, Membership, Profile, Role, User
from zichtbaar.sharing.models import (
    Click,
    ConnectionState,
    LinkedInConnection,
    LinkedInPost,
    PostProblem,
    PostState,
    Share,
    TrackedLink,
)
from zichtbaar.workshops.models import Participant

FORMAT = "zichtbaar-personal-data"
VERSION = 1


def addresses_of(user: User) -> list[str]:
    """The person's e-mail addresses, lowercased: the account's and every one allauth keeps."""
    found = {user.email.lower()}
    found.update(
        a.lower() for a in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return sorted(found)


def to_any_of(field: str, addresses: list[str]) -> Q:
    q = Q(pk__in=[])
    for address in addresses:
        q |= Q(**{f"{field}__iexact": address})
    return q


def _choice(value: str, choices: Any, readable: bool) -> str:
    # The file keeps the codes (stable for other software); the page shows the words.
    if not readable or not value:
        return value
    return str(dict(choices.choices).get(value, value))


def _days(days: list[int] | None, readable: bool) -> list[Any]:
    if not readable:
        return list(days or [])
    return [str(WEEKDAYS[d]) for d in days or [] if d in WEEKDAYS]


def personal_data(user: User, *, readable: bool = False) -> dict[str, Any]:
    """Everything held about this person, as plain data: the JSON file and the page show it.

    `readable` puts labels in place of codes (role, language, ...) for the page.
    """
    addresses = addresses_of(user)
    profile = Profile.objects.filter(user=user).first()
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("org", "team", "nudge_preference")
        .order_by("org__name")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "name": user.name,
            "joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "profile": _profile(profile, readable),
        "memberships": [_membership(m, readable) for m in memberships],
        "invitations": [
            {
                "organisation": i.org.name,
                "email": i.email,
                "role": _choice(i.role, Role, readable),
                "sent": i.created_at,
                "accepted": i.accepted_at,
            }
            for i in Invitation.objects.filter(to_any_of("email", addresses))
            .select_related("org")
            .order_by("created_at", "pk")
        ],
        "moments_written": _moments(user, readable),
        "shares": [
            {
                "organisation": s.org.name,
                "moment": s.moment.title,
                "text": s.text,
                "angle": s.angle,
                "post_url": s.post_url,
                "shared_at": s.shared_at,
                "tracked_link": s.link.code if s.link else None,
            }
            for s in Share.objects.filter(user=user)
            .select_related("org", "moment", "link")
            .order_by("shared_at", "pk")
        ],
        "tracked_links": _links(user),
        "linkedin": _linkedin(user, readable),
        "guideline_acknowledgements": [
            {
                "organisation": a.version.org.name,
                "guideline": a.version.title,
                "version": a.version.number,
                "at": a.at,
            }
            for a in Acknowledgement.objects.filter(user=user)
            .select_related("version__org")
            .order_by("at", "pk")
        ],
        "messages": _messages(user, addresses, readable),
        "workshops": _workshops(user, readable),
        "not_included": {
            "survey_answers": _(
                "Survey answers are anonymous: we store no name, e-mail address or link that "
                "connects them to you, so they cannot be part of your data."
            ),
            "drafts": _(
                "Drafts are made while you write and are not stored; only what you shared is."
            ),
            "workshop_survey": _(
                "A workshop's short survey is stored without your name: only a code that pairs "
                "your answers before and after, so it cannot be part of your data."
            ),
            "visitors": _(
                "Who clicked your links is not stored: only a count, with a daily-changing code "
                "per visitor that cannot be traced back to a person."
            ),
        },
    }


def _workshops(user: User, readable: bool) -> list[dict[str, Any]]:
    """The workshops they took part in, with what they answered there (theirs alone)."""
    return [
        {
            "organisation": p.workshop.org.name,
            "workshop": p.workshop.title,
            "date": p.workshop.held_on,
            "joined": p.joined_at,
            "barrier": _choice(p.barrier, Barrier, readable) if p.barrier else None,
            "connections": None if p.connections_unknown else p.connections,
            "guideline_read": p.acknowledged_at,
            "started_writing": p.writing_at,
            "next_moment_kind": p.next_type.name if p.next_type else None,
            "follow_ups_off": p.followups_off,
        }
        for p in Participant.objects.filter(membership__user=user)
        .select_related("workshop__org", "next_type")
        .order_by("joined_at", "pk")
    ]


def _profile(profile: Profile | None, readable: bool) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "language": _choice(profile.language, Language, readable),
        "job_title": profile.job_title,
        "expertise": list(profile.expertise or []),
        "linkedin_connections": profile.connections,
        "linkedin_followers": profile.followers,
        "barrier": _choice(profile.barrier, Barrier, readable),
        "clicks_counted": profile.consent_tracking,
        "onboarded_at": profile.onboarded_at,
        "voice": {
            "length": profile.voice_length,
            "address": profile.voice_formal,
            "emoji": profile.voice_emoji,
            "question_at_the_end": profile.voice_question,
            "sign_off": profile.voice_sign_off,
            "own_posts": list(profile.own_posts or []),
        },
    }


def _membership(m: Membership, readable: bool) -> dict[str, Any]:
    pref = getattr(m, "nudge_preference", None)
    return {
        "organisation": m.org.name,
        "role": _choice(m.role, Role, readable),
        "team": m.team.name if m.team else "",
        "active": m.is_active,
        "since": m.created_at,
        # The feed token is left out: it is a key to a private calendar, not information.
        "notifications": None
        if pref is None
        else {
            "email": pref.email,
            "moment_notes": pref.prompts,
            "digest": _choice(pref.frequency, Frequency, readable),
            "quiet_from": pref.quiet_start,
            "quiet_until": pref.quiet_end,
            "quiet_days": _days(pref.quiet_days, readable),
            "at_most_per_week": pref.max_per_week,
            "language": _choice(pref.language, Language, readable),
            "unsubscribed_at": pref.unsubscribed_at,
        },
    }


def _moments(user: User, readable: bool) -> list[dict[str, Any]]:
    moments = (
        Moment.objects.filter(Q(created_by=user) | Q(submitted_by=user))
        .select_related("org")
        .order_by("created_at", "pk")
    )
    return [
        {
            "organisation": m.org.name,
            "title": m.title,
            "what_happened": m.what_happened,
            "happened_on": m.happened_on,
            "status": _choice(m.status, MomentStatus, readable),
            "created_by_you": m.created_by_id == user.pk,
            "suggested_by_you": m.submitted_by_id == user.pk,
            "comment_for_you": m.review_comment if m.submitted_by_id == user.pk else "",
            "created_at": m.created_at,
        }
        for m in moments
    ]


def _linkedin(user: User, readable: bool) -> dict[str, Any]:
    """Their LinkedIn connection (never the token, not even encrypted) and their posts through
    LinkedIn's API, in every organisation they belong to."""
    found = LinkedInConnection.objects.filter(user=user).first()
    connection = None
    if found is not None:
        connection = {
            "state": _choice(found.state, ConnectionState, readable),
            "member_id": found.member_sub,
            "name_at_linkedin": found.name,
            "permissions": found.scopes.split(),
            "connected_at": found.connected_at,
            "valid_until": found.expires_at,
        }
    posts = [
        {
            "organisation": p.org.name,
            "moment": p.moment.title,
            "text": p.text,
            "with_image": p.with_image,
            "state": _choice(p.state, PostState, readable),
            "problem": _choice(p.problem, PostProblem, readable),
            "scheduled_for": p.run_at,
            "created_at": p.created_at,
            "sent_at": p.sent_at,
            "post_urn": p.post_urn,
            "post_url": p.post_url,
            "measured": {
                "impressions": p.impressions,
                "members_reached": p.members_reached,
                "reactions": p.reactions,
                "comments": p.comments,
                "reshares": p.reshares,
                "read_at": p.metrics_at,
            }
            if p.metrics_at
            else None,
        }
        for p in LinkedInPost.objects.filter(membership__user=user)
        .select_related("org", "moment")
        .order_by("created_at", "pk")
    ]
    return {"connection": connection, "posts": posts}


def _links(user: User) -> list[dict[str, Any]]:
    links = list(
        TrackedLink.objects.filter(user=user)
        .select_related("org", "moment")
        .order_by("created_at", "pk")
    )
    clicks = dict(
        Click.objects.filter(link__in=links, is_bot=False)
        .values("link_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("link_id", "n")
    )
    return [
        {
            "organisation": link.org.name,
            "moment": link.moment.title,
            "code": link.code,
            "path": reverse("follow_link", args=[link.code]),
            "destination": link.destination,
            "created_at": link.created_at,
            "clicks": clicks.get(link.pk, 0),
        }
        for link in links
    ]


def _messages(user: User, addresses: list[str], readable: bool) -> list[dict[str, Any]]:
    """Messages to the person: nudges through their memberships, and mail to their addresses."""
    own = Q(membership__user=user) | (
        Q(membership__isnull=True, webhook__isnull=True, channel=Channel.EMAIL)
        & to_any_of("to", addresses)
    )
    rows = Message.objects.filter(own).select_related("org").order_by("created_at", "pk")
    return [
        {
            "organisation": m.org.name if m.org else "",
            "channel": _choice(m.channel, Channel, readable),
            "kind": _choice(m.kind, MessageKind, readable),
            "to": m.to,
            "subject": m.subject,
            # Account mail (sign-in codes, password resets, invitations) holds keys, not
            # information about the person: its text is left out.
            "text": m.body_text if m.membership_id else "",
            "status": _choice(m.status, MessageStatus, readable),
            "created_at": m.created_at,
            "sent_at": m.sent_at,
        }
        for m in rows
    ]


def summary(user: User) -> dict[str, int]:
    """How much there is of each kind, for the privacy page."""
    return {
        "memberships": Membership.objects.filter(user=user).count(),
        "shares": Share.objects.filter(user=user).count(),
        "links": TrackedLink.objects.filter(user=user).count(),
        "moments": Moment.objects.filter(Q(created_by=user) | Q(submitted_by=user)).count(),
    }


def sole_comms_of(user: User) -> list[str]:
    """Organisations where this person is the only active communications lead or admin."""
    comms = (Role.COMMS, Role.ADMIN)
    mine = Membership.objects.filter(user=user, is_active=True, role__in=comms).select_related(
        "org"
    )
    alone = []
    for m in mine:
        others = (
            Membership.objects.filter(org_id=m.org_id, is_active=True, role__in=comms)
            .exclude(user=user)
            .exists()
        )
        if not others:
            alone.append(m.org.name)
    return alone


def export_filename(today: dt.date | None = None) -> str:
    return f"zichtbaar-my-data-{(today or timezone.localdate()).isoformat()}.json"
