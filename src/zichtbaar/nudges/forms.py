from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zichtbaar.nudges.models import Preference
from zichtbaar.orgs.models import Language

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class PreferenceForm(forms.ModelForm):
    quiet_days = forms.TypedMultipleChoiceField(
        label=_("Quiet days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("No nudges on these days; they wait until the next day."),
    )

    class Meta:
        model = Preference
        fields = [
            "email",
            "frequency",
            "prompts",
            "max_per_week",
            "quiet_start",
            "quiet_end",
            "quiet_days",
            "language",
        ]
        labels = {
            "email": _("Send me nudges by e-mail"),
            "frequency": _("A digest of moments for me"),
            "prompts": _("A short note when a moment happens or is about to expire"),
            "max_per_week": _("At most this many nudges a week"),
            "quiet_start": _("Quiet from"),
            "quiet_end": _("Quiet until"),
            "language": _("Language of my nudges"),
        }
        help_texts = {
            "max_per_week": _("Digests, notes and reminders together. 2 is a calm default."),
        }
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["max_per_week"].widget.attrs.update(min=0, max=14)
        language = cast(forms.ChoiceField, self.fields["language"])
        language.choices = [("", _("Same as my profile")), *Language.choices]

    def clean_max_per_week(self) -> int:
        value = self.cleaned_data["max_per_week"]
        if value > 14:
            raise forms.ValidationError(_("At most 14 a week."))
        return value

    def save(self, commit: bool = True) -> Preference:
        pref = super().save(commit=False)
        if pref.email:
            pref.unsubscribed_at = None
        if commit:
            pref.save()
        return pref
