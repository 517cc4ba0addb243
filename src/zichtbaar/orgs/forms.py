from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from zichtbaar.orgs.models import Barrier, Profile, Role, Team, VoiceAddress, VoiceLength
from zichtbaar.orgs.network import MAX_CONNECTIONS, TYPICAL_CONNECTIONS


class DescribedErrors:
    """Ties each field's error list to its input, so a screen reader reads it there, and puts
    the cursor on the first field to fix. Mix in before the Django form class."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: forms.BaseForm = self  # type: ignore[assignment]
        first = True
        for name in form.fields:
            if name not in form.errors:
                continue
            bound = form[name]
            ids = [f"{bound.auto_id}_errors"]
            if bound.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            attrs = form.fields[name].widget.attrs
            attrs["aria-describedby"] = " ".join(ids)
            if first:
                attrs["autofocus"] = True
                first = False


class LanguageForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["language"]
        # Each language in its own name, so people find theirs whatever is on screen now.
        widgets = {"language": forms.RadioSelect(choices=[("nl", "Nederlands"), ("en", "English")])}
        labels = {"language": _("Which language do you prefer?")}


class NetworkForm(forms.ModelForm):
    """The onboarding's network step. "I don't know" is a real answer: the profile then keeps 0
    (unknown, or none yet) and the pages show a typical network, labelled as an estimate."""

    connections = forms.IntegerField(
        label=_("How many LinkedIn connections do you have, roughly?"),
        help_text=_(
            "You'll find it on your LinkedIn profile, under your name. An estimate is fine."
        ),
        required=False,
        min_value=0,
        max_value=MAX_CONNECTIONS,
        error_messages={
            "min_value": _("A number of connections can't be below 0."),
            "max_value": _("LinkedIn allows at most 30,000 connections."),
            "invalid": _("Fill in a whole number, for example 640."),
        },
        widget=forms.NumberInput(
            attrs={"min": 0, "max": MAX_CONNECTIONS, "inputmode": "numeric", "step": 1}
        ),
    )
    connections_unknown = forms.BooleanField(
        label=_("I don't know"),
        required=False,
    )

    class Meta:
        model = Profile
        fields = ["connections", "followers", "job_title"]
        labels = {
            "followers": _("And followers? (leave 0 if you don't know)"),
            "job_title": _("Your job title"),
        }
        widgets = {
            "followers": forms.NumberInput(
                attrs={"min": 0, "max": 10000000, "inputmode": "numeric"}
            ),
        }

    field_order = ["connections", "connections_unknown", "followers", "job_title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Interpolated here, in the language of the request (not once at import).
        self.fields["connections_unknown"].help_text = _(
            "That's fine: until you fill it in, we show what a typical network of about "
            "%(typical)s connections does, and say that it is an estimate."
        ) % {"typical": formats.number_format(TYPICAL_CONNECTIONS, force_grouping=True)}
        # 0 is what the profile holds before anyone answered: show an empty box, not a "0"
        # that looks like an answer.
        if not self.is_bound and not self.initial.get("connections"):
            self.initial["connections"] = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("connections_unknown"):
            data["connections"] = 0  # unknown: the pages use the typical estimate
            self.errors.pop("connections", None)  # a half-typed number doesn't matter now
        elif data.get("connections") is None and "connections" not in self.errors:
            self.add_error(
                "connections",
                _("Fill in a number, or tick “I don't know”."),
            )
        return data


class BarrierForm(forms.ModelForm):
    barrier = forms.ChoiceField(
        label=_("What holds you back most from posting about your work?"),
        choices=Barrier.choices,
        widget=forms.RadioSelect,
    )
    consent_tracking = forms.BooleanField(
        label=_("Yes, count the clicks on links I share, so I can see what my posts bring."),
        help_text=_(
            "We count clicks per link, never who clicked. You can change this at any time."
        ),
        required=False,
    )

    class Meta:
        model = Profile
        fields = ["barrier", "consent_tracking"]


MAX_OWN_POSTS = 3
MAX_OWN_POST_LENGTH = 3_000  # LinkedIn's own limit for a post


class ProfileForm(forms.ModelForm):
    expertise_text = forms.CharField(
        label=_("Expertise"),
        required=False,
        max_length=300,
        help_text=_(
            "A few topics, separated by commas. They become hashtags in your drafts when a "
            "moment is about them."
        ),
    )
    own_post_1 = forms.CharField(
        label=_("One of your own LinkedIn posts"),
        required=False,
        max_length=MAX_OWN_POST_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional: paste up to three posts you wrote. Your drafts then follow your length, "
            "emoji and sign-off. They stay private: nobody else sees them."
        ),
    )
    own_post_2 = forms.CharField(
        label=_("Another post of yours"),
        required=False,
        max_length=MAX_OWN_POST_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    own_post_3 = forms.CharField(
        label=_("A third post of yours"),
        required=False,
        max_length=MAX_OWN_POST_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Profile
        fields = [
            "language",
            "job_title",
            "connections",
            "followers",
            "barrier",
            "consent_tracking",
            "voice_length",
            "voice_formal",
            "voice_emoji",
            "voice_question",
            "voice_sign_off",
        ]
        widgets = {
            "barrier": forms.RadioSelect,
            "voice_length": forms.RadioSelect,
            "voice_formal": forms.RadioSelect,
        }
        labels = {"barrier": _("What holds you back most?")}
        help_texts = {
            "voice_sign_off": _("A last line you like to end with, e.g. 'Curious what you think!'"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expertise_text"].initial = ", ".join(self.instance.expertise or [])
        for i, post in enumerate((self.instance.own_posts or [])[:MAX_OWN_POSTS], start=1):
            self.fields[f"own_post_{i}"].initial = post
        for name, empty, kinds in (
            ("voice_length", _("As the draft comes"), VoiceLength.choices),
            ("voice_formal", _("As my organisation writes"), VoiceAddress.choices),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", empty), *kinds]
        barrier = self.fields["barrier"]
        assert isinstance(barrier, forms.ChoiceField)
        barrier.choices = Barrier.choices  # the model field also allows "not answered yet"
        barrier.required = True

    def clean_expertise_text(self) -> list[str]:
        tags = [t.strip() for t in self.cleaned_data["expertise_text"].split(",") if t.strip()]
        return list(dict.fromkeys(tags))[:10]

    def save(self, commit: bool = True) -> Profile:
        self.instance.expertise = self.cleaned_data["expertise_text"]
        posts = [self.cleaned_data.get(f"own_post_{i}", "").strip() for i in (1, 2, 3)]
        self.instance.own_posts = [p for p in posts if p]
        return super().save(commit)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EMPLOYEE)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = Team.objects.filter(org=org)


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"), widget=forms.PasswordInput, min_length=8
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, name, team, role, language, connections, followers, job_title (English or Dutch headers)."
        ),
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return f


class MemberForm(forms.Form):
    """Comms edit a person in their organisation: name, team and role (orgs.services rules)."""

    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("No team")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(
        self, *args: Any, org: Any, name_editable: bool, may_grant_admin: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = Team.objects.filter(org=org).order_by("name")
        if not name_editable:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _(
                "This person also belongs to another organisation, so only they can change "
                "their name."
            )
        if not may_grant_admin and self.initial.get("role") != Role.ADMIN:
            role = self.fields["role"]
            assert isinstance(role, forms.ChoiceField)
            role.choices = [(v, label) for v, label in Role.choices if v != Role.ADMIN]
