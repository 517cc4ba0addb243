"""Single sign-on required: passwords and codes off for members, earlier sessions ended, and
only once an administrator proved the provider works."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.smtp import text_of
from tests.sso.conftest import oidc_login
from zichtbaar.orgs.models import Membership, Role
from zichtbaar.sso import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(acme):
    from tests.conftest import _person

    return _person(acme, "ada@acme.test", "Ada Admin", role=Role.ADMIN, language="en")


@pytest.fixture
def required(oidc_idp, oidc_server, admin, client):
    """An admin signed in through the provider once, then required it."""
    oidc_login(client, oidc_server, "ada", email="ada@acme.test", email_verified=True)
    oidc_idp.refresh_from_db()
    assert oidc_idp.tested_at is not None
    assert services.set_required(oidc_idp, True)
    client.logout()
    oidc_idp.refresh_from_db()
    return oidc_idp


def test_single_sign_on_cannot_be_required_before_an_admin_signed_in_through_it(oidc_idp):
    assert not services.set_required(oidc_idp, True)
    oidc_idp.refresh_from_db()
    assert not oidc_idp.sso_required


def test_changing_the_provider_asks_for_a_new_test(required):
    idp = services.save_provider(required.org, issuer=required.issuer, client_id="another-client")
    assert idp.tested_at is None and not idp.sso_required


def test_a_member_cannot_sign_in_with_a_password_and_is_sent_to_single_sign_on(
    client, required, bob
):
    response = client.post(
        "/accounts/login/",
        {"login": "bob@acme.test", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"/sso/{required.slug}/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign in with Acme ID" in page.content.decode()


def test_nor_with_an_e_mailed_code(client, required, bob, smtp_inbox):
    response = client.post("/accounts/login/code/", {"email": "bob@acme.test"})
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", text_of(smtp_inbox.messages[0]))
    assert code
    confirm = client.post(response["Location"], {"code": code.group(1)})
    assert "_auth_user_id" not in client.session
    assert confirm.status_code == 302 and confirm["Location"].startswith("/sso/")


def test_a_session_from_before_it_was_required_ends(client, oidc_idp, oidc_server, admin, bob):
    client.post("/accounts/login/", {"login": "bob@acme.test", "password": PASSWORD})
    assert client.get("/").status_code == 200
    ada = client.__class__()
    oidc_login(ada, oidc_server, "ada", email="ada@acme.test", email_verified=True)
    oidc_idp.refresh_from_db()
    assert services.set_required(oidc_idp, True)

    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/sso/")
    assert "_auth_user_id" not in client.session
    # The admin's own session came through the provider: it goes on.
    assert ada.get("/").status_code == 200


def test_through_the_provider_the_member_gets_in(client, required, oidc_server, bob):
    oidc_login(client, oidc_server, "bob", email="bob@acme.test", email_verified=True)
    assert client.get("/").status_code == 200


def test_the_operator_keeps_their_password(client, required, acme):
    from zichtbaar.orgs.models import User

    root = User.objects.create_superuser("root@acme.test", PASSWORD)
    Membership.objects.create(user=root, org=acme, role=Role.ADMIN)
    from zichtbaar.orgs.services import mark_email_verified

    mark_email_verified(root)
    client.post("/accounts/login/", {"login": "root@acme.test", "password": PASSWORD})
    response = client.get("/")
    assert "_auth_user_id" in client.session
    assert not response.get("Location", "").startswith("/sso/")


def test_another_organisations_members_keep_their_password(client, required, mallory):
    client.post("/accounts/login/", {"login": "mallory@other.test", "password": PASSWORD})
    assert client.get("/").status_code == 200


def test_an_invitation_leads_to_the_provider_without_a_password(client, required, oidc_server):
    """A newcomer invited to an organisation that requires single sign-on chooses no password:
    joining makes the membership and sends them to the provider, which signs them in."""
    from zichtbaar.orgs.models import Invitation, User

    invitation = Invitation.objects.create(org=required.org, email="nina@acme.test")
    page = client.get(f"/invite/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'type="password"' not in body and "Join and sign in with Acme ID" in body
    joined = client.post(f"/invite/{invitation.token}/")
    assert joined.status_code == 302
    assert joined["Location"].startswith(f"/sso/{required.slug}/")
    nina = User.objects.get(email="nina@acme.test")
    assert not nina.has_usable_password()
    assert "_auth_user_id" not in client.session  # the link alone signs nobody in

    answer = oidc_login(
        client,
        oidc_server,
        "nina",
        start=lambda: client.post(joined["Location"].split("?")[0]),
        email="nina@acme.test",
        email_verified=True,
    )
    assert answer.status_code == 302
    assert int(client.session["_auth_user_id"]) == nina.pk
    assert Membership.objects.get(user=nina).org == required.org


def test_an_invitation_outside_the_providers_domains_says_why(client, required):
    from zichtbaar.orgs.models import Invitation, User

    invitation = Invitation.objects.create(org=required.org, email="freelancer@elsewhere.test")
    page = client.get(f"/invite/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "only lets in addresses ending in @acme.test" in page.content.decode()
    assert client.post(f"/invite/{invitation.token}/").status_code == 403
    assert not User.objects.filter(email="freelancer@elsewhere.test").exists()
