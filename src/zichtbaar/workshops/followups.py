"""The workshop's follow-ups: one gentle nudge after 1, 2 and 4 weeks, with a fitting moment
and a ready draft. Through the nudges (their outbox, preferences, quiet hours and weekly cap);
one click turns them off. Queued from `runperiodic` (the nudges' `periodic_run` signal).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zichtbaar.compose import selectors as compose_selectors
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments.models import Moment
from zichtbaar.nudges.models import Kind
from zichtbaar.nudges.preferences import may_email, preferences_for
from zichtbaar.nudges.queueing import queue_email, start_delivery, used_this_week
from zichtbaar.workshops.models import Followup, Participant

# A follow-up that can't go out on its day (no fitting moment, the weekly cap reached) is
# tried again on later runs for this long, then dropped: a late nudge is worse than none.
GRACE = timedelta(days=6)
SALT = "workshops.followups.off"


def off_token(participant_id: int) -> str:
    return signing.dumps(participant_id, salt=SALT)


def participant_from_token(token: str) -> Participant | None:
    try:
        participant_id = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Participant.objects.filter(pk=participant_id).select_related("workshop").first()


def fitting_moment(participant: Participant) -> Moment | None:
    """A moment they may share now and haven't: of the kind they picked, if there is one."""
    now = timezone.now()
    moments = (
        moment_selectors.moments_for(participant.membership)
        .filter(i_shared=False)  # type: ignore[misc]  # annotated by moments_for
        .filter(Q(shareable_from__isnull=True) | Q(shareable_from__lte=now))
    )
    if participant.next_type_id:
        of_kind = moments.filter(type_id=participant.next_type_id).first()
        if of_kind is not None:
            return of_kind
    return moments.first()


def queue_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        Followup.objects.filter(queued_at__isnull=True, due_on__lte=today)
        .filter(participant__followups_off=False)
        .select_related(
            "participant__workshop",
            "participant__membership__user__profile",
            "participant__membership__org",
            "participant__next_type",
        )
    )
    if not due:
        return 0
    prefs = preferences_for([f.participant.membership for f in due])
    used = used_this_week(list(prefs), now)
    queued_per_org: dict[int, int] = {}
    for followup in due:
        participant = followup.participant
        membership = participant.membership
        pref = prefs[membership.pk]
        late = today - followup.due_on > GRACE
        if not may_email(pref):
            _done(followup, now, "no e-mail")
            continue
        if used.get(membership.pk, 0) >= pref.max_per_week:
            if late:
                _done(followup, now, "weekly cap")
            continue
        moment = fitting_moment(participant)
        if moment is None:
            if late:
                _done(followup, now, "no moment")
            continue
        link = compose_selectors.share_url(moment, None, settings.SITE_URL)
        drafts = compose_selectors.drafts_for(moment, membership, link, count=1, use_model=False)
        context: dict[str, Any] = {
            "moment": moment,
            "week": followup.week,
            "workshop": participant.workshop,
            "draft": drafts[0].text if drafts else "",
            "url": settings.SITE_URL + reverse("compose:moment", args=[moment.pk]),
            "off_url": settings.SITE_URL
            + reverse("workshops:followups_off", args=[off_token(participant.pk)]),
        }
        if queue_email(
            membership,
            pref,
            kind=Kind.FOLLOWUP,
            key=f"followup:{participant.pk}:{followup.week}",
            now=now,
            moment=moment,
            template="workshop_followup",
            deliver=False,
            context=context,
        ):
            used[membership.pk] = used.get(membership.pk, 0) + 1
            queued_per_org[membership.org_id] = queued_per_org.get(membership.org_id, 0) + 1
        _done(followup, now, "")
    for org_id, n in queued_per_org.items():
        start_delivery(org_id, n)
    return sum(queued_per_org.values())


def _done(followup: Followup, now: datetime, reason: str) -> None:
    Followup.objects.filter(pk=followup.pk, queued_at__isnull=True).update(
        queued_at=now, skipped=reason
    )


def on_periodic_run(sender: Any, now: datetime, **kwargs: Any) -> dict[str, int]:
    return {"workshop_followups": queue_due(now)}
