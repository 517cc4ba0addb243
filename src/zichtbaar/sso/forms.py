"""The admin's single sign-on form and the "sign in with your work account" form."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from cryptography import x509
from django import forms
from django.utils.translation import gettext_lazy as _

from zichtbaar.integrations import transport
from zichtbaar.orgs.forms import DescribedErrors
from zichtbaar.orgs.models import Organisation, Team
from zichtbaar.sso import selectors
from zichtbaar.sso.models import JIT_ROLES, IdentityProvider

MAX_DOMAINS = 20
MAX_MAPPINGS = 50
MAX_CERT = 10_000
MAX_MAPPING_TEXT = 5_000
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Anyone can have an address there: such a domain can't say who belongs to an organisation.
PUBLIC_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.nl",
        "hotmail.com",
        "hotmail.nl",
        "live.com",
        "live.nl",
        "msn.com",
        "yahoo.com",
        "yahoo.nl",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "web.de",
        "mail.com",
        "ziggo.nl",
        "kpnmail.nl",
        "planet.nl",
        "home.nl",
        "xs4all.nl",
        "telenet.be",
        "skynet.be",
        "hetnet.nl",
        "quicknet.nl",
        "zeelandnet.nl",
        "casema.nl",
        "chello.nl",
        "upcmail.nl",
        "yandex.com",
        "zoho.com",
        "fastmail.com",
        "tutanota.com",
        "hey.com",
    ]
)


class StartForm(DescribedErrors, forms.Form):
    email = forms.EmailField(
        label=_("Your work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


def _cert_body(text: str) -> str:
    """The certificate's base64 body (what python3-saml wants), checked to be one."""
    body = re.sub(r"-----(BEGIN|END) CERTIFICATE-----|\s", "", text)
    try:
        x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except (binascii.Error, ValueError):
        raise forms.ValidationError(
            _("This is not a certificate. Paste the signing certificate (Base64, PEM).")
        ) from None
    return body


