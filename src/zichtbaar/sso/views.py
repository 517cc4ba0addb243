"""Thin views: sign in with your work account, and the admin's single sign-on settings."""

from __future__ import annotations

import logging
from typing import Any

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from onelogin.saml2.errors import OneLogin_Saml2_Error

from zichtbaar.orgs import services as orgs_services
from zichtbaar.orgs.decorators import member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.orgs.models import Invitation, Role
from zichtbaar.sso import selectors, services
from zichtbaar.sso.adapters import start_url
from zichtbaar.sso.forms import ProviderForm, StartForm
from zichtbaar.sso.models import IdentityProvider

logger = logging.getLogger(__name__)


def _safe_next(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if ok and value.startswith("/") else ""


def _go(request: HttpRequest, idp: IdentityProvider, email: str = "") -> HttpResponse:
    """Hand the browser to the provider (a POST from our own page: allauth's CSRF rule)."""
    provider = get_adapter(request).get_provider(request, idp.provider_id)
    kwargs: dict[str, Any] = {"next_url": _safe_next(request) or None}
    if idp.protocol == IdentityProvider.Protocol.OIDC and email:
        kwargs["auth_params"] = {**provider.get_auth_params(), "login_hint": email}
    try:
        return provider.redirect(request, AuthProcess.LOGIN, **kwargs)
    except (requests.RequestException, OneLogin_Saml2_Error, ValueError, KeyError) as exc:
        logger.warning("single sign-on of org %s: can't reach the provider: %s", idp.org_id, exc)
        return render(
            request,
            "sso/refused.html",
            {
                "idp": idp,
                "reason": _(
                    "%(label)s can't be reached right now. Try again in a moment, or ask your "
                    "administrator to check the single sign-on settings."
                )
                % {"label": idp.label},
            },
            status=502,
        )


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Sign in with your work account: the address says which organisation's provider."""
    form = StartForm(request.POST or None, initial={"email": request.GET.get("email", "")[:254]})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        idp = selectors.provider_for_email(email)
        if idp is not None:
            # On to the organisation's own button: its page lets the form go to the provider
            # (the CSP's form-action), which this page can't know in advance.
            return redirect(start_url(idp, email=email, next_url=_safe_next(request)))
        form.add_error(
            "email",
            _(
                "There is no single sign-on for this address. Sign in with your password or an "
                "e-mailed sign-in code."
            ),
        )
    return render(
        request,
        "sso/start.html",
        {"form": form, "next": _safe_next(request)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def start_org(request: HttpRequest, slug: str) -> HttpResponse:
    """One organisation's sign-in button (a bookmark, the admin's test, a redirect from the
    password form when single sign-on is required)."""
    idp = selectors.provider_by_slug(slug)
    if idp is None:
        raise Http404
    if request.method == "POST":
        return _go(request, idp, request.POST.get("email", "")[:254])
    response = render(
        request,
        "sso/start_org.html",
        {"idp": idp, "email": request.GET.get("email", "")[:254], "next": _safe_next(request)},
    )
    # The button's form is answered with a redirect to the provider: Chromium applies the
    # CSP's form-action to it, so this page allows the provider's origin.
    response._csp_update = {"form-action": [selectors.provider_origin(idp)]}  # type: ignore[attr-defined]
    return response


def _admin_only(request: TenantRequest) -> HttpResponse | None:
    if request.membership.role != Role.ADMIN:
        return render(request, "403.html", status=403)
    return None


def _sp_details(org_id: int) -> dict[str, str]:
    """What the organisation's IT enters at their identity provider."""
    base = settings.SITE_URL
    slug = f"org{org_id}"
    return {
        "redirect_uri": f"{base}/accounts/oidc/oidc-{slug}/login/callback/",
        "acs_url": f"{base}{reverse('saml_acs', args=[slug])}",
        "entity_id": f"{base}{reverse('saml_metadata', args=[slug])}",
        "metadata_url": f"{base}{reverse('saml_metadata', args=[slug])}",
        "start_url": f"{base}{reverse('sso:start_org', kwargs={'slug': slug})}",
    }


@member_required
@require_http_methods(["GET", "POST"])
def provider_settings(request: TenantRequest) -> HttpResponse:
    if (refused := _admin_only(request)) is not None:
        return refused
    idp = selectors.provider_of(request.org.pk)
    form = ProviderForm(
        request.POST or None,
        instance=idp or IdentityProvider(org=request.org),
        org=request.org,
        initial=None if idp else {"protocol": IdentityProvider.Protocol.OIDC},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["allowed_domains"] = data.pop("domains")
        data["group_teams"] = data.pop("mapping")
        data.pop("metadata_xml", None)
        secret = data.pop("client_secret", "")
        services.save_provider(request.org, client_secret=secret, **data)
        messages.success(
            request,
            _("Saved. Sign in once through it (“Test the sign-in”) before you require it."),
        )
        return redirect("sso:settings")
    return render(
        request,
        "sso/settings.html",
        {"form": form, "idp": idp, "sp": _sp_details(request.org.pk)},
        status=400 if form.errors else 200,
    )


@member_required
@require_POST
def require(request: TenantRequest) -> HttpResponse:
    if (refused := _admin_only(request)) is not None:
        return refused
    idp = selectors.provider_of(request.org.pk)
    if idp is None:
        raise Http404
    wanted = request.POST.get("required") == "1"
    if services.set_required(idp, wanted):
        messages.success(
            request,
            _("Members now sign in through %(label)s only.") % {"label": idp.label}
            if wanted
            else _("Members may sign in with a password or a code again."),
        )
    else:
        messages.error(
            request,
            _("Sign in once through %(label)s as an administrator first, so you know it works.")
            % {"label": idp.label},
        )
    return redirect("sso:settings")


@member_required
@require_POST
def remove(request: TenantRequest) -> HttpResponse:
    if (refused := _admin_only(request)) is not None:
        return refused
    services.delete_provider(request.org)
    messages.success(request, _("Single sign-on is removed; members sign in as before."))
    return redirect("sso:settings")


def invitation(request: HttpRequest, invitation: Invitation, idp: IdentityProvider) -> HttpResponse:
    """The invitation page of an organisation that requires single sign-on (answered through
    orgs' `invitation_opened` signal): no password to choose; joining makes the membership
    and sends the person to the provider, which then vouches for the address."""
    allowed = selectors.domain_of(invitation.email) in idp.allowed_domains
    if request.method == "POST" and allowed:
        orgs_services.accept_invitation(invitation)
        return redirect(start_url(idp, email=invitation.email))
    return render(
        request,
        "sso/invitation.html",
        {"invitation": invitation, "idp": idp, "allowed": allowed},
        status=403 if request.method == "POST" else 200,
    )
