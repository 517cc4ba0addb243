from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People arrive through an invitation (which signs them up itself) or an import.
        return bool(settings.ZICHTBAAR_OPEN_SIGNUP)
