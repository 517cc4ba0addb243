"""Impact: an organisation's reach assumptions and the daily click rollups pages read."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zichtbaar.impact import reach
from zichtbaar.orgs.models import Organisation

_FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class ReachSettings(models.Model):
    """The reach model's assumptions for one organisation, chosen by comms.

    Without a row the defaults of `reach.Assumptions.defaults()` (from settings) apply.
    """

    org = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="reach_settings"
    )
    organic_reach_low = models.FloatField(_("organic reach, low"), validators=_FRACTION)
    organic_reach_high = models.FloatField(_("organic reach, high"), validators=_FRACTION)
    overlap = models.FloatField(_("overlap between colleagues' networks"), validators=_FRACTION)
    count_followers = models.BooleanField(_("count followers when larger"), default=True)
    source = models.TextField(_("source of these figures"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reach settings")
        verbose_name_plural = _("reach settings")

    def __str__(self) -> str:
        return f"reach settings of {self.org}"

    @classmethod
    def default_for(cls, org: Organisation) -> ReachSettings:
        """An unsaved row with the defaults, so reading never writes."""
        d = reach.Assumptions.defaults()
        return cls(
            org=org,
            organic_reach_low=d.organic_reach_low,
            organic_reach_high=d.organic_reach_high,
            overlap=d.overlap,
            count_followers=d.count_followers,
            source=d.source,
        )

    def assumptions(self) -> reach.Assumptions:
        return reach.Assumptions(
            organic_reach_low=self.organic_reach_low,
            organic_reach_high=self.organic_reach_high,
            overlap=self.overlap,
            count_followers=self.count_followers,
            source=self.source or reach.DEFAULT_SOURCE,
        )


class RollupState(models.Model):
    """How far the click rollup got: one row (key "clicks")."""

    key = models.CharField(max_length=20, unique=True)
    last_click_id = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")

    def __str__(self) -> str:
        return f"{self.key}: up to click {self.last_click_id}"


class ClickSummary(models.Model):
    """The comms dashboard's click figures for one period as of one day, for the whole
    organisation (no team) or one team: written by the click rollup, read by the dashboard.

    Summing a year of ClickDaily rows (a million clicks are some 200,000 rows) took the
    dashboard 300-500 ms; the rollup, which is the only thing that changes them, writes this
    summary right after (docs/decisions.md, "Dashboard speed"). `people` is the version of the
    organisation's people it was computed with (an erasure makes it stale: the page then sums
    ClickDaily itself). `data`: clicks, visitors, by_week, by_team, moments (see
    `impact.dashboard_parts.clicks_to_data`).
    """

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField()
    computed_for = models.DateField()
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    people = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("click summary")
        verbose_name_plural = _("click summaries")
        indexes = [
            models.Index(fields=["org", "period", "computed_for", "team"], name="clicksummary_find")
        ]

    def __str__(self) -> str:
        return f"clicks of {self.org_id}, {self.period} days to {self.computed_for}"


class ShareSummary(models.Model):
    """The comms dashboard's share figures for one period, of the days before `computed_for`,
    for the whole organisation: written by the click rollup, read by the dashboard, which
    adds that day's shares (see `impact.share_summary`).

    `shares` is the version of what it was computed from (`share_summary.version`): a share
    removed or back-dated, a moment's new type or a change of people makes it stale, and the
    page then groups the shares itself. `data`: people, moments, types, weeks.
    """

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField()
    computed_for = models.DateField()
    shares = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("share summary")
        verbose_name_plural = _("share summaries")
        constraints = [
            models.UniqueConstraint(fields=["org", "period"], name="sharesummary_one_per_period")
        ]

    def __str__(self) -> str:
        return f"shares of {self.org_id}, {self.period} days before {self.computed_for}"
