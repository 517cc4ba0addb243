from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from zichtbaar.orgs.models import Barrier, Profile, Role, Team, VoiceAddress, VoiceLength


class LanguageForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["language"]
        # Each language in its own name, so people find theirs whatever is on screen now.
        widgets = {"language": forms.RadioSelect(choices=[("nl", "Nederlands"), ("en", "English")])}
        labels = {"language": _("Which language do you prefer?")}


class NetworkForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["connections", "followers", "job_title"]
        labels = {
            "connections": _("How many LinkedIn connections do you have, roughly?"),
            "followers": _("And followers? (leave 0 if you don't know)"),
            "job_title": _("Your job title"),
        }
        help_texts = {
            "connections": _(
                "You'll find it on your LinkedIn profile, under your name. An estimate is fine."
            ),
        }
        widgets = {
            "connections": forms.NumberInput(
                attrs={"min": 0, "max": 100000, "inputmode": "numeric"}
            ),
            "followers": forms.NumberInput(
                attrs={"min": 0, "max": 10000000, "inputmode": "numeric"}
            ),
        }

    def clean_connections(self) -> int:
        value = self.cleaned_data["connections"]
        if value > 30000:  # LinkedIn's own maximum
            raise forms.ValidationError(_("LinkedIn allows at most 30,000 connections."))
        return value


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
