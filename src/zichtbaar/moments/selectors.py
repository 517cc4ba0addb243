"""Reads for moments: what a person sees, what comms manage."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from zichtbaar.moments.models import Moment, MomentStatus, MomentType
from zichtbaar.orgs.models import Membership

# Shares are counted through the reverse relation ``Moment.shares`` (declared by sharing), so
# moments reads them without importing the layer above it.


def _with_share_counts(qs: QuerySet[Moment]) -> QuerySet[Moment]:
    people = (
        Moment.objects.filter(pk=OuterRef("pk"))
        .annotate(n=Count("shares__user", distinct=True))
        .values("n")
    )
    return qs.annotate(colleagues_shared=Coalesce(Subquery(people, output_field=IntegerField()), 0))


def moments_for(membership: Membership) -> QuerySet[Moment]:
    """Published moments whose audience includes this person, not yet expired.

    Moments aimed at the person's own team come first, then the newest.
    """
    now = timezone.now()
    team_id = membership.team_id
    audience = Q(audience_everyone=True)
    mine: Value | Case = Value(0)
    if team_id is not None:
        in_team = Moment.audience_teams.through.objects.filter(
            moment_id=OuterRef("pk"), team_id=team_id
        )
        audience |= Q(Exists(in_team))
        mine = Case(When(Exists(in_team), then=Value(1)), default=Value(0))
    qs = (
        Moment.objects.filter(org_id=membership.org_id, status=MomentStatus.PUBLISHED)
        .filter(audience)
        .filter(Q(shareable_until__isnull=True) | Q(shareable_until__gte=now))
        .select_related("type")
        .prefetch_related("involved_teams", "involved_people")
        .annotate(
            for_my_team=mine,
            i_shared=Exists(
                Moment.objects.filter(pk=OuterRef("pk"), shares__user_id=membership.user_id)
            ),
        )
    )
    return _with_share_counts(qs.order_by("-for_my_team", "-happened_on", "-id"))


def moment_for_person(membership: Membership, moment_id: int) -> Moment | None:
    return moments_for(membership).filter(pk=moment_id).first()


def moments_for_comms(org_id: int, status: str | None = None) -> QuerySet[Moment]:
    qs = Moment.objects.filter(org_id=org_id).select_related("type", "submitted_by")
    if status:
        qs = qs.filter(status=status)
    return _with_share_counts(qs).order_by("-happened_on", "-id")


def status_counts(org_id: int) -> dict[str, int]:
    rows = Moment.objects.filter(org_id=org_id).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def submitted_by(membership: Membership) -> QuerySet[Moment]:
    return (
        Moment.objects.filter(org_id=membership.org_id, submitted_by_id=membership.user_id)
        .select_related("type")
        .order_by("-created_at")
    )


def types_for(org_id: int) -> QuerySet[MomentType]:
    return MomentType.objects.filter(Q(org=None) | Q(org_id=org_id)).order_by("position", "key")
