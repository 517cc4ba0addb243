from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from zichtbaar.guideline.checker import CODES, MAX_CHECK_LENGTH
from zichtbaar.guideline.models import (
    CheckSettings,
    GuidelineSection,
    GuidelineVersion,
    QuietPeriod,
    Rule,
)
from zichtbaar.moments.forms import bounded_text

# The rule codes the checker knows, in its order.
RULE_CODES = list(CODES)

# Limits for fields that are TextFields in the database: generous for what people write there,
# and a megabyte pasted into one is a field error instead of a stored megabyte.
MAX_INTRO = 5_000
MAX_SUMMARY = 2_000  # "five short lines"
MAX_SECTION_TEXT = 10_000  # Markdown, per language
MAX_HOST_LIST = 10_000  # one host per line
MAX_PHRASES = 5_000  # one phrase per line
MAX_PASTED_LIST = 1_000_000  # 10,000 terms or clients fit easily; bigger lists come as a file


MAX_CHANGE_NOTE = 2_000


def _is_minor(value: str) -> bool:
    return value == "True"


class VersionForm(forms.ModelForm):
    """A version's texts, and when publishing: minor (no re-read) or major, and what changed.

    ``can_be_minor`` is False for the first version: everyone reads that one, so the choice is
    not offered.
    """

    minor = forms.TypedChoiceField(
        label=_("What kind of change is this?"),
        choices=[
            (
                "False",
                _(
                    "A real change: everyone reads the guideline again before their next share, "
                    "with a short summary of what changed."
                ),
            ),
            (
                "True",
                _(
                    "A minor change (no re-read): a typo, a title or clearer wording that "
                    "doesn't change what people may do. Whoever read an earlier version stays "
                    "all set."
                ),
            ),
        ],
        coerce=_is_minor,
        required=False,
        initial="False",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = GuidelineVersion
        fields = [
            "title_nl",
            "title_en",
            "intro_nl",
            "intro_en",
            "summary_nl",
            "summary_en",
            "minor",
            "change_note_nl",
            "change_note_en",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 5})
            for f in ["intro_nl", "intro_en", "summary_nl", "summary_en"]
        } | {f: forms.Textarea(attrs={"rows": 3}) for f in ["change_note_nl", "change_note_en"]}
        help_texts = {
            "change_note_nl": _(
                "Optional. Readers of a real change see it above the guideline, with the "
                "sections that were added, changed or removed."
            ),
            "change_note_en": _("Optional, the same in English."),
        }
        formfield_callback = bounded_text(
            {
                "intro_nl": MAX_INTRO,
                "intro_en": MAX_INTRO,
                "summary_nl": MAX_SUMMARY,
                "summary_en": MAX_SUMMARY,
                "change_note_nl": MAX_CHANGE_NOTE,
                "change_note_en": MAX_CHANGE_NOTE,
            }
        )

    def __init__(self, *args: Any, can_be_minor: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_be_minor:
            del self.fields["minor"]

    def clean_minor(self) -> bool:
        return self.cleaned_data.get("minor") is True  # not posted: a real change


class _SectionsFormSet(forms.BaseInlineFormSet):
    """Keys are unique per version, also against sections saved meanwhile in another tab."""

    def clean(self) -> None:
        super().clean()
        in_this_form = {f.instance.pk for f in self.forms if f.instance.pk}
        seen: set[str] = set()
        for form in self.forms:
            key = form.cleaned_data.get("key") if hasattr(form, "cleaned_data") else None
            if not key or form.cleaned_data.get("DELETE"):
                continue
            if key in seen:
                form.add_error(
                    "key",
                    _("Another section in this form has this key. Choose another key."),
                )
                continue
            seen.add(key)
            if self.instance.pk is None:  # a new version: nothing stored yet
                continue
            elsewhere = self.instance.sections.filter(key=key).exclude(pk__in=in_this_form)
            if elsewhere.exists():
                form.add_error(
                    "key",
                    _("This version already has a section with this key. Choose another key."),
                )


SectionFormSet = forms.inlineformset_factory(
    GuidelineVersion,
    GuidelineSection,
    formset=_SectionsFormSet,
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
    formfield_callback=bounded_text(
        {f: MAX_SECTION_TEXT for f in ["encouraged_nl", "encouraged_en", "avoid_nl", "avoid_en"]}
    ),
)


def new_version_sections(
    data: Any, instance: GuidelineVersion, based_on: GuidelineVersion | None
) -> forms.BaseInlineFormSet:
    """The sections of a version not saved yet: prefilled from ``based_on`` when showing the
    form, so comms edit rather than retype; from the posted data alone when saving (a copied
    section counts as filled in, so it is kept even when nobody changed it)."""
    if data is not None:
        return SectionFormSet(data, instance=instance)
    initial = [
        {f: getattr(s, f) for f in SectionFormSet.form.base_fields if f != "DELETE"}
        for s in (based_on.sections.all() if based_on is not None else [])
    ]
    formset = SectionFormSet(instance=instance, initial=initial)
    formset.extra = len(initial) + 1
    return formset


class RuleForm(forms.ModelForm):
    """One rule's row. The section is one of the published guideline's sections, or none.

    ``sections`` are the (key, title) pairs of the organisation's published guideline. A section
    stored earlier that the guideline no longer has stays visible as an option, marked, and is
    refused until someone picks another one, so a rule never points to a missing part.
    """

    # A select of the sections; validated in clean_section (not by ChoiceField) so that any
    # unknown key, posted or stored, gets the same message naming it.
    section = forms.CharField(label=_("Guideline section"), required=False, widget=forms.Select)

    class Meta:
        model = Rule
        fields = ["enabled", "severity", "section", "blocking"]

    def __init__(self, *args: Any, sections: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_keys = frozenset(key for key, _title in sections)
        choices: list[tuple[str, str]] = [("", str(_("(no section)")))]
        choices += [(key, title or key) for key, title in sections]
        current = self.instance.section
        if current and current not in self.section_keys:
            choices.append((current, str(_("%(key)s (not in the guideline)") % {"key": current})))
        self.fields["section"].widget.choices = choices

    def clean_section(self) -> str:
        key: str = self.cleaned_data.get("section") or ""
        if key and key not in self.section_keys:
            raise forms.ValidationError(
                _(
                    "The published guideline has no section “%(key)s”. Choose one of its "
                    "sections, or none."
                ),
                code="unknown_section",
                params={"key": Truncator(key).chars(40)},
            )
        return key


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
        formfield_callback = bounded_text(
            {
                "internal_hosts": MAX_HOST_LIST,
                "allowed_hosts": MAX_HOST_LIST,
                "disclosure_phrases": MAX_PHRASES,
            }
        )


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
        label=_("Or paste, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_PASTED_LIST,
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
        label=_("Text to try"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_CHECK_LENGTH,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("nl", "Nederlands"), ("en", "English")]
    )
