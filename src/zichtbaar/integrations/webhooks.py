"""Outgoing webhooks: events become outbox rows (one per event and endpoint), a worker claims
each row with a conditional UPDATE and sends it signed; failures are retried with exponential
backoff for more than 24 hours. docs/integrations.md, "Outgoing webhooks", for receivers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zichtbaar.integrations import transport
from zichtbaar.integrations.models import (
    Delivery,
    DeliveryStatus,
    Endpoint,
    Event,
    new_secret,
)
from zichtbaar.nudges.channels import Permanent, Retry
from zichtbaar.nudges.channels.webhooks import excerpt, retry_after_seconds
from zichtbaar.orgs import jobs
from zichtbaar.orgs.models import Organisation

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Zichtbaar-Signature"
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
KEEP_TRYING = timedelta(hours=25)  # a delivery fails for good only after this long
LEASE = timedelta(minutes=5)  # a row claimed longer ago than this is taken back (a crash)
BATCH = 200
TIMEOUT = 10.0
ANSWER_CAP = 16 * 1024  # bytes of the receiver's answer read, at most
KEEP_LOG = timedelta(days=30)  # delivered or failed events are removed after this long


# --------------------------------------------------------------------------- signing


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: float, tolerance: int = 300) -> bool:
    """What a receiver does (also used by the tests and shown in the docs)."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False  # too old (or from the future): a replay
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


# --------------------------------------------------------------------------- endpoints


def create_endpoint(
    org: Organisation, *, url: str, description: str, events: list[str]
) -> Endpoint:
    return Endpoint.objects.create(org=org, url=url, description=description, events=events)


def update_endpoint(
    endpoint: Endpoint, *, url: str, description: str, events: list[str]
) -> Endpoint:
    endpoint.url, endpoint.description, endpoint.events = url, description, events
    endpoint.save(update_fields=["url", "description", "events"])
    return endpoint


def rotate_secret(endpoint: Endpoint) -> str:
    """A new secret, effective for the next try of every delivery; returned to show once."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def set_active(endpoint: Endpoint, active: bool) -> Endpoint:
    endpoint.is_active = active
    endpoint.paused_reason = ""
    endpoint.save(update_fields=["is_active", "paused_reason"])
    if active:
        # What waited while it was paused is tried again now.
        Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.QUEUED).update(
            next_try_at=timezone.now()
        )
        jobs.enqueue("integrations.deliver_webhooks", endpoint.org_id)
    return endpoint


def delete_endpoint(endpoint: Endpoint) -> None:
    endpoint.delete()


# --------------------------------------------------------------------------- events


def emit(org_id: int, type: str, data: dict[str, Any], now: datetime | None = None) -> Event | None:
    """Store the event and one delivery per subscribed active endpoint; None when nobody
    listens (then nothing is stored)."""
    endpoints = [
        e for e in Endpoint.objects.filter(org_id=org_id, is_active=True) if type in e.events
    ]
    if not endpoints:
        return None
    now = now or timezone.now()
    org = Organisation.objects.get(pk=org_id)
    with transaction.atomic():
        event = Event(org_id=org_id, type=type, occurred_at=now)
        payload = {
            "id": str(event.id),
            "type": type,
            "occurred_at": now.isoformat(),
            "org": {"slug": org.slug, "name": org.name},
            "data": data,
        }
        event.body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        event.save()
        Delivery.objects.bulk_create(
            [
                Delivery(org_id=org_id, event=event, endpoint=e, next_try_at=now, created_at=now)
                for e in endpoints
            ],
            ignore_conflicts=True,
        )
    jobs.enqueue("integrations.deliver_webhooks", org_id)
    return event


def moment_data(moment: Any) -> dict[str, Any]:
    """The moment's public fields: no author, submitter or people involved."""
    return {
        "moment": {
            "id": moment.pk,
            "title": moment.title,
            "type": moment.type.key,
            "language": moment.language,
            "status": moment.status,
            "link": moment.link,
            "happened_on": moment.happened_on.isoformat() if moment.happened_on else None,
            "published_at": moment.published_at.isoformat() if moment.published_at else None,
        }
    }


def share_data(share: Any) -> dict[str, Any]:
    """A share without its person: which moment, when, and whether a post address is known."""
    return {
        "share": {
            "id": share.pk,
            "moment_id": share.moment_id,
            "shared_at": share.shared_at.isoformat(),
        }
    }


def survey_data(survey: Any) -> dict[str, Any]:
    return {
        "survey": {
            "id": survey.pk,
            "title_en": survey.title_en,
            "title_nl": survey.title_nl,
            "status": survey.status,
        }
    }


# --------------------------------------------------------------------------- delivery


