"""Slack and Teams: announcing new moments, and the comms screen for the webhooks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.nudges import selectors
from zichtbaar.nudges.channels import slack, teams
from zichtbaar.nudges.models import Kind, Message, Status, Webhook
from zichtbaar.nudges.queueing import save_row, start_delivery
from zichtbaar.orgs.models import Organisation


def chat_payload(webhook: Webhook, moment: Moment) -> dict[str, Any]:
    # The channel's language when the moment has it, else all of it in the moment's language.
    texts = moment.text(webhook.language)
    with translation.override(texts.language):
        title = _("New moment: %(title)s") % {"title": texts.title}
        text = texts.what_happened[:500]
        button = _("Open with a ready draft")
    builder = slack if webhook.kind == Webhook.Kind.SLACK else teams
    return builder.payload(title=title, text=text, url=selectors.compose_url(moment), button=button)


def queue_announcements(org: Organisation, *, now: datetime | None = None) -> int:
    """Tell the organisation's Slack/Teams channels about moments that became shareable.

    Polled from `runperiodic` rather than hooked into publishing: a moment under embargo is
    announced when the embargo ends, and publishing never waits for a chat service.
    """
    now = now or timezone.now()
    hooks = list(Webhook.objects.filter(org=org, is_active=True))
    if not hooks:
        return 0
    recent = Moment.objects.filter(
        org=org,
        status=MomentStatus.PUBLISHED,
        published_at__gte=now - timedelta(days=2),
        audience_everyone=True,
    ).filter(
        Q(shareable_from__isnull=True) | Q(shareable_from__lte=now),
        Q(shareable_until__isnull=True) | Q(shareable_until__gte=now),
    )
    queued = 0
    for moment in recent:
        for hook in hooks:
            key = f"announce:{hook.pk}:{moment.pk}"
            if Message.objects.filter(key=key).exists():
                continue
            if save_row(
                False,
                org_id=org.pk,
                webhook=hook,
                moment=moment,
                key=key,
                channel=hook.kind,
                kind=Kind.ANNOUNCE,
                to=hook.url,
                subject=moment.title[:300],
                payload=chat_payload(hook, moment),
                next_try_at=now,
                created_at=now,
            ):
                queued += 1
    if queued:
        start_delivery(org.pk, queued)
    return queued


# Webhooks: the comms screen ------------------------------------------------------------------
# Comms add, change, pause and remove their organisation's Slack/Teams webhooks and send a test
# message through the outbox (a `chat_test` row: retried like any message, never sent twice).

CHAT_TEST_BUCKET = 60  # seconds: clicks on "Send a test message" within a minute are one message


@dataclass
class WebhookRow:
    """A webhook with what the outbox knows about it, for the comms screen (no full URL)."""

    webhook: Webhook
    last_sent_at: datetime | None
    last_failure: str
    last_failure_at: datetime | None
    retrying: str
    next_try_at: datetime | None


def scrub_reason(text: str, hook: Webhook) -> str:
    """A reason never repeats the secret address."""
    return text.replace(hook.url, hook.masked_url) if hook.url else text


def webhook_rows(org_id: int) -> list[WebhookRow]:
    """The organisation's webhooks with their last delivery, in a single query."""
    failed = Message.objects.filter(webhook=OuterRef("pk"), status=Status.FAILED).order_by("-id")
    retrying = Message.objects.filter(
        webhook=OuterRef("pk"), status=Status.QUEUED, attempts__gt=0
    ).order_by("-id")
    hooks = (
        Webhook.objects.filter(org_id=org_id)
        .annotate(
            last_sent_at=Max("messages__sent_at", filter=Q(messages__status=Status.SENT)),
            last_failure=Subquery(failed.values("last_error")[:1]),
            last_failure_at=Subquery(failed.values("claimed_at")[:1]),
            retrying=Subquery(retrying.values("last_error")[:1]),
            next_try_at=Subquery(retrying.values("next_try_at")[:1]),
        )
        .order_by("name", "pk")
    )
    return [
        WebhookRow(
            webhook=h,
            last_sent_at=h.last_sent_at,
            last_failure=scrub_reason(h.last_failure or "", h),
            last_failure_at=h.last_failure_at,
            retrying=scrub_reason(h.retrying or "", h),
            next_try_at=h.next_try_at,
        )
        for h in hooks
    ]


def save_webhook(hook: Webhook) -> Webhook:
    """Save a new or changed webhook; messages still waiting go to its current address."""
    with transaction.atomic():
        hook.save()
        Message.objects.filter(webhook=hook, status=Status.QUEUED).exclude(to=hook.url).update(
            to=hook.url
        )
    return hook


def set_webhook_active(hook: Webhook, active: bool) -> Webhook:
    """Pause or resume announcements (a paused webhook can still get a test message)."""
    hook.is_active = active
    hook.save(update_fields=["is_active"])
    return hook


def delete_webhook(hook: Webhook) -> None:
    """Remove the webhook; its messages in the outbox go with it (nothing more is sent)."""
    hook.delete()


def chat_test_payload(hook: Webhook) -> dict[str, Any]:
    with translation.override(hook.language):
        title = _("Test message from Zichtbaar")
        text = _(
            "This channel is connected. New moments for everyone in %(org)s will be announced "
            "here, each with a ready draft."
        ) % {"org": hook.org.name}
        button = _("Open Zichtbaar")
    builder = slack if hook.kind == Webhook.Kind.SLACK else teams
    url = settings.SITE_URL + reverse("home:home")
    return builder.payload(title=title, text=text, url=url, button=button)


def queue_chat_test(hook: Webhook, *, now: datetime | None = None) -> Message:
    """Queue a test message for this webhook through the outbox and start its delivery.

    The key holds the webhook and the minute of the click: a double click, a resubmitted form
    or a retry sends one message, and the existing row is returned.
    """
    now = now or timezone.now()
    bucket = int(now.timestamp()) // CHAT_TEST_BUCKET
    key = f"{Kind.CHAT_TEST}:{hook.pk}:{bucket}"
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    created = save_row(
        True,
        org_id=hook.org_id,
        webhook=hook,
        key=key,
        channel=hook.kind,
        kind=Kind.CHAT_TEST,
        to=hook.url,
        subject=str(_("Test message")),
        payload=chat_test_payload(hook),
        next_try_at=now,
        created_at=now,
    )
    return created or Message.objects.get(key=key)
