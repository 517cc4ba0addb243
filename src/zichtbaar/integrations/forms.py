"""Forms for comms: a webhook endpoint, a news feed with its type rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zichtbaar.integrations import transport
from zichtbaar.integrations.models import EventType, Feed
from zichtbaar.moments.models import MomentType
from zichtbaar.orgs.forms import DescribedErrors

RULE_ROWS = 5


class _Described(DescribedErrors, forms.Form):
    pass


def _address_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        strip=True,
        help_text=help_text,
        widget=forms.URLInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}
        ),
    )


class EndpointForm(_Described):
    url = _address_field(
        _("Address that receives the events"),
        _("A public https address. Zichtbaar signs every message; see the documentation."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=120,
        required=False,
        help_text=_("For yourselves, e.g. “Intranet news”."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        problem = transport.url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


class FeedForm(_Described):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("E.g. “Company blog”."))
    url = _address_field(
        _("Feed address (RSS or Atom)"),
        _("Often ends in /feed, /rss or .xml. New items arrive as drafts in Moments."),
    )
    default_type = forms.ModelChoiceField(
        label=_("Type of moment, unless a rule below says otherwise"),
        queryset=MomentType.objects.none(),
        empty_label=None,
    )
    interval_minutes = forms.IntegerField(
        label=_("Fetch every (minutes)"), min_value=15, max_value=24 * 60, initial=60
    )
    is_active = forms.BooleanField(label=_("Active: fetch this feed"), required=False, initial=True)

    def __init__(self, *args: Any, org: Any, instance: Feed | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                "name": instance.name,
                "url": instance.url,
                "default_type": instance.default_type_id,
                "interval_minutes": instance.interval_minutes,
                "is_active": instance.is_active,
            }
            for i, rule in enumerate(instance.rules[:RULE_ROWS], start=1):
                initial[f"rule_{i}_contains"] = rule.get("contains", "")
                initial[f"rule_{i}_type"] = rule.get("type", "")
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        types = MomentType.objects.filter(org__isnull=True) | MomentType.objects.filter(org=org)
        types = types.order_by("position", "pk")
        default_type = self.fields["default_type"]
        assert isinstance(default_type, forms.ModelChoiceField)
        default_type.queryset = types
        dutch = (get_language() or "").startswith("nl")
        choices = [("", "—")] + [(t.key, t.name_nl if dutch else t.name_en) for t in types]
        for i in range(1, RULE_ROWS + 1):
            self.fields[f"rule_{i}_contains"] = forms.CharField(
                label=_("Rule %(n)s: the link or title contains") % {"n": i},
                max_length=80,
                required=False,
            )
            self.fields[f"rule_{i}_type"] = forms.ChoiceField(
                label=_("Rule %(n)s: then the type is") % {"n": i},
                choices=choices,
                required=False,
            )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        problem = transport.url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, RULE_ROWS + 1):
            if data.get(f"rule_{i}_contains") and not data.get(f"rule_{i}_type"):
                self.add_error(f"rule_{i}_type", _("Choose the type this rule gives."))
        return data

    def feed_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        rules = [
            {"contains": data[f"rule_{i}_contains"].strip(), "type": data[f"rule_{i}_type"]}
            for i in range(1, RULE_ROWS + 1)
            if data.get(f"rule_{i}_contains", "").strip() and data.get(f"rule_{i}_type")
        ]
        return {
            "name": data["name"],
            "url": data["url"],
            "default_type": data["default_type"],
            "interval_minutes": data["interval_minutes"],
            "is_active": data["is_active"],
            "rules": rules,
        }
