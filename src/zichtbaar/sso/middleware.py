"""Single sign-on required: a session that did not come through the organisation's provider
ends (a password login from before it was required, an invitation accepted with a password).
Also: the sign-in page may lead to LinkedIn when Sign in with LinkedIn is on."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from zichtbaar.sharing.linkedin import client as linkedin_client
from zichtbaar.sso import providers, selectors
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
        response = self.get_response(request)
        if request.path == reverse("account_login") and providers.linkedin_sign_in():
            # The Sign in with LinkedIn button posts here and is redirected to LinkedIn's
            # consent page; Chromium holds that redirect to the page's CSP form-action.
            parts = urlsplit(linkedin_client.oauth_url())
            response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}  # type: ignore[attr-defined]
        return response
