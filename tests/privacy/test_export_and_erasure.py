"""A person takes their data with them, or deletes their account; the totals stay true.

Bob (Acme) shares a moment and people click his link; Carol, his colleague, shares the same
moment. Mallory, of another organisation, must never be able to erase Bob.
"""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.test import Client

from zichtbaar.impact import selectors as impact
from zichtbaar.impact import services as rollup
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Membership, Profile, User
from zichtbaar.sharing import services as sharing
from zichtbaar.sharing.models import Click, ClickDaily, Share, TrackedLink
from zichtbaar.surveys.models import Response, Survey

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
BOT = "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"


def share_with_clicks(user, moment, text, clicks=0, bots=0):
    link = sharing.get_or_create_link(moment, user)
    assert link is not None
    sharing.record_share(moment=moment, user=user, text=text, post_url="https://linkedin.test/p/1")
    for i in range(clicks):
        sharing.record_click(link.pk, f"198.51.100.{i}", CHROME)
    for i in range(bots):
        sharing.record_click(link.pk, f"203.0.113.{i}", BOT)
    return link


def totals(org):
    db = impact.dashboard(org, impact.reach_settings_for(org).assumptions())
    return db.shares, db.clicks


def erase(client, email):
    return client.post("/privacy/delete/", {"email": email})


@pytest.fixture
def story(acme, alice, bob, carol, make_moment):
    moment = make_moment()
    bob_link = share_with_clicks(
        bob, moment, "Proud of the library site, Bob here", clicks=3, bots=2
    )
    carol_link = share_with_clicks(carol, moment, "Carol's very own words", clicks=1)
    carol.profile.job_title = "Carol's secret title"
    carol.profile.save()
    rollup.rollup_clicks()
    return {"moment": moment, "bob_link": bob_link, "carol_link": carol_link}


# --- export ---------------------------------------------------------------------------------


