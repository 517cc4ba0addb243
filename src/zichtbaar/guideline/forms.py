from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zichtbaar.guideline.checker import CODES
from zichtbaar.guideline.models import (
    CheckSettings,
    GuidelineSection,
    GuidelineVersion,
    QuietPeriod,
    Rule,
)

# The rule codes the checker knows, in its order.
RULE_CODES = list(CODES)


class VersionForm(forms.ModelForm):
    class Meta:
        model = GuidelineVersion
        fields = ["title_nl", "title_en", "intro_nl", "intro_en", "summary_nl", "summary_en"]
        widgets = {
            f: forms.Textarea(attrs={"rows": 5})
            for f in ["intro_nl", "intro_en", "summary_nl", "summary_en"]
        }


SectionFormSet = forms.inlineformset_factory(
    GuidelineVersion,
    GuidelineSection,
    fields=[
        "key",
        "title_nl",
        "title_en",
        "encouraged_nl",
        "encouraged_en",
        "avoid_nl",
        "avoid_en",
        "position",
    ],
    extra=1,
    can_delete=True,
    widgets={
        f: forms.Textarea(attrs={"rows": 4})
        for f in ["encouraged_nl", "encouraged_en", "avoid_nl", "avoid_en"]
    },
)


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["enabled", "severity", "section", "blocking"]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CheckSettings
        fields = [
            "max_hashtags",
            "internal_hosts",
            "allowed_hosts",
            "disclosure_required",
            "disclosure_phrases",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in ["internal_hosts", "allowed_hosts", "disclosure_phrases"]
        }


class QuietPeriodForm(forms.ModelForm):
    class Meta:
        model = QuietPeriod
        fields = ["starts_at", "ends_at", "reason"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("This must be later than the start."))
        return data


class ListUploadForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    text = forms.CharField(
        label=_("Or paste, one per line"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    replace = forms.BooleanField(label=_("Replace the whole list"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload and upload.size > 5 * 1024 * 1024:
            self.add_error("file", _("The file is larger than 5 MB."))
        if not upload and not (data.get("text") or "").strip():
            self.add_error("file", _("Choose a file or paste the list."))
        return data

    def content(self) -> bytes | str:
        upload = self.cleaned_data.get("file")
        return upload.read() if upload else self.cleaned_data["text"]


class TryForm(forms.Form):
    text = forms.CharField(
        label=_("Text to try"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("nl", "Nederlands"), ("en", "English")]
    )
