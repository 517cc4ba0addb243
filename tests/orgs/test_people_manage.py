"""Comms manage the people of their organisation: search, pages, edit (name, team, role),
deactivate and reactivate, remove. Personas: alice (comms at Acme), bob and carol (employees),
dana (Acme's administrator), oscar (comms at Other BV, who must never reach Acme's people)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from tests.conftest import _person
from zichtbaar.impact import selectors as impact
from zichtbaar.nudges import digests
from zichtbaar.orgs import services
from zichtbaar.orgs.models import Invitation, Membership, Role, Team
from zichtbaar.sharing import services as sharing
from zichtbaar.sharing.models import Share


@pytest.fixture
def dana(acme):
    return _person(
        acme, "dana@acme.test", "Dana Admin", role="admin", team="Marketing", language="en"
    )


@pytest.fixture
def oscar(other_org):
    return _person(other_org, "oscar@other.test", "Oscar Comms", role="comms", language="en")


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def membership(user, org) -> Membership:
    return Membership.objects.select_related("team").get(user=user, org=org)


def people_page(client, **params) -> str:
    response = client.get("/comms/people/", params)
    assert response.status_code == 200
    return response.content.decode()


# --- search and pages ----------------------------------------------------------------------


def test_search_finds_people_by_part_of_name_or_address_ignoring_case(alice, bob, carol):
    client = as_(alice)
    page = people_page(client, q="DE VRIES")
    assert "bob@acme.test" in page and "carol@acme.test" not in page
    assert "1 person matches “DE VRIES”" in page
    page = people_page(client, q="Carol@ACME")
    assert "carol@acme.test" in page and "bob@acme.test" not in page
    page = people_page(client, q="nobody-like-this")
    assert "Nobody matches this search" in page


def test_a_very_long_search_is_cut_not_refused(alice, bob):
    page = people_page(as_(alice), q="b" * 5000)
    assert 'maxlength="100"' in page
    assert f'name="q" value="{"b" * 100}"' in page  # searched for the first 100 characters


def test_the_list_comes_in_pages_that_keep_the_search(alice, acme):
    for i in range(60):
        _person(acme, f"p{i:02d}@acme.test", f"Person {i:02d}")
    client = as_(alice)
    first = people_page(client)
    assert "Page 1 of 2" in first and "p00@acme.test" in first and "p59@acme.test" not in first
    second = people_page(client, page=2)
    assert "p59@acme.test" in second and "p00@acme.test" not in second
    searched = people_page(client, q="person", page=2)
    assert "q=person&amp;page=1" in searched
    assert "Page 2 of 2" in people_page(client, page=999)  # out of range: the last page


# --- editing -------------------------------------------------------------------------------


def test_comms_change_a_persons_name_team_and_role(alice, bob, acme):
    sales = Team.objects.create(org=acme, name="Sales")
    client = as_(alice)
    assert (
        "Edit Bob de Vries"
        in client.get(f"/comms/people/{membership(bob, acme).pk}/edit/").content.decode()
    )
    response = client.post(
        f"/comms/people/{membership(bob, acme).pk}/edit/",
        {"name": "Bob Jansen", "team": sales.pk, "role": "comms", "next": "/comms/people/?q=bob"},
    )
    assert response["Location"] == "/comms/people/?q=bob"
    m = membership(bob, acme)
    assert (m.user.name, m.team, m.role) == ("Bob Jansen", sales, "comms")
    page = people_page(client, q="bob")
    assert "Saved Bob Jansen (bob@acme.test): team Sales, role Communications." in page


def test_a_team_of_another_organisation_cannot_be_chosen(alice, bob, acme, other_org):
    theirs = Team.objects.create(org=other_org, name="Their team")
    before = membership(bob, acme).team
    response = as_(alice).post(
        f"/comms/people/{membership(bob, acme).pk}/edit/",
        {"name": "Bob", "team": theirs.pk, "role": "employee"},
    )
    assert response.status_code == 400
    assert membership(bob, acme).team == before


def test_the_name_of_someone_who_is_also_elsewhere_stays_theirs(alice, bob, acme, other_org):
    Membership.objects.create(user=bob, org=other_org)
    client = as_(alice)
    url = f"/comms/people/{membership(bob, acme).pk}/edit/"
    assert "only they can change their name" in client.get(url).content.decode()
    client.post(url, {"name": "Someone Else", "team": "", "role": "employee"})
    bob.refresh_from_db()
    assert bob.name == "Bob de Vries"
    assert membership(bob, acme).team is None  # the rest of the change is saved


def test_comms_cannot_make_anyone_administrator(alice, bob, acme):
    response = as_(alice).post(
        f"/comms/people/{membership(bob, acme).pk}/edit/",
        {"name": "Bob de Vries", "team": "", "role": "admin"},
    )
    assert response.status_code == 400
    assert membership(bob, acme).role == Role.EMPLOYEE


def test_comms_cannot_change_an_administrator(alice, dana, acme):
    client = as_(alice)
    response = client.post(
        f"/comms/people/{membership(dana, acme).pk}/edit/",
        {"name": "Dana", "team": "", "role": "admin"},
    )
    assert response.status_code == 400
    assert "Only an administrator" in response.content.decode()
    client.post(f"/comms/people/{membership(dana, acme).pk}/deactivate/")
    assert membership(dana, acme).is_active


def test_the_last_administrator_cannot_be_demoted_deactivated_or_removed(dana, acme):
    client = as_(dana)
    mine = membership(dana, acme)
    response = client.post(
        f"/comms/people/{mine.pk}/edit/", {"name": "Dana Admin", "team": "", "role": "comms"}
    )
    assert response.status_code == 400
    assert "is the only active administrator of Acme" in response.content.decode()
    assert membership(dana, acme).role == Role.ADMIN
    # With a second administrator she may step down.
    _person(acme, "erik@acme.test", "Erik", role="admin")
    client.post(
        f"/comms/people/{mine.pk}/edit/", {"name": "Dana Admin", "team": "", "role": "comms"}
    )
    assert membership(dana, acme).role == Role.COMMS


def test_the_only_active_administrator_is_protected_from_everyone(dana, acme):
    erik = membership(_person(acme, "erik@acme.test", "Erik", role="admin"), acme)
    dana_m = membership(dana, acme)
    as_(erik.user).post(f"/comms/people/{dana_m.pk}/deactivate/")  # two admins: allowed
    dana_m.refresh_from_db()
    assert not dana_m.is_active
    # Erik is now the only active administrator: nobody may take him down (the services check
    # it whoever asks, also behind the pages' own rules).
    for attempt in (
        lambda: services.set_member_active(org=acme, membership=erik, by=dana_m, active=False),
        lambda: services.remove_member(org=acme, membership=erik, by=dana_m),
        lambda: services.update_member(
            org=acme, membership=erik, by=dana_m, name=None, team=None, role=Role.COMMS
        ),
    ):
        with (
            translation.override("en"),
            pytest.raises(services.PeopleError, match="only active administrator"),
        ):
            attempt()
    erik.refresh_from_db()
    assert (erik.role, erik.is_active) == (Role.ADMIN, True)


# --- deactivating and reactivating ---------------------------------------------------------


def test_a_deactivated_member_cannot_use_the_organisation_and_is_left_out(alice, bob, acme):
    assumptions = impact.reach_settings_for(acme).assumptions()
    people_before = impact.reach_for(acme, assumptions).people
    comms = as_(alice)
    response = comms.post(f"/comms/people/{membership(bob, acme).pk}/deactivate/")
    assert response.status_code == 302
    page = people_page(comms)
    assert "Bob de Vries (bob@acme.test) is deactivated" in page
    assert "Deactivated" in page and "Reactivate" in page
    # Bob can't use Acme any more.
    assert as_(bob).get("/").status_code == 403
    # Left out of the counts, the reach and the digest.
    assert impact.reach_for(acme, assumptions).people == people_before - 1
    assert membership(bob, acme).pk not in {
        pk for chunk in digests.digest_chunks(acme) for pk in chunk
    }

    as_(alice).post(f"/comms/people/{membership(bob, acme).pk}/reactivate/")
    assert membership(bob, acme).is_active
    assert as_(bob).get("/").status_code == 200
    assert impact.reach_for(acme, assumptions).people == people_before


def test_nobody_deactivates_or_removes_themselves(alice, acme):
    client = as_(alice)
    mine = membership(alice, acme)
    client.post(f"/comms/people/{mine.pk}/deactivate/")
    client.post(f"/comms/people/{mine.pk}/remove/")
    assert membership(alice, acme).is_active


def test_deactivating_needs_a_post(alice, bob, acme):
    assert (
        as_(alice).get(f"/comms/people/{membership(bob, acme).pk}/deactivate/").status_code == 405
    )
    assert membership(bob, acme).is_active


# --- removing ------------------------------------------------------------------------------


def test_removing_asks_first_then_keeps_their_shares_in_the_totals(alice, bob, acme, make_moment):
    moment = make_moment()
    sharing.record_share(moment=moment, user=bob, text="Proud of it", post_url="")
    before = impact.dashboard(acme, impact.reach_settings_for(acme).assumptions()).shares
    Invitation.objects.create(org=acme, email="bob@acme.test")
    client = as_(alice)
    url = f"/comms/people/{membership(bob, acme).pk}/remove/"

    confirm = client.get(url).content.decode()
    assert "Remove Bob de Vries from Acme?" in confirm
    assert "stay in the organisation's totals" in confirm
    assert membership(bob, acme)  # asking changed nothing

    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(user=bob, org=acme).exists()
    assert not Invitation.objects.filter(org=acme, email="bob@acme.test").exists()
    bob.refresh_from_db()  # the account itself stays
    assert Share.objects.filter(org=acme).count() == 1
    after = impact.dashboard(acme, impact.reach_settings_for(acme).assumptions()).shares
    assert after == before
    page = people_page(client)
    assert "Bob de Vries (bob@acme.test) is no longer a member of Acme" in page
    assert "<td>bob@acme.test</td>" not in page
    assert as_(bob).get("/").status_code == 403


# --- attacks -------------------------------------------------------------------------------


def test_comms_of_another_organisation_reach_none_of_acmes_people(oscar, alice, bob, acme):
    client = as_(oscar)
    assert "bob@acme.test" not in people_page(client, q="bob")
    target = membership(bob, acme).pk
    assert client.get(f"/comms/people/{target}/edit/").status_code == 404
    assert (
        client.post(
            f"/comms/people/{target}/edit/", {"name": "Pwned", "team": "", "role": "admin"}
        ).status_code
        == 404
    )
    assert client.post(f"/comms/people/{target}/deactivate/").status_code == 404
    assert client.post(f"/comms/people/{target}/reactivate/").status_code == 404
    assert client.get(f"/comms/people/{target}/remove/").status_code == 404
    assert client.post(f"/comms/people/{target}/remove/").status_code == 404
    m = membership(bob, acme)
    bob.refresh_from_db()
    assert (bob.name, m.role, m.is_active) == ("Bob de Vries", "employee", True)


def test_an_employee_reaches_none_of_these_pages(bob, carol, acme):
    client = as_(bob)
    target = membership(carol, acme).pk
    assert client.get("/comms/people/").status_code == 403
    assert client.get("/comms/people/", {"q": "carol"}).status_code == 403
    assert client.get(f"/comms/people/{target}/edit/").status_code == 403
    assert client.post(f"/comms/people/{target}/deactivate/").status_code == 403
    assert client.post(f"/comms/people/{target}/reactivate/").status_code == 403
    assert client.post(f"/comms/people/{target}/remove/").status_code == 403
    assert membership(carol, acme).is_active


def test_the_people_page_reads_in_dutch(alice, bob, acme):
    # Needs the compiled Dutch catalogue (merged after this change).
    alice.profile.language = "nl"
    alice.profile.save()
    page = people_page(as_(alice), q="bob")
    assert "Zoek op naam of e-mailadres" in page
    assert "Deactiveren" in page
