"""After a sign-in through an organisation's provider: groups, verified address, the test."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from zichtbaar.orgs.middleware import SESSION_ORG_KEY
from zichtbaar.sso import selectors, services


@receiver(user_logged_in, dispatch_uid="sso-signed-in")
def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    idp = selectors.provider_by_id(sociallogin.account.provider)
    if idp is None:
        return
    services.signed_in(idp, user, sociallogin.state.get("zichtbaar_groups", []))
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_ORG_KEY] = idp.org_id  # land in the organisation signed in to
