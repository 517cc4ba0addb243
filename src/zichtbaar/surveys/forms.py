"""Forms: one page of a survey (built from the frozen instrument) and a new survey."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zichtbaar.surveys import services
from zichtbaar.surveys.editing import MAX_OPTIONS

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
        self.fields["separator"] = forms.ChoiceField(
            label=_("In a column of several answers, the answers are separated by"),
            choices=[
                (";", _("; (Microsoft Forms, LimeSurvey)")),
                (",", _(", (Google Forms)")),
            ],
            initial=";",
            required=False,  # Microsoft Forms' ';' when not given
        )
        for block in survey.blocks:
            for item in block["items"]:
                text = item["text"].get(lang) or item["text"]["en"]
                self.fields[f"col_{item['id']}"] = forms.ChoiceField(
                    label=text, choices=choices, required=False
                )
                if item["scale"] == "chosen":
                    # explained once above the form, not under every barrier
                    self.fields[f"choice_{item['id']}"] = forms.CharField(
                        label=_("… in a column of several answers: this choice"),
                        required=False,
                        max_length=200,
                    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if name.startswith("choice_") and (value or "").strip():
                item_id = name.removeprefix("choice_")
                if not data.get(f"col_{item_id}"):
                    self.add_error(f"col_{item_id}", _("Choose the column that holds this choice."))
        return data

    def columns(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("col_") and value
        }

    def separator(self) -> str:
        return str(self.cleaned_data.get("separator") or ";")

    def choices(self) -> dict[str, str]:
        return {
            name.removeprefix("choice_"): value.strip()
            for name, value in self.cleaned_data.items()
            if name.startswith("choice_") and (value or "").strip()
        }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ItemForm(forms.Form):
    """An organisation's own item, placed at the end of a block: a statement (agree 1-5), a
    yes/no question or a choice between a few options."""

    block = forms.ChoiceField(label=_("Block"))
    kind = forms.ChoiceField(
        label=_("Kind of question"),
        choices=[
            ("agree5", _("A statement, from strongly disagree to strongly agree")),
            ("yes_no", _("A yes/no question")),
            ("choice", _("One choice from a few options")),
        ],
        initial="agree5",
        required=False,
    )
    text_en = forms.CharField(label=_("Question or statement in English"), max_length=300)
    text_nl = forms.CharField(
        label=_("Question or statement in Dutch"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the English text."),
    )
    options_en = forms.CharField(
        label=_("Options in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only for a choice: one option per line, 2 to 12."),
    )
    options_nl = forms.CharField(
        label=_("Options in Dutch"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The same options in the same order; leave empty to use the English ones."),
    )

    def __init__(self, *args: Any, blocks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        block = self.fields["block"]
        assert isinstance(block, forms.ChoiceField)
        block.choices = blocks

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or "agree5"
        en, nl = _lines(data.get("options_en", "")), _lines(data.get("options_nl", ""))
        if data.get("kind") == "choice":
            if not 2 <= len(en) <= MAX_OPTIONS:
                self.add_error("options_en", _("Give 2 to 12 options, one per line."))
            elif nl and len(nl) != len(en):
                self.add_error(
                    "options_nl", _("Give as many Dutch options as English ones, in order.")
                )
        data["options_en"], data["options_nl"] = en, nl
        return data


class RoleForm(forms.Form):
    """What one own statement does in the analysis: reported on its own, or part of a scale."""

    NEW = "new"

    role = forms.ChoiceField(label=_("In the analysis"))
    new_scale = forms.CharField(
        label=_("Name of the new scale"),
        max_length=60,
        required=False,
        help_text=_("Only for a new scale: it becomes an extra predictor of willingness."),
    )

    def __init__(self, *args: Any, scales: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("Reported on its own (mean and distribution)"))]
        choices += [
            (key, _("Part of the scale: %(name)s") % {"name": name}) for key, name in scales
        ]
        choices.append((self.NEW, _("Part of a new scale (name it below)")))
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = choices
        role.required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == self.NEW and not (data.get("new_scale") or "").strip():
            self.add_error("new_scale", _("Name the new scale."))
        return data
