"""Single sign-on per organisation: one identity provider (OpenID Connect or SAML 2.0).

The provider is configured by the organisation's admin in the app (sso/views.py); allauth's
providers do the protocol work, with a SocialApp built from this row on every request
(sso/providers.py), so the client secret stays encrypted here (sso/secrets.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zichtbaar.orgs.models import Organisation, Role, Team

# Roles a just-in-time member may get: never admin (an IdP claim must not make admins).
JIT_ROLES = [(Role.EMPLOYEE.value, Role.EMPLOYEE.label), (Role.COMMS.value, Role.COMMS.label)]


class IdentityProvider(models.Model):
    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect (Microsoft Entra ID, Google Workspace, Keycloak, …)")
        SAML = "saml", _("SAML 2.0")

    org = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider"
    )
    protocol = models.CharField(_("protocol"), max_length=4, choices=Protocol.choices)
    label = models.CharField(
        _("name on the sign-in button"),
        max_length=80,
        help_text=_("For example “Microsoft” or “your Acme account”."),
    )
    enabled = models.BooleanField(_("on"), default=True)
    # OpenID Connect: the issuer's address (its /.well-known/openid-configuration is read).
    issuer = models.URLField(_("issuer address"), max_length=500, blank=True)
    client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    client_secret = models.TextField(blank=True)  # encrypted (sso/secrets.py)
    # SAML 2.0: what the identity provider's metadata says.
    idp_entity_id = models.CharField(_("identity provider entity ID"), max_length=500, blank=True)
    idp_sso_url = models.URLField(_("single sign-on address"), max_length=500, blank=True)
    idp_x509cert = models.TextField(_("signing certificate"), blank=True)
    # Who may sign in through it: addresses in these domains only (lower case, no "@").
    allowed_domains = models.JSONField(_("allowed e-mail domains"), default=list)
    sso_required = models.BooleanField(_("members must use single sign-on"), default=False)
    jit_enabled = models.BooleanField(
        _("people from an allowed domain join on their first sign-in"), default=False
    )
    jit_role = models.CharField(
        _("role of people who join that way"),
        max_length=10,
        choices=JIT_ROLES,
        default=Role.EMPLOYEE,
    )
    jit_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("their team"),
    )
    groups_claim = models.CharField(
        _("claim or attribute with the person's groups"), max_length=200, default="groups"
    )
    # [[group, team_id], ...]: the first group of the person's that is listed sets their team.
    group_teams = models.JSONField(default=list, blank=True)
    # When an admin last signed in through this configuration: SSO can only be required once
    # it is known to work (a wrong certificate must not lock everyone out).
    tested_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identity provider")

    def __str__(self) -> str:
        return f"{self.label} ({self.org})"

    @property
    def provider_id(self) -> str:
        """allauth's id for this provider; social accounts are stored under it, so one
        organisation's identities never match another's."""
        return f"{self.protocol}-org{self.org_id}"

    @property
    def slug(self) -> str:
        """The organisation's part of the SAML addresses (/accounts/saml/<slug>/acs/); the id,
        not the organisation's slug, so renaming it never breaks the IdP's configuration."""
        return f"org{self.org_id}"
