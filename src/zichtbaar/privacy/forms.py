from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zichtbaar.orgs.models import User


class DeleteAccountForm(forms.Form):
    """Erasure needs the person to type their own address: a click alone never deletes."""

    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("Type it to confirm that you want to delete your account."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        typed = self.cleaned_data["email"].strip()
        if typed.lower() != self.user.email.lower():
            raise forms.ValidationError(
                _("That is not the e-mail address of this account. Nothing was deleted.")
            )
        return typed
