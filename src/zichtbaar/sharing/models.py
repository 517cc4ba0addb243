"""Shares, tracked links and the clicks they bring."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Membership, Organisation, Team


def new_link_code() -> str:
    # 9 random bytes: 72 bits, unguessable, short enough for a post.
    return secrets.token_urlsafe(9)


class TrackedLink(models.Model):
    """One per person and moment: /l/<code> redirects to the moment's link with UTM tags."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="tracked_links")
    # Empty once its person is erased: the link in their public post keeps redirecting (without
    # counting: nobody consents any more) and its earlier clicks stay in the totals.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracked_links",
    )
    code = models.CharField(max_length=24, unique=True, default=new_link_code)
    # The full destination (UTM parameters included) is computed once, so a redirect is one lookup.
    destination = models.URLField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracked link")
        constraints = [
            models.UniqueConstraint(fields=["moment", "user"], name="trackedlink_unique_person")
        ]

    def __str__(self) -> str:
        return self.code


class Share(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="shares")
    # Empty once its person is erased: the share still counts, anonymously.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shares",
    )
    link = models.ForeignKey(
        TrackedLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="shares"
    )
    text = models.TextField(_("text"))
    angle = models.CharField(max_length=40, blank=True)
    post_url = models.URLField(_("LinkedIn post URL"), max_length=500, blank=True)
    shared_at = models.DateTimeField(_("shared at"))

    class Meta:
        verbose_name = _("share")
        indexes = [
            models.Index(fields=["org", "shared_at"]),
            models.Index(fields=["moment", "user"]),
            # The impact dashboard: one org, a period, grouped per moment and person (covering).
            models.Index(fields=["org", "shared_at", "moment", "user"], name="share_org_period"),
            # The dashboard's per-person and per-moment figures over a period (issue 13.12).
            models.Index(fields=["org", "user", "shared_at"], name="share_org_user_period"),
            models.Index(
                fields=["org", "moment", "user", "shared_at"], name="share_org_moment_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or 'someone'} shared {self.moment}"

    @property
    def post_urn(self) -> str:
        """The LinkedIn post's URN, from its address (`feed/update/<urn>/`); empty when the
        address is not a post's. Not a column of its own: erasing a person empties
        `post_url`, and with it this."""
        prefix = "https://www.linkedin.com/feed/update/"
        if self.post_url.startswith(prefix):
            return self.post_url[len(prefix) :].strip("/")
        return ""


class Click(models.Model):
    """One request to a tracked link. No address is stored: only a daily-salted hash."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField()
    visitor = models.CharField(max_length=32)
    is_bot = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("click")
        indexes = [models.Index(fields=["link", "at"])]

    def __str__(self) -> str:
        return f"click on {self.link_id} at {self.at:%Y-%m-%d %H:%M}"


class ClickDaily(models.Model):
    """Clicks by people (bots excluded) on one tracked link on one local calendar day.

    Computed from the raw clicks by `impact.services.rollup_clicks` (a background task and the
    `impact_rollup` command); pages read only these rows. `org`, `moment`, `user` and `team`
    are copied from the link and the person's membership when the row is (re)computed, so
    dashboards group without joins. `visitors` counts distinct visitor hashes that day (the
    hash's salt changes daily, so one person on two days counts twice).
    """

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="daily")
    day = models.DateField()
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="+")
    # Empty once the person is erased: their clicks stay in the organisation's totals.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clicks = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        # Made by the impact app, moved here with clicks_brought (docs/decisions.md).
        db_table = "impact_clickdaily"
        verbose_name = _("clicks per day")
        verbose_name_plural = _("clicks per day")
        constraints = [
            models.UniqueConstraint(fields=["link", "day"], name="clickdaily_unique_link_day")
        ]
        indexes = [
            # Dashboards: one org, a period; covering the columns they sum.
            models.Index(
                fields=["org", "day", "moment", "user", "team", "clicks", "visitors"],
                name="clickdaily_org_day",
            ),
            # Dashboards' clicks per day and team: grouped in index order (covering).
            models.Index(
                fields=["org", "day", "team", "clicks", "visitors"], name="clickdaily_org_day_team"
            ),
            models.Index(fields=["user", "org"], name="clickdaily_user"),
        ]

    def __str__(self) -> str:
        return f"{self.clicks} clicks on link {self.link_id} on {self.day}"


class ConnectionState(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Disconnected")


class LinkedInConnection(models.Model):
    """A person's LinkedIn account, connected for direct posting (docs/linkedin.md).

    One per person (user), not per membership: it is the person's own LinkedIn account
    whichever organisation they post for (docs/decisions.md). The access token is stored
    encrypted (`linkedin/tokens.py`); LinkedIn gives self-serve apps no refresh token, so at
    `expires_at` the person reconnects. A disconnect wipes the token and keeps the row as
    `revoked` (so the page can say so).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="linkedin_connection"
    )
    member_sub = models.CharField(_("LinkedIn member id"), max_length=100)
    name = models.CharField(_("name at LinkedIn"), max_length=200, blank=True)
    token = models.TextField(_("access token (encrypted)"), blank=True)
    scopes = models.CharField(_("permissions"), max_length=300, blank=True)
    expires_at = models.DateTimeField(_("valid until"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ConnectionState.choices,
        default=ConnectionState.CONNECTED,
    )
    connected_at = models.DateTimeField(_("connected at"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LinkedIn connection")
        indexes = [models.Index(fields=["state", "expires_at"], name="linkedin_conn_expiry")]

    def __str__(self) -> str:
        return f"LinkedIn connection of {self.user_id} ({self.state})"

    def usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.state == ConnectionState.CONNECTED and bool(self.token) and self.expires_at > now
        )


class PostState(models.TextChoices):
    QUEUED = "queued", _("Scheduled")
    SENDING = "sending", _("Posting")
    SENT = "sent", _("Posted")
    WAITING = "waiting", _("Waiting for a fresh LinkedIn connection")
    FAILED = "failed", _("Not posted")
    CANCELLED = "cancelled", _("Cancelled")


class PostProblem(models.TextChoices):
    """Why a post waits or was not posted; the page explains each in the person's language."""

    NONE = "", ""
    NOT_CONNECTED = "not_connected", _("LinkedIn is not connected")
    EXPIRED = "expired", _("The LinkedIn connection expired")
    DISCONNECTED = "disconnected", _("LinkedIn was disconnected")
    DUPLICATE = "duplicate", _("LinkedIn already has this exact post")
    REFUSED = "refused", _("LinkedIn refused the post")
    VERSION = "version", _("LinkedIn no longer accepts this version of Zichtbaar")
    GAVE_UP = "gave_up", _("LinkedIn could not be reached in time")
    WITHDRAWN = "withdrawn", _("The moment was withdrawn")
    MOMENT_EXPIRED = "moment_expired", _("The moment can no longer be shared")
    LEFT = "left", _("No longer a member of this organisation")
    CANCELLED = "cancelled", _("Cancelled by you")


class LinkedInPost(models.Model):
    """A post a person chose to publish through LinkedIn's API, now or at `run_at`: an outbox
    row, claimed by one worker at a time, sent at most once (`linkedin/worker.py`)."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="linkedin_posts"
    )
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="linkedin_posts")
    text = models.TextField(_("text"))
    angle = models.CharField(max_length=40, blank=True)
    with_image = models.BooleanField(_("with the moment's image"), default=False)
    run_at = models.DateTimeField(_("post at"))
    state = models.CharField(
        _("state"), max_length=10, choices=PostState.choices, default=PostState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    throttled = models.PositiveSmallIntegerField(default=0)  # 429 answers, not attempts
    next_try_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # True from the moment a request to create the post may have reached LinkedIn: from then on
    # a DUPLICATE_POST answer means it was ours (a timeout, a worker that died).
    reached = models.BooleanField(default=False)
    problem = models.CharField(
        max_length=20, choices=PostProblem.choices, default=PostProblem.NONE, blank=True
    )
    reason = models.TextField(_("details"), blank=True)  # LinkedIn's own words, for support
    image_urn = models.CharField(max_length=100, blank=True)  # uploaded once, reused on retries
    post_urn = models.CharField(_("LinkedIn post URN"), max_length=100, blank=True)
    post_url = models.URLField(_("LinkedIn post URL"), max_length=500, blank=True)
    share = models.OneToOneField(
        Share, null=True, blank=True, on_delete=models.SET_NULL, related_name="linkedin_post"
    )
    # One row per person, moment and text: scheduling the same post twice (a double click, a
    # form sent again) finds the first one; LinkedIn itself refuses an identical post anyway.
    idempotency = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the post reached, read from LinkedIn's Member Post Analytics (lifetime totals), only
    # where the operator's app has r_member_postAnalytics; empty until read (never estimated).
    impressions = models.PositiveIntegerField(_("impressions"), null=True, blank=True)
    members_reached = models.PositiveIntegerField(_("members reached"), null=True, blank=True)
    reactions = models.PositiveIntegerField(_("reactions"), null=True, blank=True)
    comments = models.PositiveIntegerField(_("comments"), null=True, blank=True)
    reshares = models.PositiveIntegerField(_("reshares"), null=True, blank=True)
    metrics_at = models.DateTimeField(_("analytics read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("LinkedIn post")
        indexes = [
            models.Index(fields=["state", "next_try_at"], name="linkedin_post_due"),
            models.Index(fields=["membership", "state"], name="linkedin_post_person"),
        ]

    def __str__(self) -> str:
        return f"LinkedIn post {self.pk} ({self.state})"
