"""Single sign-on required: a session that did not come through the organisation's provider
ends (a password login from before it was required, an invitation accepted with a password)."""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from zichtbaar.sso import selectors
from zichtbaar.sso.adapters import start_url

# Where a session without single sign-on may still go: signing in and out, the static files.
_OPEN = ("/sso/", "/accounts/", "/static/", "/i18n/")


class SingleSignOnRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = getattr(request, "membership", None)
        if (
            membership is not None
            and membership.org_id in selectors.orgs_requiring_sso()
            and not request.user.is_superuser
            and not request.path.startswith(_OPEN)
        ):
            idp = selectors.provider_of(membership.org_id)
            if idp is not None and idp.enabled and idp.sso_required:
                records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
                if not any(
                    r.get("method") == "socialaccount" and r.get("provider") == idp.provider_id
                    for r in records
                ):
                    email = getattr(request.user, "email", "")
                    logout(request)
                    messages.info(
                        request,
                        _("%(org)s signs you in with your work account: use “%(label)s”.")
                        % {"org": idp.org.name, "label": idp.label},
                    )
                    return redirect(start_url(idp, email=email))
        return self.get_response(request)
