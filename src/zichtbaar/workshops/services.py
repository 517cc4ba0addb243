"""Every write of a workshop: creating it, moving through its steps, a participant's answers."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from zichtbaar.guideline import selectors as guideline_selectors
from zichtbaar.guideline import services as guideline_services
from zichtbaar.moments.models import MomentType
from zichtbaar.nudges.models import Kind
from zichtbaar.nudges.preferences import may_email, preferences_for
from zichtbaar.nudges.queueing import queue_email, start_delivery
from zichtbaar.orgs.models import Barrier, Membership, Organisation, Team
from zichtbaar.workshops.effect import AFTER_WEEKS
from zichtbaar.workshops.models import (
    Followup,
    Participant,
    Phase,
    Step,
    SurveyAnswer,
    Workshop,
    new_code,
)

# The follow-ups: one gentle nudge after 1, 2 and 4 weeks.
FOLLOWUP_WEEKS = (1, 2, 4)


def create_workshop(
    org: Organisation,
    trainer_user_id: int,
    *,
    title: str,
    held_on: date,
    teams: list[Team] | None = None,
    with_survey: bool = False,
) -> Workshop:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                workshop = Workshop.objects.create(
                    org=org,
                    trainer_id=trainer_user_id,
                    title=title,
                    held_on=held_on,
                    with_survey=with_survey,
                    code=new_code(),
                )
                workshop.teams.set(teams or [])
                return workshop
        except IntegrityError:
            continue  # a code already in use: draw another (31^6 codes, so rarely)
    raise RuntimeError("no free workshop code")


def invite(workshop: Workshop, people: list[Membership], now: datetime | None = None) -> int:
    """Invite these members: an e-mail with the date, the link and the code, once per person
    (its outbox key), in their language, through the nudges' outbox and their preferences."""
    now = now or timezone.now()
    workshop.invited.add(*people)
    prefs = preferences_for(
        Membership.objects.filter(pk__in=[m.pk for m in people]).select_related(
            "user__profile", "org"
        )
    )
    url = settings.SITE_URL + reverse("workshops:join", args=[workshop.code])
    queued = 0
    for pref in prefs.values():
        if not may_email(pref):
            continue
        if queue_email(
            pref.membership,
            pref,
            kind=Kind.WORKSHOP,
            key=f"workshop-invite:{workshop.pk}:{pref.membership_id}",
            now=now,
            template="workshop_invitation",
            deliver=False,
            respect_quiet=False,  # an invitation is expected, and dated
            context={"workshop": workshop, "url": url},
        ):
            queued += 1
    if queued:
        start_delivery(workshop.org_id, queued)
    return queued


def go_to_step(workshop: Workshop, step: int, now: datetime | None = None) -> Workshop:
    step = min(max(step, Step.WELCOME), Step.DONE)
    workshop.step = step
    workshop.step_changed_at = now or timezone.now()
    workshop.save(update_fields=["step", "step_changed_at"])
    return workshop


def choose_moment(workshop: Workshop, moment_id: int | None) -> Workshop:
    workshop.moment_id = moment_id
    workshop.save(update_fields=["moment"])
    return workshop


@transaction.atomic
def close(workshop: Workshop, now: datetime | None = None) -> Workshop:
    """Close the session and plan the follow-ups of everyone who took part."""
    now = now or timezone.now()
    if workshop.closed_at is None:
        workshop.closed_at = now
        workshop.step = Step.DONE
        workshop.save(update_fields=["closed_at", "step"])
    day = timezone.localdate(now)
    for participant in workshop.participants.all():
        for week in FOLLOWUP_WEEKS:
            Followup.objects.get_or_create(
                participant=participant,
                week=week,
                defaults={"due_on": day + timedelta(weeks=week)},
            )
    return workshop


def join(workshop: Workshop, membership: Membership) -> Participant:
    participant, _created = Participant.objects.get_or_create(
        workshop=workshop, membership=membership
    )
    return participant


def answer_poll(participant: Participant, barrier: str, *, keep_on_profile: bool) -> Participant:
    """The barrier poll; saved to the person's profile only when they agree."""
    participant.barrier = Barrier(barrier)
    participant.save(update_fields=["barrier"])
    if keep_on_profile:
        profile = participant.membership.user.profile
        profile.barrier = participant.barrier
        profile.save(update_fields=["barrier"])
    return participant


def give_connections(participant: Participant, connections: int | None) -> Participant:
    """Their connections for the room's sum (None: "I don't know")."""
    participant.connections = connections
    participant.connections_unknown = connections is None
    participant.save(update_fields=["connections", "connections_unknown"])
    return participant


def acknowledge_guideline(participant: Participant, now: datetime | None = None) -> Participant:
    """ "Yes, you may" read on the phone: the same acknowledgement as the guideline page."""
    membership = participant.membership
    version = guideline_selectors.published_version(membership.org_id)
    if version is not None:
        guideline_services.acknowledge(membership.user, version)
    participant.acknowledged_at = participant.acknowledged_at or now or timezone.now()
    participant.save(update_fields=["acknowledged_at"])
    return participant


def start_writing(participant: Participant, now: datetime | None = None) -> Participant:
    if participant.writing_at is None:
        participant.writing_at = now or timezone.now()
        participant.save(update_fields=["writing_at"])
    return participant


def pick_next_type(participant: Participant, moment_type: MomentType | None) -> Participant:
    participant.next_type = moment_type
    participant.save(update_fields=["next_type"])
    return participant


def stop_followups(participant: Participant) -> Participant:
    participant.followups_off = True
    participant.save(update_fields=["followups_off"])
    return participant


def pair_key(workshop_id: int, membership_id: int) -> str:
    """Pairs one person's two survey answers without storing who they are (a keyed hash)."""
    message = f"workshop-survey:{workshop_id}:{membership_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def survey_phase(workshop: Workshop, today: date | None = None) -> str | None:
    """Which survey a participant can answer now: before, during the open workshop; after,
    from six weeks after it (when the effect report is due); else none."""
    if not workshop.with_survey:
        return None
    if workshop.is_open:
        return Phase.BEFORE
    today = today or timezone.localdate()
    if today >= workshop.held_on + timedelta(weeks=AFTER_WEEKS):
        return Phase.AFTER
    return None


def has_answered(participant: Participant, phase: str | None) -> bool:
    if phase is None:
        return False
    return SurveyAnswer.objects.filter(
        workshop_id=participant.workshop_id,
        pair=pair_key(participant.workshop_id, participant.membership_id),
        phase=phase,
    ).exists()


def answer_survey(
    participant: Participant,
    phase: str,
    *,
    willingness: int,
    confidence: int,
    barrier: str,
) -> SurveyAnswer:
    """One answer per person and phase; answering again replaces it."""
    answer, _created = SurveyAnswer.objects.update_or_create(
        workshop_id=participant.workshop_id,
        pair=pair_key(participant.workshop_id, participant.membership_id),
        phase=Phase(phase),
        defaults={"willingness": willingness, "confidence": confidence, "barrier": barrier},
    )
    return answer
