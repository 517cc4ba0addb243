"""Shares, tracked links and the clicks they bring."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Organisation, Team


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
        ]

    def __str__(self) -> str:
        return f"{self.user or 'someone'} shared {self.moment}"


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
