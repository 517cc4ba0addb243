"""Reads for composing: the drafts a person is offered for a moment, and the angles they take."""

from __future__ import annotations

from zichtbaar.compose.suggestions import (
    DraftContext,
    Suggestion,
    all_angles,
    angle_label,
    suggest,
)
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Membership


def draft_context(moment: Moment, membership: Membership, link_url: str) -> DraftContext:
    user = membership.user
    profile = user.profile
    org = membership.org
    return DraftContext(
        moment_id=moment.pk,
        moment_type=moment.type.key,
        title=moment.title,
        what_happened=moment.what_happened,
        facts_who=moment.facts_who,
        facts_what=moment.facts_what,
        facts_where=moment.facts_where,
        client_name=moment.client_name,
        client_may_be_named=moment.client_may_be_named,
        link=link_url,
        person_id=user.pk,
        person_first_name=user.first_name_or_email,
        job_title=profile.job_title,
        expertise=tuple(profile.expertise or ()),
        team_name=membership.team.name if membership.team else "",
        language=profile.language,
        formal=org.formal_tone,
        org_name=org.name,
        angles=tuple(moment.type.angles or ()),
    )


def share_url(moment: Moment, code: str | None, site_url: str) -> str:
    """The URL a draft ends with: the tracked link (by its code), or the plain link without
    consent."""
    if code:
        return f"{site_url}/l/{code}"
    return moment.link


def drafts_for(
    moment: Moment, membership: Membership, link_url: str, count: int = 3
) -> list[Suggestion]:
    return suggest(draft_context(moment, membership, link_url), count=count)


def angle_choices(language: str) -> list[tuple[str, str]]:
    """Every angle drafts can take, with its label, e.g. for comms choosing them for a new type."""
    return [(angle, angle_label(angle, language)) for angle in all_angles(language)]
