"""Read-only queries for surveys, always within one organisation."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from zichtbaar.orgs.models import Organisation
from zichtbaar.surveys.models import ImportBatch, ItemRole, Response, Survey


def surveys_of(org: Organisation) -> QuerySet[Survey]:
    return Survey.objects.filter(org=org).annotate(
        n_completed=Count("responses", filter=Q(responses__completed=True)),
        n_started=Count("responses"),
    )


def survey_of(org: Organisation, survey_id: int) -> Survey:
    """Another organisation's survey is a 404, as if it did not exist."""
    return get_object_or_404(surveys_of(org), pk=survey_id)


def open_surveys_of(org: Organisation) -> list[Survey]:
    return [
        s for s in Survey.objects.filter(org=org, status=Survey.Status.OPEN) if s.is_accepting()
    ]


def public_survey(token: str) -> Survey:
    return get_object_or_404(
        Survey.objects.select_related("org"),
        token=token,
        status__in=[Survey.Status.OPEN, Survey.Status.CLOSED],
    )


def item_roles_of(survey: Survey) -> dict[str, ItemRole]:
    """The roles comms chose for the survey's own items, by item id."""
    return {r.item_id: r for r in ItemRole.objects.filter(survey=survey)}


def own_scales_of(survey: Survey) -> list[tuple[str, str]]:
    """(key, name) of the scales comms made for this survey, in the order they were made."""
    seen: dict[str, str] = {}
    rows = (
        ItemRole.objects.filter(survey=survey, role=ItemRole.Role.SCALE)
        .exclude(scale_label="")
        .order_by("pk")
        .values_list("scale", "scale_label")
    )
    for key, label in rows:
        seen.setdefault(key, label)
    return list(seen.items())


def completed_by_source(survey: Survey) -> dict[str, int]:
    """Completed responses per source (link, import, unknown); sources without any left out."""
    rows = (
        Response.objects.filter(survey=survey, completed=True)
        .values("source")
        .annotate(n=Count("pk"))
        .order_by("source")
    )
    return {r["source"]: r["n"] for r in rows}


def import_batches_of(survey: Survey) -> QuerySet[ImportBatch]:
    """The survey's imports, newest first, each with its number of responses (`n`)."""
    return ImportBatch.objects.filter(survey=survey).annotate(n=Count("responses"))


def import_batch_of(survey: Survey, batch_id: int) -> ImportBatch | None:
    return import_batches_of(survey).filter(pk=batch_id).first()
