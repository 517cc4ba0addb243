from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.orgs.models import Barrier, Membership, Team
from zichtbaar.orgs.selectors import active_members_by_address, split_addresses
from zichtbaar.workshops.models import CODE_LENGTH, Workshop

MAX_CONNECTIONS = 30_000  # LinkedIn's own limit on first-degree connections
MAX_INVITED = 500  # a workshop is a room, not a mailing


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "held_on", "teams", "with_survey"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "teams": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "teams": _(
                "The group: their colleagues who don't take part are the comparison in the "
                "effect report. Anyone in the organisation with the code can join."
            ),
        }

    invite_text = forms.CharField(
        label=_("Invite people"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional: e-mail addresses of colleagues, separated by commas or new lines. They get "
            "an invitation with the date and the link; anyone with the code can join anyway."
        ),
    )

    def __init__(self, *args: object, org_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.org_id = org_id
        self.fields["teams"].queryset = Team.objects.filter(org_id=org_id).order_by("name")  # type: ignore[attr-defined]

    def clean_invite_text(self) -> list[Membership]:
        addresses = split_addresses(self.cleaned_data.get("invite_text") or "")
        if len(addresses) > MAX_INVITED:
            raise forms.ValidationError(
                _("At most %(n)d people at once; invite their teams instead."),
                params={"n": MAX_INVITED},
            )
        members = active_members_by_address(self.org_id, addresses)
        unknown = [a for a in addresses if a.casefold() not in members]
        if unknown:
            raise forms.ValidationError(
                _("Not a colleague in this organisation: %(addresses)s"),
                params={"addresses": ", ".join(unknown[:5])},
            )
        return [members[a.casefold()] for a in addresses]


class MomentChoiceForm(forms.Form):
    moment = forms.ModelChoiceField(queryset=Moment.objects.none(), label=_("Moment"))

    def __init__(self, *args: object, moments: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["moment"].queryset = moments  # type: ignore[attr-defined]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Workshop code"),
        max_length=CODE_LENGTH + 6,  # room for spaces and dashes people type
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class PollForm(forms.Form):
    barrier = forms.ChoiceField(
        label=_("What holds you back most?"),
        choices=Barrier.choices,
        widget=forms.RadioSelect,
    )
    keep = forms.BooleanField(
        label=_("Also save my answer to my profile (only I see it there)"), required=False
    )


class ConnectionsForm(forms.Form):
    connections = forms.IntegerField(
        label=_("How many LinkedIn connections do you have?"),
        min_value=0,
        max_value=MAX_CONNECTIONS,
        required=False,
        help_text=_("Roughly is fine. LinkedIn shows it on your profile, under your name."),
    )
    unknown = forms.BooleanField(label=_("I don't know"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("connections") is None and not data.get("unknown"):
            self.add_error("connections", _("Fill in a number, or tick “I don't know”."))
        return data


class NextMomentForm(forms.Form):
    next_type = forms.ModelChoiceField(
        queryset=MomentType.objects.none(),
        label=_("What would you like to share about in the coming weeks?"),
        widget=forms.RadioSelect,
        help_text=_("Just for you: no date, no target. It shapes the moments we send you."),
    )

    def __init__(self, *args: object, types: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["next_type"].queryset = types  # type: ignore[attr-defined]


LIKERT = [(i, str(i)) for i in range(1, 6)]


class SurveyForm(forms.Form):
    willingness = forms.TypedChoiceField(
        label=_("How willing are you to share news of work on LinkedIn? (1 not at all, 5 very)"),
        choices=LIKERT,
        coerce=int,
        widget=forms.RadioSelect,
    )
    confidence = forms.TypedChoiceField(
        label=_("How sure are you about what you may share? (1 not at all, 5 very)"),
        choices=LIKERT,
        coerce=int,
        widget=forms.RadioSelect,
    )
    barrier = forms.ChoiceField(
        label=_("What holds you back most?"), choices=Barrier.choices, widget=forms.RadioSelect
    )
