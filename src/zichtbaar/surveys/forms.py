"""Forms: one page of a survey (built from the frozen instrument) and a new survey."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zichtbaar.surveys import services

TEXT_MAX = 1000


def _choices(item: dict[str, Any], scales: dict[str, Any], lang: str, teams: list[str]):
    spec = scales.get(item["scale"], {})
    labels = spec.get("labels", {}).get(lang) or spec.get("labels", {}).get("en") or []
    if spec.get("type") == "category":
        return [(t, t) for t in teams]
    values = spec.get("values") or list(range(int(spec["min"]), int(spec["max"]) + 1))
    poles = (item.get("poles") or {}).get(lang) or (item.get("poles") or {}).get("en")
    out = []
    for i, v in enumerate(values):
        label = labels[i] if i < len(labels) else str(v)
        if poles and spec.get("type") == "semantic_differential":
            label = str(v)
            if i == 0:
                label = f"{v} ({poles[0]})"
            elif i == len(values) - 1:
                label = f"{v} ({poles[1]})"
        out.append((str(v), label))
    return out


class BlockForm(forms.Form):
    """The items of one block. Every answer may be skipped: nobody is made to answer."""

    def __init__(self, *args: Any, block: dict, instrument: dict, lang: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.block = block
        scales = instrument.get("response_scales", {})
        for item in block["items"]:
            text = item["text"].get(lang) or item["text"]["en"]
            kind = scales.get(item["scale"], {}).get("type")
            if item["scale"] == "chosen":
                field: forms.Field = forms.BooleanField(label=text, required=False)
            elif kind == "text":
                field = forms.CharField(
                    label=text,
                    required=False,
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            else:
                choices = _choices(item, scales, lang, instrument.get("teams", []))
                field = forms.ChoiceField(
                    label=text, required=False, choices=choices, widget=forms.RadioSelect
                )
            self.fields[item["id"]] = field

    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            field = self.fields[name]
            if isinstance(field, forms.BooleanField):
                out[name] = 1 if value else 0
            elif isinstance(field, forms.ChoiceField):
                if value in ("", None):
                    out[name] = None
                else:
                    out[name] = int(value) if value.lstrip("-").isdigit() else value
            else:
                out[name] = value.strip() or None
        return out

    @staticmethod
    def initial_from(block: dict, answers: dict[str, Any]) -> dict[str, Any]:
        initial = {}
        for item in block["items"]:
            value = answers.get(item["id"])
            if value is None:
                continue
            initial[item["id"]] = bool(value) if item["scale"] == "chosen" else str(value)
        return initial


def block_choices() -> list[tuple[str, str]]:
    names = {
        "willingness": _("Willingness to share (always included)"),
        "barriers": _("Barriers: what holds people back"),
        "engagement": _("Work engagement (vigour, dedication, absorption)"),
        "brand_attitude": _("Attitude to the employer's brand"),
        "linkedin": _("LinkedIn use and network size"),
        "background": _("Team and tenure (reported only for groups of at least 5)"),
        "comment": _("An open question for comments"),
    }
    return [(key, str(names[key])) for key in services.BLOCKS]


class SurveyForm(forms.Form):
    title_en = forms.CharField(label=_("Title in English"), max_length=200)
    title_nl = forms.CharField(label=_("Title in Dutch"), max_length=200, required=False)
    blocks = forms.MultipleChoiceField(
        label=_("Blocks of questions from the item bank"),
        choices=block_choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(services.BLOCKS),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("After this moment the link says the survey is closed. Leave empty for none."),
    )
    invitation_only = forms.BooleanField(
        label=_("Only with a single-use invitation link"),
        required=False,
        help_text=_("Invitations cannot be traced back to a person or to their answers."),
    )

    def clean_blocks(self) -> list[str]:
        blocks = list(self.cleaned_data["blocks"])
        for key in services.REQUIRED_BLOCKS:
            if key not in blocks:
                blocks.insert(0, key)
        return blocks


class InvitationsForm(forms.Form):
    count = forms.IntegerField(label=_("Number of invitations"), min_value=1, max_value=5000)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export file (CSV or XLSX)"),
        help_text=_("From Microsoft Forms, Google Forms, Qualtrics or LimeSurvey. At most 5 MB."),
    )


class ImportMapForm(forms.Form):
    """One select per item of the survey: which column of the file holds its answers."""

    def __init__(
        self, *args: Any, survey: Any, columns: list[str], lang: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)"))] + [(c, c) for c in columns]
        for block in survey.blocks:
            for item in block["items"]:
                text = item["text"].get(lang) or item["text"]["en"]
                self.fields[f"col_{item['id']}"] = forms.ChoiceField(
                    label=text, choices=choices, required=False
                )

    def columns(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }


class ItemForm(forms.Form):
    """An organisation's own Likert item (agree 1-5), placed at the end of a block."""

    block = forms.ChoiceField(label=_("Block"))
    text_en = forms.CharField(label=_("Statement in English"), max_length=300)
    text_nl = forms.CharField(
        label=_("Statement in Dutch"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the English statement."),
    )

    def __init__(self, *args: Any, blocks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = blocks  # type: ignore[attr-defined]
