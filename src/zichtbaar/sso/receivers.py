"""After a sign-in through an organisation's provider: groups, verified address, the test; and
the invitation page of an organisation that requires single sign-on."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from zichtbaar.orgs.middleware import SESSION_ORG_KEY
from zichtbaar.orgs.signals import invitation_opened
from zichtbaar.sso import selectors, services, views


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


@receiver(invitation_opened, dispatch_uid="sso-invitation")
def invitation_through_sso(sender: Any, request: Any, invitation: Any, **kwargs: Any) -> Any:
    """An organisation that requires single sign-on: its invitations lead to the provider."""
    idp = selectors.provider_of(invitation.org_id)
    if idp is None or not (idp.enabled and idp.sso_required):
        return None
    return views.invitation(request, invitation, idp)
