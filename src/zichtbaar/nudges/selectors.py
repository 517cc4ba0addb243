"""Reads for nudges: what a person's next digest holds, the outbox for comms, the feed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse

from zichtbaar.compose import selectors as compose_selectors
from zichtbaar.moments.models import Moment
from zichtbaar.moments.selectors import moments_for
from zichtbaar.nudges.models import Message, Status
from zichtbaar.orgs.models import Membership
from zichtbaar.sharing import services as sharing_services
from zichtbaar.sharing.models import Share, TrackedLink

DIGEST_MOMENTS = 3


@dataclass
class DigestItem:
    moment: Moment
    draft: str
    url: str  # the moment's compose page


@dataclass
class Digest:
    membership: Membership
    items: list[DigestItem] = field(default_factory=list)
    shares: int = 0
    clicks: int = 0
    connections: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.items


def compose_url(moment: Moment) -> str:
    return settings.SITE_URL + reverse("compose:moment", args=[moment.pk])


def impact_of(membership: Membership) -> tuple[int, int]:
    """The person's own shares and the clicks on their links in this organisation."""
    shares = Share.objects.filter(user_id=membership.user_id, org_id=membership.org_id).count()
    clicks = (
        TrackedLink.objects.filter(user_id=membership.user_id, org_id=membership.org_id)
        .annotate(n=Count("clicks", filter=Q(clicks__is_bot=False)))
        .aggregate(total=Sum("n"))["total"]
    )
    return shares, clicks or 0


def digest_for(
    membership: Membership, *, create_links: bool = True, limit: int = DIGEST_MOMENTS
) -> Digest:
    """Moments for this person that they haven't shared yet, each with one ready draft.

    `create_links=False` (previews) uses a person's existing tracked link and never makes one.
    """
    profile = membership.user.profile
    digest = Digest(membership=membership, connections=profile.connections)
    digest.shares, digest.clicks = impact_of(membership)
    mine = moments_for(membership).filter(i_shared=False)  # type: ignore[misc]
    for moment in mine[:limit]:
        link: TrackedLink | None = None
        if profile.consent_tracking:
            if create_links:
                link = sharing_services.get_or_create_link(moment, membership.user)
            else:
                link = TrackedLink.objects.filter(moment=moment, user=membership.user).first()
        link_url = compose_selectors.share_url(moment, link, settings.SITE_URL)
        drafts = compose_selectors.drafts_for(moment, membership, link_url, count=1)
        digest.items.append(
            DigestItem(
                moment=moment, draft=drafts[0].text if drafts else "", url=compose_url(moment)
            )
        )
    return digest


@dataclass
class OutboxStatus:
    counts: dict[str, int]
    failures: list[Message]
    waiting: list[Message]
    last_sent: datetime | None


def outbox_status(org_id: int, limit: int = 20) -> OutboxStatus:
    rows = Message.objects.filter(org_id=org_id)
    counts = {s.value: 0 for s in Status}
    for r in rows.values("status").annotate(n=Count("id")).order_by():
        counts[r["status"]] = r["n"]
    failures = list(
        rows.filter(status=Status.FAILED).select_related("membership__user").order_by("-id")[:limit]
    )
    waiting = list(
        rows.filter(status=Status.QUEUED, attempts__gt=0)
        .select_related("membership__user")
        .order_by("next_try_at")[:limit]
    )
    last = rows.filter(status=Status.SENT).order_by("-sent_at").values_list("sent_at", flat=True)
    return OutboxStatus(counts=counts, failures=failures, waiting=waiting, last_sent=last.first())


def people_of(org_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(org_id=org_id, is_active=True)
        .select_related("user", "team")
        .order_by("user__name", "user__email")
    )
