"""Reads for sharing."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from zichtbaar.sharing.models import Click, Share, TrackedLink


def link_destination(code: str) -> tuple[int, str] | None:
    """(link id, destination) for a code, in one indexed lookup."""
    return TrackedLink.objects.filter(code=code).values_list("id", "destination").first()


def clicks_summary(link_ids: list[int]) -> dict[str, int]:
    """Clicks by people (bots excluded) and unique visitors among them."""
    qs = Click.objects.filter(link_id__in=link_ids, is_bot=False)
    return qs.aggregate(clicks=Count("id"), visitors=Count("visitor", distinct=True))


def shares_of(user_id: int, org_id: int) -> QuerySet[Share]:
    return Share.objects.filter(user_id=user_id, org_id=org_id).select_related("moment")


def colleagues_shared_counts(moment_ids: list[int]) -> dict[int, int]:
    """How many distinct people shared each moment (a count, never names)."""
    rows = (
        Share.objects.filter(moment_id__in=moment_ids)
        .values("moment_id")
        .annotate(people=Count("user_id", distinct=True))
    )
    return {r["moment_id"]: r["people"] for r in rows}

