"""Single sign-on through a real OpenID provider: who gets in, as whom, in which team; and
what another organisation's provider can never do."""

from __future__ import annotations

import pytest

from tests.sso.conftest import oidc_login, oidc_provider_for
from zichtbaar.orgs.models import Membership, Team, User

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in_as(client) -> str | None:
    response = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en")
    if response.status_code != 200:
        return None
    user = response.wsgi_request.user
    return user.email if user.is_authenticated else None


def test_a_member_signs_in_with_their_work_account(client, oidc_idp, oidc_server, bob):
    response = oidc_login(client, oidc_server, "bob-1", email="bob@acme.test", email_verified=True)
    assert response.status_code == 302
    assert _signed_in_as(client) == "bob@acme.test"
    assert bob.socialaccount_set.get().provider == oidc_idp.provider_id


def test_a_newcomer_from_an_allowed_domain_joins_with_the_default_role_and_mapped_team(
    client, oidc_idp, oidc_server, acme
):
    sales = Team.objects.create(org=acme, name="Sales")
    support = Team.objects.create(org=acme, name="Support")
    oidc_idp.jit_enabled = True
    oidc_idp.jit_team = support
    oidc_idp.group_teams = [["grp-sales", sales.pk]]
    oidc_idp.save()

    oidc_login(
        client,
        oidc_server,
        "dana-1",
        email="Dana@acme.test",
        email_verified=True,
        name="Dana Jansen",
        groups=["everyone", "grp-sales"],
    )
    dana = User.objects.get(email="dana@acme.test")
    membership = Membership.objects.get(user=dana)
    assert (membership.org, membership.role, membership.team) == (acme, "employee", sales)
    assert dana.name == "Dana Jansen"
    assert dana.emailaddress_set.get().verified
    assert _signed_in_as(client) == "dana@acme.test"

    # Without a mapped group the provider's default team.
    client.logout()
    oidc_login(client, oidc_server, "erik-1", email="erik@acme.test", email_verified=True)
    assert Membership.objects.get(user__email="erik@acme.test").team == support


def test_without_just_in_time_membership_a_stranger_is_told_to_ask_for_an_invitation(
    client, oidc_idp, oidc_server
):
    response = oidc_login(client, oidc_server, "zed-1", email="zed@acme.test", email_verified=True)
    assert response.status_code == 403
    assert "invitation" in response.content.decode() or "uitnodiging" in response.content.decode()
    assert not User.objects.filter(email="zed@acme.test").exists()
    assert _signed_in_as(client) is None


def test_a_later_sign_in_moves_the_person_to_the_team_of_their_groups(
    client, oidc_idp, oidc_server, acme, bob
):
    sales = Team.objects.get_or_create(org=acme, name="Sales")[0]
    oidc_idp.group_teams = [["grp-sales", sales.pk]]
    oidc_idp.save()
    oidc_login(
        client, oidc_server, "bob-2", email="bob@acme.test", email_verified=True, groups="grp-sales"
    )
    assert Membership.objects.get(user=bob, org=acme).team == sales


def test_an_unverified_address_is_refused(client, oidc_idp, oidc_server, bob):
    response = oidc_login(client, oidc_server, "bob-3", email="bob@acme.test", email_verified=False)
    assert response.status_code == 403
    assert _signed_in_as(client) is None


def test_a_deactivated_member_cannot_sign_in(client, oidc_idp, oidc_server, acme, bob):
    Membership.objects.filter(user=bob, org=acme).update(is_active=False)
    response = oidc_login(client, oidc_server, "bob-4", email="bob@acme.test", email_verified=True)
    assert response.status_code == 403
    assert _signed_in_as(client) is None


# -- An attacker who runs another organisation's identity provider ------------------------------


@pytest.fixture
def evil_idp(db, other_org, oidc_server):
    """Other BV's admin points their organisation at a provider they control."""
    return oidc_provider_for(
        other_org,
        oidc_server,
        client_secret="evil",
        label="Evil ID",
        client_id="zichtbaar-other",
        allowed_domains=["other.test"],
        jit_enabled=True,
    )


def test_another_organisations_provider_cannot_sign_in_an_address_outside_its_domains(
    client, evil_idp, oidc_server, bob
):
    response = oidc_login(
        client,
        oidc_server,
        "bob-evil",
        start=lambda: client.post(f"/sso/{evil_idp.slug}/"),
        email="bob@acme.test",
        email_verified=True,
    )
    assert response.status_code == 403
    assert _signed_in_as(client) is None
    assert not bob.socialaccount_set.exists()


def test_another_organisations_provider_cannot_open_an_account_of_this_one_in_its_domain(
    client, evil_idp, oidc_server, acme, mallory
):
    """An Acme member happens to have an address in Other BV's domain: Other BV's provider
    vouches for the address, but the account is Acme's, so it stays shut."""
    victim = User.objects.create_user("victim@other.test")
    Membership.objects.create(user=victim, org=acme)
    response = oidc_login(
        client,
        oidc_server,
        "v",
        start=lambda: client.post(f"/sso/{evil_idp.slug}/"),
        email="victim@other.test",
        email_verified=True,
    )
    assert response.status_code == 403
    assert _signed_in_as(client) is None


def test_a_domain_claimed_by_one_organisation_cannot_be_claimed_by_another(evil_idp):
    from zichtbaar.orgs.models import Organisation
    from zichtbaar.sso.forms import ProviderForm

    form = ProviderForm(
        {
            "protocol": "oidc",
            "label": "Mine",
            "enabled": "on",
            "issuer": "http://localhost:1/",
            "client_id": "x",
            "client_secret": "y",
            "domains": "other.test",
            "jit_role": "employee",
            "groups_claim": "groups",
        },
        org=Organisation.objects.create(slug="third", name="Third"),
    )
    assert not form.is_valid()
    assert "domains" in form.errors
