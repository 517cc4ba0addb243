from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

# Our pages say where you are; these would also be in the language of the anonymous request.
QUIET_MESSAGES = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


class AccountAdapter(DefaultAccountAdapter):
    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ):
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People arrive through an invitation (which signs them up itself) or an import.
        return bool(settings.ZICHTBAAR_OPEN_SIGNUP)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """In the language of the person the address belongs to (a sign-in code is asked for
        from a browser whose language may be anyone's); otherwise the request's."""
        from zichtbaar.orgs.models import Profile

        language = (
            Profile.objects.filter(user__email__iexact=email)
            .values_list("language", flat=True)
            .first()
        )
        with translation.override(language or translation.get_language()):
            super().send_mail(template_prefix, email, context)
