"""Nudges: per-person preferences, the organisation's chat channels and the outbox."""

from __future__ import annotations

import secrets
from datetime import time
from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Language, Membership, Organisation


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")
    OFF = "off", _("Never")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def default_quiet_days() -> list[int]:
    return [5, 6]  # Saturday and Sunday (Monday is 0)


class Preference(models.Model):
    """How, how often and when one person in one organisation hears from us."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="nudge_preference"
    )
    email = models.BooleanField(_("e-mail"), default=True)
    prompts = models.BooleanField(
        _("a short note when a moment happens or is about to expire"), default=True
    )
    frequency = models.CharField(
        _("digest"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    quiet_start = models.TimeField(_("quiet from"), default=time(20, 0))
    quiet_end = models.TimeField(_("quiet until"), default=time(8, 0))
    quiet_days = models.JSONField(_("quiet days"), default=default_quiet_days, blank=True)
    max_per_week = models.PositiveSmallIntegerField(_("at most per week"), default=2)
    # Not capped: a few a month, and the person is waiting for them.
    review_updates = models.BooleanField(
        _("about moments I suggested, and suggestions to review"), default=True
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, blank=True, default=""
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")

    def __str__(self) -> str:
        return f"nudges for {self.membership}"

    @property
    def lang(self) -> str:
        return self.language or self.membership.user.profile.language


class Webhook(models.Model):
    """An organisation's Slack or Teams incoming webhook: told when a moment is published."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="nudge_webhooks")
    name = models.CharField(_("name"), max_length=100, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("incoming webhook URL"), max_length=500)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat webhook")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.org}"

    @property
    def label(self) -> str:
        """The name comms gave it, or the kind for webhooks made before names existed."""
        return self.name or str(self.get_kind_display())

    @property
    def masked_url(self) -> str:
        """The address is a secret: only its host and last four characters are ever shown."""
        return mask_url(self.url)


def mask_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{host}/…{url[-4:]}" if len(url) > len(host) + 12 else f"{host}/…"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class Kind(models.TextChoices):
    DIGEST = "digest", _("Digest")
    PROMPT = "prompt", _("Moment prompt")
    REMINDER = "reminder", _("Reminder before expiry")
    WELCOME = "welcome", _("Welcome")
    ANNOUNCE = "announce", _("New moment in a chat channel")
    CHAT_TEST = "chat_test", _("Test message in a chat channel")
    TEST = "test", _("Test digest")
    ACCOUNT = "account", _("Sign-in or account e-mail")
    REVIEW = "review", _("About a suggested moment")
    FOLLOWUP = "followup", _("Workshop follow-up")
    WORKSHOP = "workshop", _("Workshop invitation")


# Kinds that count towards a person's weekly cap.
CAPPED_KINDS = (Kind.DIGEST, Kind.PROMPT, Kind.REMINDER, Kind.FOLLOWUP)


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One outgoing message. It is a row first, then sent by a worker that claims it.

    `key` says what the message is about (person, kind, moment or period): it is unique, so
    queueing the same nudge again never makes a second message.
    """

    # Empty for account e-mail (login codes, password resets) that belongs to no organisation.
    org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="nudge_messages",
    )
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    moment = models.ForeignKey(
        Moment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    to = models.CharField(max_length=500)  # an e-mail address or a webhook URL
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_try_at"]),
            models.Index(fields=["org", "status"]),
            models.Index(fields=["membership", "kind", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.key
