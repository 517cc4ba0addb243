"""Reads for composing: the drafts a person is offered for a moment, and the angles they take."""

from __future__ import annotations

from dataclasses import replace

from zichtbaar.compose import llm
from zichtbaar.compose.suggestions import (
    DraftContext,
    Suggestion,
    Voice,
    all_angles,
    angle_label,
    suggest,
)
from zichtbaar.compose.voice import voice_from_posts
from zichtbaar.guideline import checking
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Membership, Profile


def is_involved(moment: Moment, membership: Membership) -> bool:
    """The person, or their team, was involved (uses prefetched relations when there are)."""
    if membership.team_id is not None and any(
        team.pk == membership.team_id for team in moment.involved_teams.all()
    ):
        return True
    return any(person.pk == membership.user_id for person in moment.involved_people.all())


def voice_of(profile: Profile) -> tuple[Voice, bool | None]:
    """The person's voice: read from their own posts, then their explicit choices on top; and
    je/u (None: as the organisation writes)."""
    voice = voice_from_posts(list(profile.own_posts or [])) if profile.own_posts else Voice()
    if profile.voice_length:
        voice = replace(voice, length=profile.voice_length)
    if profile.voice_emoji:
        voice = replace(voice, emoji=True)
    if profile.voice_question:
        voice = replace(voice, question=True)
    if profile.voice_sign_off:
        voice = replace(voice, sign_off=profile.voice_sign_off)
    formal = {"je": False, "u": True}.get(profile.voice_formal)
    return voice, formal


def draft_context(moment: Moment, membership: Membership, link_url: str) -> DraftContext:
    """What the draft engine needs for this person and moment.

    Drafts are in the person's language when the moment has texts in it; otherwise in the
    moment's own language, all of it (the page says so): never a mix of the two.
    """
    user = membership.user
    profile = user.profile
    org = membership.org
    texts = moment.text(profile.language)
    voice, formal = voice_of(profile)
    return DraftContext(
        moment_id=moment.pk,
        moment_type=moment.type.key,
        title=texts.title,
        what_happened=texts.what_happened,
        facts_who=texts.facts_who,
        facts_what=texts.facts_what,
        facts_where=texts.facts_where,
        client_name=moment.client_name,
        client_may_be_named=moment.client_may_be_named,
        link=link_url,
        person_id=user.pk,
        person_first_name=user.first_name_or_email,
        job_title=profile.job_title,
        expertise=tuple(profile.expertise or ()),
        team_name=membership.team.name if membership.team else "",
        language=texts.language,
        formal=org.formal_tone if formal is None else formal,
        org_name=org.name,
        angles=tuple(moment.type.angles or ()),
        involved=is_involved(moment, membership),
        involved_teams=tuple(team.name for team in moment.involved_teams.all()),
        tags=tuple(moment.hashtags()),
        voice=voice,
    )


def share_url(moment: Moment, code: str | None, site_url: str) -> str:
    """The URL a draft ends with: the tracked link (by its code), or the plain link without
    consent."""
    if code:
        return f"{site_url}/l/{code}"
    return moment.link


def drafts_for(
    moment: Moment,
    membership: Membership,
    link_url: str,
    count: int = 3,
    *,
    use_model: bool = True,
) -> list[Suggestion]:
    """The drafts offered to this person. ``use_model=False`` for bulk work (a digest writes
    one per person and moment; a language model would take seconds for each): the templates."""
    context = draft_context(moment, membership, link_url)
    if use_model and llm.is_configured():
        # A language model's drafts pass the organisation's own check (its client register,
        # confidential terms, rules) before the person sees them; the templates fill in.
        def org_check(text: str, ctx: DraftContext) -> checking.CheckResult:
            return checking.check_post(
                text, moment=moment, membership=membership, language=ctx.language
            )

        return llm.LanguageModelWriter(check=org_check).suggest(context, count)
    return suggest(context, count=count)


def angle_choices(language: str) -> list[tuple[str, str]]:
    """Every angle drafts can take, with its label, e.g. for comms choosing them for a new type."""
    return [(angle, angle_label(angle, language)) for angle in all_angles(language)]
