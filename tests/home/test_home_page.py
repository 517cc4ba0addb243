"""The employee home page: who gets sent to onboarding, which moments show, in what order."""

from __future__ import annotations

from zichtbaar.moments.models import MomentStatus
from zichtbaar.orgs.models import Team


def test_home_redirects_to_onboarding_until_done(login, bob):
    bob.profile.onboarded_at = None
    bob.profile.save()
    response = login(bob).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/welcome/1/"


def test_onboarding_three_steps_decide_the_home_screen(login, bob):
    bob.profile.onboarded_at = None
    bob.profile.save()
    client = login(bob)
    assert client.post("/welcome/1/", {"language": "en"})["Location"] == "/welcome/2/"
    assert (
        client.post(
            "/welcome/2/", {"connections": "640", "followers": "300", "job_title": "Engineer"}
        )["Location"]
        == "/welcome/3/"
    )
    assert (
        client.post("/welcome/3/", {"barrier": "value", "consent_tracking": "on"})["Location"]
        == "/"
    )
    page = client.get("/").content.decode()
    assert "Your reach" in page and "640" in page
    bob.profile.refresh_from_db()
    assert (
        bob.profile.language == "en" and bob.profile.consent_tracking and bob.profile.onboarded_at
    )


def test_home_lists_moments_for_my_audience_only(login, bob, carol, make_moment, acme):
    sales = Team.objects.get(org=acme, name="Sales")
    for_sales = make_moment(title="Sales kickoff", teams=[sales])
    for_all = make_moment(title="Moment for everyone")
    make_moment(title="Still a draft", status=MomentStatus.DRAFT)
    page_bob = login(bob).get("/").content.decode()
    assert (
        for_all.title in page_bob
        and for_sales.title not in page_bob
        and "Still a draft" not in page_bob
    )
    page_carol = login(carol).get("/").content.decode()
    assert for_sales.title in page_carol
    # moments for my own team come first
    assert page_carol.index("Sales kickoff") < page_carol.index("Moment for everyone")
