from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zichtbaar.api.models import Scope

MAX_DAYS = 730  # a token lives at most two years; none is the default


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_('What the token is for, so you recognise it later, e.g. "Intranet widget".'),
        error_messages={"required": _("Give the token a name, so you recognise it later.")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one thing the token may do."),
            "invalid_choice": _("You can't give a token this permission."),
        },
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Leave empty for a token that works until you revoke it."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Fill in a date, for example 2027-06-30.")},
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            Scope.READ: _("Read: moments, drafts, shares and the check"),
            Scope.WRITE: _("Write: suggest moments and record shares"),
            Scope.COMMS: _("Communications: publish moments, see people and impact"),
        }
        scopes = cast(forms.MultipleChoiceField, self.fields["scopes"])
        scopes.choices = [(s, labels[Scope(s)]) for s in allowed]
        scopes.initial = [Scope.READ]

    def clean_expires_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("Choose a day after today."))
        if day > today + dt.timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("A token can live at most two years."))
        return day

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
