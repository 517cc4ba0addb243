"""Forms for impact: the interactive sum and the reach assumptions (in percentages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from zichtbaar.impact import reach
from zichtbaar.impact.models import ReachSettings

# LinkedIn caps first-degree connections at 30,000; the sum's caps are documented in reach.py.
MAX_CONNECTIONS = reach.SUM_MAX_CONNECTIONS


def _grouped(n: int) -> str:
    return formats.number_format(n, force_grouping=True)


class SumForm(forms.Form):
    """The sum's two numbers. Each refusal is said on its own field, in words a person can act on
    (the messages are built per form, so they follow the language of the request)."""

    people = forms.IntegerField(
        label=_("People"),
        min_value=1,
        max_value=reach.SUM_MAX_PEOPLE,
        help_text=_("How many colleagues would share?"),
        widget=forms.NumberInput(
            attrs={
                "inputmode": "numeric",
                "step": 1,
                "aria-describedby": "id_people_helptext id_people_error",
            }
        ),
    )
    connections = forms.IntegerField(
        label=_("Average connections per person"),
        min_value=1,
        max_value=MAX_CONNECTIONS,
        help_text=_("First-degree LinkedIn connections."),
        widget=forms.NumberInput(
            attrs={
                "inputmode": "numeric",
                "step": 1,
                "aria-describedby": "id_connections_helptext id_connections_error",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people, connections = self.fields["people"], self.fields["connections"]
        people.error_messages.update(
            required=_("How many colleagues? Fill in a number of people."),
            invalid=_("Fill in a whole number of people, for example 50."),
            min_value=_(
                "The sum needs at least 1 person: fill in how many colleagues would share."
            ),
            max_value=_(
                "At most %(max)s people: more than all but a handful of employers in the world "
                "have."
            )
            % {"max": _grouped(reach.SUM_MAX_PEOPLE)},
        )
        connections.error_messages.update(
            required=_("Fill in the average number of connections per person."),
            invalid=_("Fill in a whole number of connections, for example 500."),
            min_value=_(
                "A network of 0 connections reaches no one yet. Not sure? A typical network "
                "has about %(typical)s connections."
            )
            % {"typical": _grouped(reach.TYPICAL_CONNECTIONS)},
            max_value=_("LinkedIn allows at most %(max)s connections per person.")
            % {"max": _grouped(MAX_CONNECTIONS)},
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
