from __future__ import annotations

import os
from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from zichtbaar.nudges.models import Preference, Webhook
from zichtbaar.orgs.forms import DescribedErrors
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
            "review_updates",
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


# --- the organisation's Slack and Teams webhooks --------------------------------------------

SLACK_HOSTS = ("hooks.slack.com",)
# Teams: the older connector webhooks (<tenant>.webhook.office.com) and the Workflows ones
# (Power Automate: *.logic.azure.com, *.environment.api.powerplatform.com).
TEAMS_HOSTS = (".webhook.office.com", ".logic.azure.com", ".environment.api.powerplatform.com")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def extra_webhook_hosts() -> list[str]:
    """Hosts an operator allows besides Slack's and Microsoft's (a proxy, a gateway).

    `ZICHTBAAR_WEBHOOK_EXTRA_HOSTS`: comma-separated host names; `*.example.org` (or
    `.example.org`) allows every host under example.org. A Django setting of the same name (a
    list) wins over the environment variable.
    """
    value = getattr(settings, "ZICHTBAAR_WEBHOOK_EXTRA_HOSTS", None)
    if value is None:
        value = os.environ.get("ZICHTBAAR_WEBHOOK_EXTRA_HOSTS", "")
    if isinstance(value, str):
        value = value.split(",")
    return [h.strip().lower().removeprefix("*") for h in value if h.strip()]


def _host_matches(host: str, patterns: list[str] | tuple[str, ...]) -> bool:
    return any(
        host.endswith(p) and len(host) > len(p) if p.startswith(".") else host == p
        for p in patterns
    )


def local_webhooks_allowed() -> bool:
    """Plain http to this machine: for development and the test suite only."""
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


class WebhookForm(DescribedErrors, forms.ModelForm):
    """Add or edit a webhook. On edit the address field starts empty: it is a secret and is
    never sent back to the browser; leaving it empty keeps the current one."""

    url = forms.CharField(
        label=_("Incoming webhook URL"),
        max_length=500,
        required=True,
        strip=True,
        widget=forms.URLInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}
        ),
    )

    class Meta:
        model = Webhook
        fields = ["name", "kind", "url", "language", "is_active"]
        labels = {
            "name": _("Name"),
            "kind": _("Service"),
            "language": _("Language of the messages"),
            "is_active": _("Active: announce new moments in this channel"),
        }
        help_texts = {
            "name": _("For yourselves, e.g. the channel: “#news in Slack”."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        url = self.fields["url"]
        if self.instance.pk:
            url.required = False
            self.initial["url"] = ""
            url.help_text = _(
                "Now: %(masked)s. Leave empty to keep it; paste a new address to replace it."
            ) % {"masked": self.instance.masked_url}
        else:
            url.help_text = _(
                "Slack: Apps → Incoming Webhooks, an address on hooks.slack.com. Teams: a "
                "Workflows flow “Post to a channel when a webhook request is received”."
            )
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = list(Webhook.Kind.choices)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        address = data.get("url") or ""
        if not address:
            if self.instance.pk:
                data["url"] = self.instance.url  # keep the current one
            return data
        error = webhook_url_problem(address, data.get("kind") or "")
        if error:
            self.add_error("url", error)
        return data


def webhook_url_problem(address: str, kind: str) -> str | None:
    """Why this address can't be a webhook of this kind, in one sentence; None when fine."""
    try:
        URLValidator(schemes=["http", "https"])(address)
        parts = urlsplit(address)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except (ValidationError, ValueError):
        return str(_("Paste the whole address, starting with https://."))
    if parts.username or parts.password:
        return str(_("The address can't contain a user name or password."))
    local = host in LOOPBACK_HOSTS and local_webhooks_allowed()
    if parts.scheme != "https" and not local:
        return str(_("The address must start with https://, so the message is encrypted."))
    if local or _host_matches(host, extra_webhook_hosts()):
        return None
    if kind == Webhook.Kind.SLACK and not _host_matches(host, SLACK_HOSTS):
        return str(_("A Slack incoming webhook starts with https://hooks.slack.com/."))
    if kind == Webhook.Kind.TEAMS and not _host_matches(host, TEAMS_HOSTS):
        return str(
            _(
                "A Teams webhook is on a host ending in webhook.office.com, logic.azure.com or "
                "environment.api.powerplatform.com; copy it from the Workflows flow."
            )
        )
    if parts.port not in (None, 443):
        return str(_("Slack and Teams webhooks use the standard port; remove “:%(port)s”.")) % {
            "port": parts.port
        }
    return None