def backoff(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 ... minutes, at most an hour, with a little jitter."""
    delay = min(FIRST_RETRY * (2 ** max(0, attempts - 1)), MAX_RETRY)
    return delay + timedelta(seconds=random.uniform(0, delay.total_seconds() / 10))  # noqa: S311


def reclaim_stale(now: datetime) -> int:
    return Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - LEASE
    ).update(status=DeliveryStatus.QUEUED, next_try_at=now)


def prune(now: datetime) -> int:
    """Forget events older than KEEP_LOG once nothing about them is still waiting."""
    old = Event.objects.filter(occurred_at__lt=now - KEEP_LOG).exclude(
        deliveries__status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    )
    return old.delete()[0]


def due(now: datetime) -> Q:
    return Q(status=DeliveryStatus.QUEUED, next_try_at__lte=now, endpoint__is_active=True)


def orgs_with_due(now: datetime) -> list[int]:
    return sorted(set(Delivery.objects.filter(due(now)).values_list("org_id", flat=True)))


def claim(delivery_id: int, now: datetime) -> bool:
    """Only one worker wins the conditional UPDATE."""
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED, next_try_at__lte=now)
        .filter(endpoint__is_active=True)
        .update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def deliver(org_id: int | None, now: datetime | None = None) -> dict[str, int]:
    """Send the organisation's due deliveries; safe to run any number of times at once."""
    now = now or timezone.now()
    reclaim_stale(now)
    rows = Delivery.objects.filter(due(now))
    if org_id is not None:
        rows = rows.filter(org_id=org_id)
    ids = list(rows.order_by("next_try_at", "pk").values_list("pk", flat=True)[:BATCH])
    done = {"webhooks_sent": 0, "webhooks_retry": 0, "webhooks_failed": 0}
    for delivery_id in ids:
        if not claim(delivery_id, now):
            continue
        delivery = Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)
        done[f"webhooks_{send(delivery, now)}"] += 1
    return done


def send(delivery: Delivery, now: datetime) -> str:
    """One try of a claimed delivery: "sent", "retry" or "failed"."""
    endpoint, event = delivery.endpoint, delivery.event
    body = event.body.encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
        "Zichtbaar-Event-Id": str(event.id),
        "Zichtbaar-Event-Type": event.type,
    }
    try:
        answer = transport.request(
            "POST", endpoint.url, body=body, headers=headers, timeout=TIMEOUT, max_bytes=ANSWER_CAP
        )
    except Retry as exc:
        return _retry(delivery, now, exc.reason, None, exc.retry_after)
    except Permanent as exc:
        return _fail(delivery, now, exc.reason, None)
    code = answer.status
    if 200 <= code < 300:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=now,
            response_code=code,
            last_error="",
            claimed_at=None,
        )
        return "sent"
    said = excerpt(answer.body)
    if code == 410:
        Endpoint.objects.filter(pk=endpoint.pk).update(
            is_active=False,
            paused_reason=_("The receiver answered 410 Gone: it no longer wants these events."),
        )
        # Not failed: it goes out if comms resume the endpoint.
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.QUEUED,
            response_code=code,
            last_error=_("410 Gone: the endpoint is paused."),
            claimed_at=None,
        )
        return "failed"
    if 300 <= code < 400:
        return _fail(
            delivery,
            now,
            _("The receiver answered with a redirect (%(code)s); redirects are not followed.")
            % {"code": code},
            code,
        )
    if code in (408, 429) or code >= 500:
        wait = retry_after_seconds(answer.headers.get("retry-after")) if code == 429 else None
        return _retry(delivery, now, f"{code} {said}".strip(), code, wait)
    return _fail(delivery, now, f"{code} {said}".strip(), code)


def _retry(
    delivery: Delivery, now: datetime, reason: str, code: int | None, wait: float | None
) -> str:
    attempts = delivery.attempts + 1  # the claim counted this try in the database
    if now - delivery.created_at >= KEEP_TRYING:
        return _fail(delivery, now, reason, code)
    delay = backoff(attempts)
    if wait is not None:
        delay = max(delay, min(timedelta(seconds=wait), MAX_RETRY))
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.QUEUED,
        next_try_at=now + delay,
        last_error=reason[:400],
        response_code=code,
        claimed_at=None,
    )
    return "retry"


def _fail(delivery: Delivery, now: datetime, reason: str, code: int | None) -> str:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, last_error=reason[:400], response_code=code, claimed_at=None
    )
    return "failed"


def redeliver(delivery: Delivery) -> None:
    """Comms send a failed delivery again (same event, same id)."""
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED, next_try_at=timezone.now(), created_at=timezone.now()
    )
    jobs.enqueue("integrations.deliver_webhooks", delivery.org_id)
