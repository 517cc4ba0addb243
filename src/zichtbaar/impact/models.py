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
