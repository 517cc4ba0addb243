"""Reads for the integrations pages; every query scoped to the organisation."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from zichtbaar.integrations.models import Delivery, DeliveryStatus, Endpoint, Feed
from zichtbaar.orgs.models import Organisation

LOG_LENGTH = 100


def endpoints_of(org: Organisation) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(org=org).annotate(
        waiting=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.QUEUED)),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        last_delivered_at=Max("deliveries__delivered_at"),
    )


def endpoint_of(org: Organisation, endpoint_id: int) -> Endpoint:
    return get_object_or_404(Endpoint, pk=endpoint_id, org=org)


def delivery_log(endpoint: Endpoint) -> list[Delivery]:
    return list(
        Delivery.objects.filter(endpoint=endpoint, org_id=endpoint.org_id)
        .select_related("event")
        .order_by("-created_at", "-pk")[:LOG_LENGTH]
    )


def delivery_of(endpoint: Endpoint, delivery_id: int) -> Delivery:
    return get_object_or_404(Delivery, pk=delivery_id, endpoint=endpoint, org_id=endpoint.org_id)


def feeds_of(org: Organisation) -> QuerySet[Feed]:
    return (
        Feed.objects.filter(org=org)
        .select_related("default_type")
        .annotate(brought_in=Count("items"))
    )


def feed_of(org: Organisation, feed_id: int) -> Feed:
    return get_object_or_404(Feed.objects.select_related("default_type"), pk=feed_id, org=org)