def test_the_export_holds_their_profile_and_shares_and_nothing_of_a_colleague(
    login, bob, carol, acme, story
):
    survey = Survey.objects.create(org=acme, title_en="Pulse", title_nl="Pols")
    Response.objects.create(survey=survey, completed=True, answers={"q1": "an-anonymous-answer"})
    client = login(bob)

    response = client.get("/privacy/my-data.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="zichtbaar-my-data-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == "bob@acme.test"
    assert data["profile"]["job_title"] == "consultant"
    assert data["profile"]["linkedin_connections"] == 400
    assert [m["organisation"] for m in data["memberships"]] == ["Acme"]
    assert data["memberships"][0]["team"] == "Engineering"
    assert [s["text"] for s in data["shares"]] == ["Proud of the library site, Bob here"]
    assert [(link["code"], link["clicks"]) for link in data["tracked_links"]] == [
        (story["bob_link"].code, 3)  # people only: the two bots are not clicks
    ]
    raw = response.content.decode()
    for colleague in (
        "carol@acme.test",
        "Carol Smith",
        "Carol's very own words",
        "Carol's secret title",
        story["carol_link"].code,
        "alice@acme.test",
        "an-anonymous-answer",  # survey answers are anonymous: never part of anyone's data
    ):
        assert colleague not in raw


def test_the_readable_page_shows_the_same_in_words(login, bob, story):
    client = login(bob)
    response = client.get("/privacy/my-data/", HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Proud of the library site, Bob here" in html
    assert "bob@acme.test" in html
    assert "Engineering" in html
    assert "Medewerker" in html  # the role in words, in Bob's language (Dutch)
    assert "Carol" not in html


def test_the_privacy_page_is_linked_from_the_settings_and_offers_both(login, bob, story):
    client = login(bob)
    assert 'href="/privacy/"' in client.get("/me/").content.decode()
    html = client.get("/privacy/").content.decode()
    assert 'href="/privacy/my-data.json"' in html
    assert 'href="/privacy/my-data/"' in html
    assert 'href="/privacy/delete/"' in html


# --- erasure --------------------------------------------------------------------------------


def test_erasure_removes_the_account_and_keeps_the_dashboard_totals(login, bob, acme, story):
    before = totals(acme)
    assert before == (2, 4)
    client = login(bob)
    assert client.get("/privacy/delete/").status_code == 200

    response = erase(client, "Bob@Acme.test ")

    assert response.status_code == 302
    assert response["Location"] == "/privacy/deleted/"
    assert not User.objects.filter(email="bob@acme.test").exists()
    assert not Profile.objects.filter(user_id=bob.pk).exists()
    assert not Membership.objects.filter(user_id=bob.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact="bob@acme.test").exists()
    # Signed out, with a confirmation.
    page = client.get("/privacy/deleted/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Je account is verwijderd" in page.content.decode()  # still in Bob's own language
    assert client.get("/privacy/")["Location"].startswith("/accounts/login/")
    # The organisation's figures are what they were; the share and clicks have no name now.
    assert totals(acme) == before
    share = Share.objects.get(link=story["bob_link"])
    assert (share.user_id, share.text, share.post_url) == (None, "", "")
    assert ClickDaily.objects.get(link=story["bob_link"]).user_id is None
    assert Click.objects.filter(link=story["bob_link"], is_bot=False).count() == 3


def test_the_link_in_their_public_post_keeps_redirecting_without_counting(login, bob, story):
    link = story["bob_link"]
    erase(login(bob), bob.email)

    response = Client().get(f"/l/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302
    assert response["Location"] == TrackedLink.objects.get(pk=link.pk).destination
    assert response["Location"].startswith("https://acme.test/cases/library?ref=site&utm_")
    # Nobody consents to counting any more (docs/decisions.md): the 3 clicks stay, no new ones.
    assert Click.objects.filter(link=link).count() == 5


def test_a_cached_link_stops_counting_as_soon_as_its_person_is_erased(
    login, bob, story, settings, django_capture_on_commit_callbacks
):
    settings.ZICHTBAAR_LINK_CACHE = True
    link = story["bob_link"]
    visitor = Client()
    visitor.get(f"/l/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="192.0.2.7")  # cached
    assert Click.objects.filter(link=link).count() == 6

    with django_capture_on_commit_callbacks(execute=True):
        erase(login(bob), bob.email)
    response = visitor.get(f"/l/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 302
    assert Click.objects.filter(link=link).count() == 6


def test_clicks_not_yet_summed_when_they_left_still_count(login, bob, acme, story):
    for i in range(4):
        sharing.record_click(story["bob_link"].pk, f"192.0.2.{i}", CHROME)
    erase(login(bob), bob.email)

    rollup.rollup_clicks()

    assert totals(acme) == (2, 8)


def test_moments_they_wrote_stay_with_the_organisation_without_their_name(
    login, alice, bob, make_moment
):
    moment = make_moment(title="Client visit in Utrecht")  # written by Alice
    assert moment.created_by_id == alice.pk

    erase(login(alice), alice.email)

    moment = Moment.objects.get(pk=moment.pk)
    assert moment.title == "Client visit in Utrecht"
    assert moment.created_by_id is None


def test_they_are_signed_out_on_every_device(bob, story):
    laptop, phone = Client(), Client()
    laptop.force_login(bob)
    phone.force_login(bob)
    assert Session.objects.count() == 2

    erase(laptop, bob.email)

    assert phone.get("/privacy/")["Location"].startswith("/accounts/login/")
    assert Session.objects.count() == 0


# --- who may erase, and how -------------------------------------------------------------------


@pytest.mark.parametrize("typed", [None, "", "someone@else.test", "bob@acme"])
def test_nothing_is_deleted_without_typing_their_own_address(login, bob, story, typed):
    client = login(bob)
    data = {} if typed is None else {"email": typed}

    response = client.post("/privacy/delete/", data)

    assert response.status_code == 400
    assert User.objects.filter(pk=bob.pk).exists()
    assert Share.objects.filter(user=bob).count() == 1
    assert client.get("/privacy/").status_code == 200  # still signed in


def test_opening_the_delete_page_deletes_nothing(login, bob, story):
    client = login(bob)
    response = client.get("/privacy/delete/?email=bob@acme.test")
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()
    assert User.objects.filter(pk=bob.pk).exists()


def test_another_person_cannot_erase_someone_else(login, bob, mallory, story):
    client = login(mallory)

    response = erase(client, bob.email)

    assert response.status_code == 400
    assert User.objects.filter(pk=bob.pk).exists()
    assert User.objects.filter(pk=mallory.pk).exists()
    assert Share.objects.filter(user=bob).count() == 1


def test_erasure_needs_the_forms_csrf_token(bob, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)

    response = client.post("/privacy/delete/", {"email": bob.email})

    assert response.status_code == 403
    assert User.objects.filter(pk=bob.pk).exists()


@pytest.mark.parametrize(
    "url", ["/privacy/", "/privacy/my-data.json", "/privacy/my-data/", "/privacy/delete/"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, bob, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    response = client.post("/privacy/delete/", {"email": bob.email})
    assert response["Location"].startswith("/accounts/login/")
    assert User.objects.filter(pk=bob.pk).exists()


def test_an_admin_deleting_the_account_keeps_clicks_and_the_link(bob, acme, story):
    link = story["bob_link"]
    before = totals(acme)

    User.objects.get(pk=bob.pk).delete()  # what the admin's delete does

    assert totals(acme) == before
    assert Click.objects.filter(link=link).count() == 5
    response = Client().get(f"/l/{link.code}", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 302
