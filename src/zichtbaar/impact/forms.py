"""Forms for impact: the interactive sum and the reach assumptions (in percentages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zichtbaar.impact.models import ReachSettings

# LinkedIn caps first-degree connections at 30,000.
MAX_CONNECTIONS = 30_000


class SumForm(forms.Form):
    people = forms.IntegerField(
        label=_("People"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("How many colleagues would share?"),
    )
    connections = forms.IntegerField(
        label=_("Average connections per person"),
        min_value=0,
        max_value=MAX_CONNECTIONS,
        help_text=_("First-degree LinkedIn connections."),
    )


class ReachSettingsForm(forms.Form):
    organic_reach_low = forms.FloatField(
        label=_("Organic reach, low (%)"),
        min_value=0,
        max_value=100,
        help_text=_("The share of a person's network that sees an ordinary post: the low end."),
    )
    organic_reach_high = forms.FloatField(
        label=_("Organic reach, high (%)"), min_value=0, max_value=100
    )
    overlap = forms.FloatField(
        label=_("Overlap between colleagues' networks (%)"),
        min_value=0,
        max_value=100,
        help_text=_(
            "Of every network but the largest, the share assumed to be known already by a "
            "colleague. 0% counts everyone; 100% counts only the largest network."
        ),
    )
    count_followers = forms.BooleanField(
        label=_("Count followers when a person has more followers than connections"),
        required=False,
    )
    source = forms.CharField(
        label=_("Source of these figures"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    @classmethod
    def from_settings(cls, obj: ReachSettings, data: Any = None) -> ReachSettingsForm:
        initial = {
            "organic_reach_low": round(obj.organic_reach_low * 100, 2),
            "organic_reach_high": round(obj.organic_reach_high * 100, 2),
            "overlap": round(obj.overlap * 100, 2),
            "count_followers": obj.count_followers,
            "source": obj.source,
        }
        return cls(data, initial=initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("organic_reach_low"), data.get("organic_reach_high")
        if low is not None and high is not None and low > high:
            self.add_error("organic_reach_high", _("The high end can't be lower than the low end."))
        return data

    def fractions(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "organic_reach_low": d["organic_reach_low"] / 100,
            "organic_reach_high": d["organic_reach_high"] / 100,
            "overlap": d["overlap"] / 100,
            "count_followers": d["count_followers"],
            "source": d["source"].strip(),
        }
