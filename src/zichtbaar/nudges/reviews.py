"""Telling people how a suggested moment is doing: comms hear of a new (or resubmitted)
suggestion, the colleague who suggested it hears when it is published or returned.

Received from `moments.signals.moment_reviewed` (nudges/apps.py). Through the outbox like every
nudge: once per event (the key), only by e-mail when the person allows it and wants these.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments.models import Moment
from zichtbaar.nudges.models import Kind
from zichtbaar.nudges.preferences import may_email, preferences_for
from zichtbaar.nudges.queueing import queue_email, start_delivery
from zichtbaar.orgs.models import Membership, Role


def on_moment_reviewed(sender: Any, moment: Moment, outcome: str, **kwargs: Any) -> None:
    now = timezone.now()
    # One key per event: a second click or a retried job never sends it twice; a later
    # resubmission (a new updated_at) is a new event.
    event = f"{moment.pk}:{outcome}:{moment.updated_at:%Y%m%d%H%M%S%f}"
    if outcome == "submitted":
        people = Membership.objects.filter(
            org_id=moment.org_id, is_active=True, role__in=(Role.COMMS, Role.ADMIN)
        ).exclude(user_id=moment.submitted_by_id or 0)
        template = "review_submitted"
        url = settings.SITE_URL + reverse("compose:comms_detail", args=[moment.pk])
    elif outcome in ("approved", "returned") and moment.submitted_by_id:
        people = Membership.objects.filter(
            org_id=moment.org_id, is_active=True, user_id=moment.submitted_by_id
        )
        template = f"review_{outcome}"
        if outcome == "returned":
            url = settings.SITE_URL + reverse("moments:edit_submission", args=[moment.pk])
        else:
            # Their draft when the moment's audience includes them, else their suggestions.
            submitter = people.first()
            visible = submitter is not None and moment_selectors.moment_for_person(
                submitter, moment.pk
            )
            url = settings.SITE_URL + (
                reverse("compose:moment", args=[moment.pk]) if visible else reverse("moments:mine")
            )
    else:
        return
    queued = 0
    prefs = preferences_for(people.select_related("user__profile", "org"))
    for pref in prefs.values():
        if not (may_email(pref) and pref.review_updates):
            continue
        if queue_email(
            pref.membership,
            pref,
            kind=Kind.REVIEW,
            key=f"review:{event}:{pref.membership_id}",
            now=now,
            moment=moment,
            template=template,
            deliver=False,
            context={"moment": moment, "url": url},
        ):
            queued += 1
    if queued:
        start_delivery(moment.org_id, queued)
