"""The demo organisation's workshops: one held seven weeks ago (its effect report is ready) and
one for today, to open on a projector.

The earlier workshop's participants are most of one team; after the workshop they share a
little more often than before (shares added on moments that existed then), their teammates who
stayed away don't, so the report has something honest to find.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.orgs.models import Barrier, Membership, Organisation, Role, Team
from zichtbaar.sharing.models import Share
from zichtbaar.sharing.services import get_or_create_link, record_share
from zichtbaar.workshops import services
from zichtbaar.workshops.models import Participant, Workshop

TEAM = "Cloud"
SEED = 4


@transaction.atomic
def load_demo_workshops(org: Organisation, now: dt.datetime | None = None) -> list[Workshop]:
    now = now or timezone.now()
    rng = random.Random(SEED)
    Workshop.objects.filter(org=org).delete()
    trainer = Membership.objects.filter(org=org, role=Role.COMMS).select_related("user").first()
    team = Team.objects.filter(org=org, name=TEAM).first()
    if trainer is None or team is None:
        return []
    today = timezone.localdate(now)
    held = today - dt.timedelta(weeks=7)
    earlier = services.create_workshop(
        org,
        trainer.user_id,
        title="LinkedIn-workshop Cloud",
        held_on=held,
        teams=[team],
    )
    members = list(
        Membership.objects.filter(org=org, team=team, is_active=True)
        .exclude(pk=trainer.pk)
        .select_related("user__profile")
        .order_by("pk")
    )
    joined = members[: max(0, len(members) - 6)]  # six teammates stay away: the comparison
    barriers = [Barrier.VALUE, Barrier.VALUE, Barrier.PERMISSION, Barrier.RELEVANCE, Barrier.NONE]
    for i, membership in enumerate(joined):
        participant = services.join(earlier, membership)
        Participant.objects.filter(pk=participant.pk).update(
            barrier=barriers[i % len(barriers)],
            connections=membership.user.profile.connections or None,
            connections_unknown=not membership.user.profile.connections,
        )
    services.close(earlier, now=timezone.make_aware(dt.datetime.combine(held, dt.time(16))))
    moments = list(
        Moment.objects.filter(
            org=org, status=MomentStatus.PUBLISHED, happened_on__lte=held
        ).order_by("-happened_on")[:8]
    )
    start = timezone.make_aware(dt.datetime.combine(held, dt.time(9)))
    # The demo's shares all carry a tracked link, so only those who consented share more.
    for membership in [m for m in joined if m.user.profile.consent_tracking]:
        # About one extra share every five weeks after the workshop.
        for week in range(6):
            if rng.random() >= 0.2:
                continue
            at = start + dt.timedelta(weeks=week, days=rng.randint(1, 5), hours=2)
            open_then = [
                m
                for m in moments
                if (m.shareable_from is None or m.shareable_from <= at)
                and (m.shareable_until is None or m.shareable_until >= at)
            ]
            if not open_then:
                continue
            moment = rng.choice(open_then)
            if Share.objects.filter(moment=moment, user=membership.user).exists():
                continue
            link = get_or_create_link(moment, membership.user)  # as a share from the page
            title = moment.text(membership.user.profile.language).title
            record_share(
                moment=moment,
                user=membership.user,
                text=f"{title}\n\n{settings.SITE_URL}/l/{link.code}" if link else title,
                post_url="",
                angle="",
                shared_at=at,
            )
    today_workshop = services.create_workshop(
        org, trainer.user_id, title="LinkedIn-workshop Data & AI", held_on=today
    )
    return [earlier, today_workshop]
