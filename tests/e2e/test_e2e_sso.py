"""Single sign-on in a real browser against a real OpenID provider (oidc-provider-mock) and a
real SAML identity provider (pysaml2): a newcomer from Acme's domain signs in with their work
account and lands in Acme as a member; a member signs in through SAML; a member of an
organisation that requires it can't use their password."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD, _person
from tests.sso.conftest import (  # noqa: F401 - oidc_server, saml_server: the providers
    oidc_provider_for,
    oidc_server,
    saml_provider_for,
    saml_server,
    set_user,
)

__all__ = ["oidc_server", "saml_server"]


def _provider(acme, server: str, **options):
    from zichtbaar.orgs.models import Team

    sales = Team.objects.get_or_create(org=acme, name="Sales")[0]
    return oidc_provider_for(
        acme, server, jit_enabled=True, group_teams=[["grp-sales", sales.pk]], **options
    )


def _through_the_provider(page, server: str, sub: str) -> None:
    expect(page).to_have_url(re.compile(re.escape(server) + r"/oauth2/authorize"))
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def test_a_newcomer_signs_in_with_their_work_account_and_joins(
    acme, site, new_page, oidc_server, screenshot, axe_audit
):
    from zichtbaar.orgs.models import Membership

    axe_audit.foreign_origins.add(oidc_server)
    _provider(acme, oidc_server)
    set_user(
        oidc_server,
        "dana",
        email="dana@acme.test",
        email_verified=True,
        name="Dana Jansen",
        groups=["grp-sales"],
    )
    page = new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_role("link", name=re.compile("work account", re.I)).click()
    page.get_by_label(re.compile("work e-mail", re.I)).fill("dana@acme.test")
    screenshot(page, "sso-start")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Sign in with Acme ID").click()
    _through_the_provider(page, oidc_server, "dana")
    expect(page).to_have_url(re.compile(r"/welcome/1/"))
    screenshot(page, "sso-joined")
    membership = Membership.objects.get(user__email="dana@acme.test")
    assert membership.org == acme and membership.team.name == "Sales"


def test_when_required_the_password_form_sends_members_to_their_provider(
    acme, site, new_page, oidc_server, screenshot, axe_audit
):
    from zichtbaar.orgs.models import Role
    from zichtbaar.sso import services

    axe_audit.foreign_origins.add(oidc_server)
    idp = _provider(acme, oidc_server)
    _person(acme, "ada@acme.test", "Ada Admin", role=Role.ADMIN, language="en")
    bob = _person(acme, "bob@acme.test", "Bob de Vries", language="en")
    from django.utils import timezone

    idp.tested_at = timezone.now()
    idp.save()
    assert services.set_required(idp, True)
    set_user(oidc_server, "bob", email=bob.email, email_verified=True)

    page = new_page()
    page.goto(f"{site}/accounts/login/")
    page.locator('input[name="login"]').fill(bob.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    expect(page).to_have_url(re.compile(rf"/sso/{idp.slug}/"))
    expect(page.get_by_text("signs you in with your work account")).to_be_visible()
    screenshot(page, "sso-required")
    page.get_by_role("button", name="Sign in with Acme ID").click()
    _through_the_provider(page, oidc_server, "bob")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/|/sso/"))


def test_an_admin_sets_up_single_sign_on_and_tests_it(
    acme, site, new_page, sign_in, oidc_server, screenshot, axe_audit
):
    from zichtbaar.orgs.models import Role
    from zichtbaar.sso.models import IdentityProvider

    axe_audit.foreign_origins.add(oidc_server)
    _person(acme, "ada@acme.test", "Ada Admin", role=Role.ADMIN, language="en")
    set_user(oidc_server, "ada", email="ada@acme.test", email_verified=True)
    page = new_page()
    sign_in(page, "ada@acme.test")
    page.goto(f"{site}/comms/integrations/")
    page.get_by_role("link", name="Single sign-on").click()
    page.get_by_label("Name on the sign-in button").fill("Acme ID")
    page.get_by_label("Allowed e-mail domains").fill("gmail.com")
    page.get_by_label("Issuer address").fill(oidc_server)
    page.get_by_label("Client ID").fill("zichtbaar-acme")
    page.get_by_label("Client secret").fill("s3cret")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Anyone can have an address at gmail.com")).to_be_visible()
    screenshot(page, "sso-settings-error")
    page.get_by_label("Allowed e-mail domains").fill("acme.test")
    page.get_by_label("Client secret").fill("s3cret")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#sso-status")).to_contain_text("Not yet since the last change")
    page.get_by_role("link", name="Test the sign-in").click()
    page.get_by_role("button", name="Sign in with Acme ID").click()
    _through_the_provider(page, oidc_server, "ada")
    expect(page.locator("#sso-status")).to_contain_text("An administrator signed in through it")
    page.get_by_role("button", name="Require single sign-on for members").click()
    expect(page.locator("#sso-status")).to_contain_text("Members sign in through it only")
    screenshot(page, "sso-settings-required")
    assert IdentityProvider.objects.get(org=acme).sso_required


def test_a_newcomer_signs_in_through_the_saml_idp_and_joins(
    acme, site, new_page, saml_server, screenshot, axe_audit
):
    """The whole SAML round trip in the browser: the button, the IdP's sign-in, its signed
    response posted back by the IdP's page, and Erik a member of Acme's Sales team."""
    from zichtbaar.orgs.models import Team

    axe_audit.foreign_origins.add(saml_server.base)
    sales = Team.objects.get_or_create(org=acme, name="Sales")[0]
    idp = saml_provider_for(
        acme, saml_server, jit_enabled=True, group_teams=[["grp-sales", sales.pk]]
    )
    saml_server.trust(f"{site}/accounts/saml/{idp.slug}/metadata/")
    saml_server.add_person("erik@acme.test", "Erik", "Visser", groups=["grp-sales"])
    page = new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_role("link", name=re.compile("work account", re.I)).click()
    page.get_by_label(re.compile("work e-mail", re.I)).fill("erik@acme.test")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Sign in with Acme SAML").click()
    expect(page).to_have_url(re.compile(re.escape(saml_server.sso_url)))
    page.get_by_label("E-mail").fill("erik@acme.test")
    page.get_by_role("button", name="Sign in at the IdP").click()
    expect(page).to_have_url(re.compile(r"/welcome/1/"))
    screenshot(page, "sso-saml-joined")
    from zichtbaar.orgs.models import Membership

    membership = Membership.objects.get(user__email="erik@acme.test")
    assert membership.org == acme and membership.team == sales
