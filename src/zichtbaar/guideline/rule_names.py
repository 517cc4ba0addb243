"""The check's rules in words, for people who set them: a name and a one-line explanation.

The codes (``checker.CODES``) are stable identifiers for the data and for support; people read
these names instead. A test makes sure every code has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RuleName:
    code: str
    name: str | Promise
    explanation: str | Promise


_NAMES: dict[str, tuple[Promise, Promise]] = {
    "personal_data.email": (
        _("Email address"),
        _("The post contains an email address."),
    ),
    "personal_data.phone": (
        _("Phone number"),
        _("The post contains a phone number."),
    ),
    "personal_data.iban": (
        _("Bank account number"),
        _("The post contains a bank account number (IBAN)."),
    ),
    "personal_data.national_id": (
        _("Citizen service number"),
        _("The post contains a citizen service number (BSN) or another national ID number."),
    ),
    "personal_data.card": (
        _("Credit card number"),
        _("The post contains a credit card number."),
    ),
    "confidential.term": (
        _("Confidential term"),
        _(
            "The post names a term from the list of confidential terms, such as a project code name."
        ),
    ),
    "client.no_consent": (
        _("Client without permission"),
        _("The post names a client from the client register that may not (or no longer) be named."),
    ),
    "embargo": (
        _("Embargo"),
        _(
            "The moment may not be shared yet, or could only be shared until a date that has passed."
        ),
    ),
    "quiet_period": (
        _("Quiet period"),
        _("Someone shares during one of the quiet periods below."),
    ),
    "link.internal": (
        _("Internal or unapproved link"),
        _(
            "The post links to an internal site, or to a site that is not on the list of allowed sites."
        ),
    ),
    "form.too_long": (
        _("Too long for LinkedIn"),
        _("The post is longer than LinkedIn allows."),
    ),
    "form.hashtags": (
        _("Many hashtags"),
        _("The post has more hashtags than the maximum in the settings below."),
    ),
    "form.shouting": (
        _("Capitals"),
        _("A long run of capital letters, which reads as shouting."),
    ),
    "form.not_personal": (
        _("Draft not made personal"),
        _("The post is still entirely the suggested draft, without the person's own words."),
    ),
    "similar.colleagues": (
        _("Same as a colleague's post"),
        _("The post is almost the same as one a colleague already shared about this moment."),
    ),
    "disclosure.missing": (
        _("Working here not mentioned"),
        _("The post does not say that the writer works at the organisation."),
    ),
}


def rule_name(code: str) -> RuleName:
    """The name and explanation of a rule; an unknown code (an old one, say) is its own name."""
    name, explanation = _NAMES.get(code, (None, None))
    return RuleName(code=code, name=name or code, explanation=explanation or "")


def named_codes() -> frozenset[str]:
    return frozenset(_NAMES)
