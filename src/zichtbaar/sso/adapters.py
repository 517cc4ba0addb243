"""allauth adapters: an organisation's identity provider signs in only its own people.

The rules (docs/integrations.md, "Single sign-on"; the attacker tests in tests/sso/):
- the address must be in a domain the organisation claims (a domain belongs to one
  organisation), and an OpenID provider that says it has not verified it is refused;
- an account is matched by that address only when it is a member of this organisation (its
  invitation or import came from here), or, with just-in-time membership, when it belongs to no
  organisation and its address was verified; an account in another organisation is never
  taken over by this organisation's provider;
- without an account, one is made only with just-in-time membership switched on;
- a member whose organisation requires single sign-on can't sign in with a password or a code.

Sign in with LinkedIn (docs/linkedin.md) never makes an account: it opens one whose LinkedIn
connection has this member id, or whose verified address is the one LinkedIn verified; members
of an organisation that requires single sign-on are sent to their provider instead.
"""

from __future__ import annotations

from typing import Any, NoReturn

from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from zichtbaar.orgs.adapters import AccountAdapter as OrgsAccountAdapter
from zichtbaar.orgs.models import Membership, User
from zichtbaar.sharing.models import LinkedInConnection
from zichtbaar.sso import providers, selectors, services
from zichtbaar.sso.models import IdentityProvider
from zichtbaar.sso.transport import guarded_session


def start_url(idp: IdentityProvider, email: str = "", next_url: str = "") -> str:
    query = {k: v for k, v in (("email", email), ("next", next_url)) if v}
    url = reverse("sso:start_org", kwargs={"slug": idp.slug})
    return f"{url}?{urlencode(query)}" if query else url


class AccountAdapter(OrgsAccountAdapter):
    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        idp = selectors.required_provider_for(user)
        if idp is None:
            return None
        if sociallogin is not None and sociallogin.account.provider == idp.provider_id:
            return None
        clear_login(request)
        messages.info(
            request,
            _("%(org)s signs you in with your work account: use “%(label)s” below.")
            % {"org": idp.org.name, "label": idp.label},
        )
        return redirect(start_url(idp, email=user.email))


def _refuse(request: HttpRequest, idp: IdentityProvider | None, reason: str) -> NoReturn:
    raise ImmediateHttpResponse(
        render(request, "sso/refused.html", {"idp": idp, "reason": reason}, status=403)
    )


def _refuse_stranger(request: HttpRequest, idp: IdentityProvider, email: str) -> NoReturn:
    _refuse(
        request,
        idp,
        _(
            "There is no account for %(email)s in %(org)s yet. Ask your communications "
            "colleagues for an invitation."
        )
        % {"email": email, "org": idp.org.name},
    )


def _email_of(sociallogin: SocialLogin) -> tuple[str, bool | None]:
    """The address the provider gave, and whether it said it verified it (None: it didn't say,
    as SAML providers and Entra ID don't)."""
    for address in sociallogin.email_addresses:
        if address.email:
            claims = _claims(sociallogin)
            said = claims.get("email_verified")
            if said is None:
                return address.email.lower(), None
            return address.email.lower(), bool(address.verified)
    email = (sociallogin.user.email if sociallogin.user else "") or ""
    return email.lower(), None


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    data = sociallogin.account.extra_data or {}
    if isinstance(data, dict) and ("userinfo" in data or "id_token" in data):
        merged: dict[str, Any] = {}
        merged.update(data.get("id_token") or {})
        merged.update(data.get("userinfo") or {})
        return merged
    return data if isinstance(data, dict) else {}


