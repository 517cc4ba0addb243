"""Outgoing webhooks (endpoints, events, one delivery row per event and endpoint) and news
feeds that bring items in as moment drafts."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.orgs.models import Organisation


class EventType(models.TextChoices):
    MOMENT_PUBLISHED = "moment.published", _("A moment is published")
    MOMENT_SUBMITTED = "moment.submitted", _("A colleague submits a moment for review")
    SHARE_RECORDED = "share.recorded", _("Someone records a share (without who)")
    SURVEY_CLOSED = "survey.closed", _("A survey is closed")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Endpoint(models.Model):
    """A URL that receives signed JSON for the events it is subscribed to."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=120, blank=True)
    events = models.JSONField(_("events"), default=list)
    # The signing secret; shown once when made or rotated, never again.
    secret = models.CharField(max_length=80, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    paused_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description or self.url

    @property
    def label(self) -> str:
        return self.description or self.url


class Event(models.Model):
    """Something happened; its JSON body is fixed here, so every try sends the same bytes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    body = models.TextField()

    class Meta:
        ordering = ["occurred_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """The outbox row: one per (event, endpoint), claimed by a conditional UPDATE."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=400, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="delivery_once_per_endpoint")
        ]
        indexes = [models.Index(fields=["status", "next_try_at"])]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.endpoint_id}: {self.status}"


# How the last fetch went, as a code: said in the reader's language by `Feed.result_text`.
NOT_MODIFIED = "not-modified"
CREATED = "created:"


class Feed(models.Model):
    """An RSS or Atom feed whose new items arrive as moment drafts."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("feed address"), max_length=500)
    name = models.CharField(_("name"), max_length=120)
    default_type = models.ForeignKey(
        MomentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type otherwise")
    )
    # [{"contains": "vacature", "type": "vacancy"}, ...]: the first that matches the item's
    # link or title gives its type.
    rules = models.JSONField(default=list, blank=True)
    interval_minutes = models.PositiveIntegerField(_("fetch every (minutes)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_fetch_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=400, blank=True)
    last_result = models.CharField(max_length=200, blank=True)  # NOT_MODIFIED or CREATED<n>
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("news feed")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def result_text(self) -> str:
        """How the last fetch went, in the reader's language."""
        if self.last_result == NOT_MODIFIED:
            return gettext("Not changed since the last fetch.")
        if self.last_result.startswith(CREATED):
            n = int(self.last_result.removeprefix(CREATED) or 0)
            return ngettext("%(n)s new draft.", "%(n)s new drafts.", n) % {"n": n}
        return ""


class FeedItem(models.Model):
    """An item already brought in: unique per feed and item (its guid, or else its link)."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=64)  # sha256 of the guid or link
    moment = models.ForeignKey(Moment, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "key"], name="feed_item_once")]

    def __str__(self) -> str:
        return f"{self.feed_id}:{self.key[:12]}"