class ProviderForm(DescribedErrors, forms.ModelForm):
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."),
    )
    domains = forms.CharField(
        label=_("Allowed e-mail domains"),
        max_length=2_000,
        help_text=_("One or more, separated by commas or spaces, e.g. “acme.nl, acme.com”."),
    )
    mapping = forms.CharField(
        label=_("Groups to teams"),
        required=False,
        max_length=MAX_MAPPING_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "One line per group: “group = team”, e.g. “sales-nl = Sales”. The first line "
            "whose group a person is in sets their team at every sign-in."
        ),
    )
    metadata_xml = forms.CharField(
        label=_("Or paste the identity provider's metadata (XML)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("Fills in the entity ID, address and certificate below."),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "protocol",
            "label",
            "enabled",
            "issuer",
            "client_id",
            "idp_entity_id",
            "idp_sso_url",
            "idp_x509cert",
            "jit_enabled",
            "jit_role",
            "jit_team",
            "groups_claim",
        ]
        widgets = {
            "protocol": forms.RadioSelect,
            "idp_x509cert": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        }
        help_texts = {
            "issuer": _(
                "For example https://login.microsoftonline.com/<tenant>/v2.0 or "
                "https://accounts.google.com; Zichtbaar reads its "
                "/.well-known/openid-configuration."
            ),
        }

    def __init__(self, *args: Any, org: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["jit_team"].queryset = Team.objects.filter(org=org)  # type: ignore[attr-defined]
        self.fields["jit_role"].choices = JIT_ROLES  # type: ignore[attr-defined]
        self.fields["idp_x509cert"].max_length = MAX_CERT  # type: ignore[attr-defined]
        self.fields["idp_x509cert"].required = False
        if self.instance.pk:
            self.initial["domains"] = ", ".join(self.instance.allowed_domains)
            names = dict(Team.objects.filter(org=org).values_list("pk", "name"))
            self.initial["mapping"] = "\n".join(
                f"{group} = {names[team_id]}"
                for group, team_id in self.instance.group_teams
                if team_id in names
            )

    def clean_domains(self) -> list[str]:
        parts = [
            p.strip().lower().lstrip("@")
            for p in re.split(r"[,\s;]+", self.cleaned_data["domains"])
        ]
        domains = list(dict.fromkeys(p for p in parts if p))
        if not domains:
            raise forms.ValidationError(_("Name at least one domain."))
        if len(domains) > MAX_DOMAINS:
            raise forms.ValidationError(_("At most %(n)d domains.") % {"n": MAX_DOMAINS})
        for domain in domains:
            if not _DOMAIN.match(domain):
                raise forms.ValidationError(
                    _("“%(domain)s” is not a domain name.") % {"domain": domain}
                )
            if domain in PUBLIC_MAIL_DOMAINS:
                raise forms.ValidationError(
                    _(
                        "Anyone can have an address at %(domain)s, so it can't say who "
                        "belongs to your organisation."
                    )
                    % {"domain": domain}
                )
            if selectors.domain_claimed_elsewhere(domain, self.org.pk):
                raise forms.ValidationError(
                    _(
                        "%(domain)s is already used for single sign-on by another "
                        "organisation. Ask the operator of this Zichtbaar if it is yours."
                    )
                    % {"domain": domain}
                )
        return domains

    def clean_mapping(self) -> list[list[object]]:
        teams = {t.name.casefold(): t.pk for t in Team.objects.filter(org=self.org)}
        rows: list[list[object]] = []
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), start=1):
            if not line.strip():
                continue
            group, sep, team = line.partition("=")
            if not sep or not group.strip() or not team.strip():
                raise forms.ValidationError(_("Line %(n)d: write “group = team”.") % {"n": number})
            team_id = teams.get(team.strip().casefold())
            if team_id is None:
                raise forms.ValidationError(
                    _("Line %(n)d: there is no team “%(team)s”.")
                    % {"n": number, "team": team.strip()}
                )
            rows.append([group.strip()[:200], team_id])
        if len(rows) > MAX_MAPPINGS:
            raise forms.ValidationError(_("At most %(n)d lines.") % {"n": MAX_MAPPINGS})
        return rows

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"].strip().rstrip("/")
        if issuer:
            problem = transport.url_problem(issuer)
            if problem:
                raise forms.ValidationError(problem)
        return issuer

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        protocol = data.get("protocol")
        if protocol == IdentityProvider.Protocol.SAML and data.get("metadata_xml"):
            self._fill_from_metadata(data)
        required: tuple[str, ...] = ()
        if protocol == IdentityProvider.Protocol.OIDC:
            required = ("issuer", "client_id")
            if not data.get("client_secret") and not self.instance.client_secret:
                self.add_error("client_secret", _("Paste the client secret."))
        elif protocol == IdentityProvider.Protocol.SAML:
            required = ("idp_entity_id", "idp_sso_url", "idp_x509cert")
        for name in required:
            if not data.get(name) and name not in self.errors:
                self.add_error(
                    name,
                    _("This is needed for %(protocol)s.")
                    % {"protocol": IdentityProvider.Protocol(str(protocol)).label.split(" (")[0]},
                )
        cert = data.get("idp_x509cert")
        if cert and "idp_x509cert" not in self.errors:
            try:
                data["idp_x509cert"] = _cert_body(cert)
            except forms.ValidationError as exc:
                self.add_error("idp_x509cert", exc)
        return data

    def _fill_from_metadata(self, data: dict[str, Any]) -> None:
        from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

        try:
            parsed = OneLogin_Saml2_IdPMetadataParser.parse(data["metadata_xml"]).get("idp", {})
        except Exception:  # noqa: BLE001 - any parse failure is the same answer to the admin
            self.add_error("metadata_xml", _("This is not SAML metadata of an identity provider."))
            return
        data["idp_entity_id"] = parsed.get("entityId") or data.get("idp_entity_id")
        data["idp_sso_url"] = (parsed.get("singleSignOnService") or {}).get("url") or data.get(
            "idp_sso_url"
        )
        cert = parsed.get("x509cert") or next(
            iter((parsed.get("x509certMulti") or {}).get("signing", [])), ""
        )
        data["idp_x509cert"] = cert or data.get("idp_x509cert")
        for name in ("idp_entity_id", "idp_sso_url", "idp_x509cert"):
            self.errors.pop(name, None)