def groups_of(sociallogin: SocialLogin, claim: str) -> list[str]:
    value = _claims(sociallogin).get(claim)
    if value is None:
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v) for v in values if str(v).strip()]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request: Any, provider: Any = None, client_id: Any = None) -> list:
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return apps + providers.apps_for(
            selectors.providers_for_lookup(provider, client_id), provider, client_id
        )

    def get_requests_session(self) -> Any:
        # Every address an admin typed in (the issuer and what its configuration names) gets
        # the webhooks' rules: public addresses only, no redirects (sso/transport.py).
        return guarded_session()

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.account.provider == providers.LINKEDIN:
            return self._linkedin(request, sociallogin)
        idp = selectors.provider_by_id(sociallogin.account.provider)
        if idp is None:
            return
        email, verified = _email_of(sociallogin)
        domain = selectors.domain_of(email)
        if not email or domain not in idp.allowed_domains:
            _refuse(
                request,
                idp,
                _(
                    "%(label)s signed you in as %(email)s, but %(org)s only lets in addresses "
                    "ending in %(domains)s."
                )
                % {
                    "label": idp.label,
                    "email": email or _("(no address)"),
                    "org": idp.org.name,
                    "domains": ", ".join("@" + d for d in idp.allowed_domains) or "-",
                },
            )
        if verified is False:
            _refuse(
                request,
                idp,
                _("%(label)s has not confirmed the address %(email)s, so it can't sign you in.")
                % {"label": idp.label, "email": email},
            )
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            self._check_account(request, idp, user, email)
            if not sociallogin.is_existing:
                sociallogin.connect(request, user)
        elif not idp.jit_enabled:
            _refuse_stranger(request, idp, email)
        # Stashed for save_user and the login signal (sso/receivers.py).
        sociallogin.state["zichtbaar_groups"] = groups_of(sociallogin, idp.groups_claim)

    def _linkedin(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """The account this LinkedIn member may open, or a refusal (never a new account)."""
        user = sociallogin.user if sociallogin.is_existing else None
        if user is None:
            connection = (
                LinkedInConnection.objects.filter(member_sub=sociallogin.account.uid)
                .select_related("user")
                .first()
            )
            user = connection.user if connection else None
        if user is None:
            email, verified = _email_of(sociallogin)
            found = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
            if email and verified and found is not None:
                user = found.user
        if user is None or not user.is_active:
            _refuse(
                request,
                None,
                _(
                    "Zichtbaar doesn't know this LinkedIn account yet. Sign in as usual and "
                    "connect LinkedIn once (“Connect LinkedIn” on any moment); from then on "
                    "LinkedIn signs you in too."
                ),
            )
        idp = selectors.required_provider_for(user)
        if idp is not None:
            messages.info(
                request,
                _("%(org)s signs you in with your work account: use “%(label)s” below.")
                % {"org": idp.org.name, "label": idp.label},
            )
            raise ImmediateHttpResponse(redirect(start_url(idp, email=user.email)))
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)

    def _check_account(
        self, request: HttpRequest, idp: IdentityProvider, user: User, email: str
    ) -> None:
        memberships = list(Membership.objects.filter(user=user))
        here = next((m for m in memberships if m.org_id == idp.org_id), None)
        if here is not None:
            if not here.is_active:
                _refuse(
                    request,
                    idp,
                    _("Your account in %(org)s is switched off. Ask your administrator.")
                    % {"org": idp.org.name},
                )
            return
        if memberships:
            # Another organisation's person: this provider must never open their account.
            _refuse(
                request,
                idp,
                _(
                    "The account for %(email)s belongs to another organisation, so %(label)s "
                    "can't sign in to it. Sign in as you usually do."
                )
                % {"email": email, "label": idp.label},
            )
        verified = EmailAddress.objects.filter(user=user, email__iexact=email, verified=True)
        if not (idp.jit_enabled and verified.exists()):
            _refuse_stranger(request, idp, email)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        idp = selectors.provider_by_id(sociallogin.account.provider)
        if idp is not None:
            return idp.jit_enabled  # pre_social_login checked the domain
        return False  # Sign in with LinkedIn opens existing accounts only

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return selectors.provider_by_id(sociallogin.account.provider) is not None

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        idp = selectors.provider_by_id(sociallogin.account.provider)
        if idp is not None:
            services.join_just_in_time(idp, user, sociallogin.state.get("zichtbaar_groups", []))
        return user
