"""Sign in with LinkedIn (issue 14.6): allauth's OpenID Connect provider against the fake
LinkedIn (discovery, JWKS, a signed id_token, userinfo). It opens only accounts Zichtbaar knows
for this LinkedIn member, never makes one, and sends members of an organisation that requires
single sign-on to their own provider."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from tests.fakes.linkedin_server import FakeLinkedIn, connect
from tests.sso.conftest import oidc_provider_for

pytestmark = pytest.mark.django_db

START = "/accounts/oidc/linkedin/login/"


def _no_redirect_open(url: str) -> str:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(url, timeout=5)
    except urllib.error.HTTPError as exc:
        return exc.headers["Location"]
    raise AssertionError("LinkedIn did not send the browser back")


def linkedin_sign_in(client, fake: FakeLinkedIn, sub: str):
    """Press "Sign in with LinkedIn", consent as `sub` at the fake, come back; returns
    Zichtbaar's answer to the callback."""
    fake.member_for_next_consent = sub
    response = client.post(START)
    assert response.status_code == 302, response.content[:300]
    assert response["Location"].startswith(f"{fake.oauth_url}/authorization?")
    back = urlsplit(_no_redirect_open(response["Location"]))
    assert back.path == "/accounts/oidc/linkedin/login/callback/"
    return client.get(f"{back.path}?{back.query}")


def _signed_in_as(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_the_sign_in_page_offers_it_only_with_a_linkedin_app(client, settings, fake):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign in with LinkedIn" in page.content.decode()
    assert "127.0.0.1" in page["Content-Security-Policy"]  # its form may lead to LinkedIn
    settings.ZICHTBAAR_LINKEDIN_SIGN_IN = False
    assert (
        "Sign in with LinkedIn"
        not in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert client.post(START).status_code == 404


def test_a_person_who_connected_linkedin_signs_in_with_it(client, fake, bob):
    fake.members["member-7"] = {"name": "Bob de Vries", "email": "bob.private@example.test"}
    connect(bob, fake, sub="member-7")
    response = linkedin_sign_in(client, fake, "member-7")
    assert response.status_code == 302, response.content[:300]
    assert _signed_in_as(client) == bob.pk
    assert SocialAccount.objects.get(provider="linkedin").user == bob
    # The id_token LinkedIn signed was read: its claims are kept with the account.
    assert SocialAccount.objects.get(provider="linkedin").extra_data["id_token"]["sub"] == (
        "member-7"
    )


def test_a_verified_address_that_linkedin_verified_too_signs_in(client, fake, bob):
    EmailAddress.objects.update_or_create(
        user=bob, email=bob.email, defaults={"verified": True, "primary": True}
    )
    fake.members["member-8"] = {"name": "Bob de Vries", "email": bob.email}
    linkedin_sign_in(client, fake, "member-8")
    assert _signed_in_as(client) == bob.pk


def test_an_address_zichtbaar_never_verified_opens_nothing(client, fake, bob):
    """Someone who made a LinkedIn account with Bob's address (before Bob ever confirmed it
    here) must not get into Bob's account."""
    EmailAddress.objects.filter(user=bob).update(verified=False)
    fake.members["member-9"] = {"name": "Not Bob", "email": bob.email}
    response = linkedin_sign_in(client, fake, "member-9")
    assert response.status_code == 403
    assert "doesn" in response.content.decode() or "kent dit" in response.content.decode()
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_linkedin_not_vouching_for_the_address_opens_nothing(client, fake, bob):
    EmailAddress.objects.update_or_create(
        user=bob, email=bob.email, defaults={"verified": True, "primary": True}
    )
    fake.members["member-10"] = {"name": "X", "email": bob.email, "email_verified": False}
    assert linkedin_sign_in(client, fake, "member-10").status_code == 403
    assert _signed_in_as(client) is None


def test_an_unknown_linkedin_member_gets_no_account(client, fake):
    from zichtbaar.orgs.models import User

    before = User.objects.count()
    fake.members["member-11"] = {"name": "New Person", "email": "new@example.test"}
    response = linkedin_sign_in(client, fake, "member-11")
    assert response.status_code == 403
    assert User.objects.count() == before
    assert _signed_in_as(client) is None


def test_members_of_an_organisation_requiring_sso_are_sent_to_their_provider(
    client, fake, acme, bob, oidc_server
):
    from django.utils import timezone

    from zichtbaar.sso import services

    idp = oidc_provider_for(acme, oidc_server)
    idp.tested_at = timezone.now()
    idp.save()
    assert services.set_required(idp, True)
    connect(bob, fake, sub="member-12")
    response = linkedin_sign_in(client, fake, "member-12")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/sso/{idp.slug}/")
    assert _signed_in_as(client) is None
