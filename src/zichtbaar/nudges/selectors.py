"""Reads for nudges: what a person's next digest holds, the outbox for comms, the feed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from zichtbaar.compose import selectors as compose_selectors
from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.nudges.models import Message, Status
from zichtbaar.orgs.models import Membership
from zichtbaar.sharing import selectors as sharing_selectors
from zichtbaar.sharing import services as sharing_services
from zichtbaar.sharing.models import Share, TrackedLink

DIGEST_MOMENTS = 3


@dataclass
class DigestItem:
    moment: Moment
    draft: str
    url: str  # the moment's compose page
    summary: str = ""  # what happened, at most 40 words
    title: str = ""
    language: str = ""  # of the title, summary and draft (the person's, when the moment has it)


def summary_of(moment: Moment, language: str) -> str:
    return Truncator(moment.text(language).what_happened).words(40)


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


def impacts_of(org_id: int, user_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Shares and (human) clicks per person, for many people in two queries.

    The clicks are `sharing.selectors.clicks_brought`, the figure My impact shows as well.
    """
    shares = dict(
        Share.objects.filter(org_id=org_id, user_id__in=user_ids)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
        .order_by()
    )
    brought = sharing_selectors.clicks_brought(org_id, user_ids)
    return shares, {user_id: b.clicks for user_id, b in brought.items()}


def digest_for(
    membership: Membership, *, create_links: bool = True, limit: int = DIGEST_MOMENTS
) -> Digest:
    """Moments for this person that they haven't shared yet, each with one ready draft.

    `create_links=False` (previews) uses a person's existing tracked link and never makes one.
    """
    return digests_for([membership], create_links=create_links, limit=limit)[membership.pk]


def digests_for(
    memberships: Sequence[Membership],
    *,
    create_links: bool = True,
    limit: int = DIGEST_MOMENTS,
    now: datetime | None = None,
) -> dict[int, Digest]:
    """The digests of many people of one organisation in a fixed number of queries.

    The moments are those `moments.selectors.moments_for` gives each person (published,
    not expired, for everyone or their team; their team's first, then the newest), without the
    ones they shared and without those still under embargo. Memberships need `user__profile`, `org` and `team` loaded.
    """
    if not memberships:
        return {}
    org_id = memberships[0].org_id
    if any(m.org_id != org_id for m in memberships):
        raise ValueError("digests_for takes the people of one organisation")
    now = now or timezone.now()
    moments = list(
        Moment.objects.filter(org_id=org_id, status=MomentStatus.PUBLISHED)
        .filter(Q(shareable_until__isnull=True) | Q(shareable_until__gte=now))
        # Unlike the app's list, no moment under embargo: an e-mail with a ready draft
        # invites sharing at once.
        .filter(Q(shareable_from__isnull=True) | Q(shareable_from__lte=now))
        .select_related("type")
        .prefetch_related("involved_teams", "involved_people")  # who speaks as an insider
        .order_by("-happened_on", "-id")
    )
    teams_of: dict[int, set[int]] = defaultdict(set)
    for moment_id, team_id in Moment.audience_teams.through.objects.filter(
        moment_id__in=[m.pk for m in moments]
    ).values_list("moment_id", "team_id"):
        teams_of[moment_id].add(team_id)
    user_ids = [m.user_id for m in memberships]
    shared = set(
        Share.objects.filter(moment_id__in=[m.pk for m in moments], user_id__in=user_ids)
        .values_list("user_id", "moment_id")
        .order_by()
    )
    # Everyone in a team sees the same moments in the same order; compute that once per team.
    by_team: dict[int | None, list[Moment]] = {}
    for team in {m.team_id for m in memberships}:
        seen = [m for m in moments if m.audience_everyone or team in teams_of[m.pk]]
        # Stable sort: the team's own moments first, each group still newest first.
        by_team[team] = [m for m in seen if team in teams_of[m.pk]] + [
            m for m in seen if team not in teams_of[m.pk]
        ]
    chosen = {
        m.pk: [mo for mo in by_team[m.team_id] if (m.user_id, mo.pk) not in shared][:limit]
        for m in memberships
    }
    consenting = [m for m in memberships if m.user.profile.consent_tracking]
    pairs = [(mo, m.user_id) for m in consenting for mo in chosen[m.pk]]
    # The tracked link a draft ends with (compose.selectors.share_url, by code).
    if create_links:
        codes = sharing_services.link_codes_for(pairs)
    else:
        codes = {
            (u, m): code
            for u, m, code in TrackedLink.objects.filter(
                user_id__in=[m.user_id for m in consenting],
                moment_id__in={mo.pk for mo, _u in pairs},
            ).values_list("user_id", "moment_id", "code")
        }
    shares, clicks = impacts_of(org_id, user_ids)
    urls = {mo.pk: compose_url(mo) for mo in moments}
    summaries: dict[tuple[int, str], str] = {}
    digests = {}
    for membership in memberships:
        profile = membership.user.profile
        digest = Digest(
            membership=membership,
            shares=shares.get(membership.user_id, 0),
            clicks=clicks.get(membership.user_id, 0),
            connections=profile.connections,
        )
        for moment in chosen[membership.pk]:
            texts = moment.text(profile.language)
            key = (moment.pk, texts.language)
            if key not in summaries:
                summaries[key] = summary_of(moment, texts.language)
            code = codes.get((membership.user_id, moment.pk)) if profile.consent_tracking else None
            link_url = compose_selectors.share_url(moment, code, settings.SITE_URL)
            drafts = compose_selectors.drafts_for(
                moment, membership, link_url, count=1, use_model=False
            )
            digest.items.append(
                DigestItem(
                    moment=moment,
                    draft=drafts[0].text if drafts else "",
                    url=urls[moment.pk],
                    summary=summaries[key],
                    title=texts.title,
                    language=texts.language,
                )
            )
        digests[membership.pk] = digest
    return digests


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
