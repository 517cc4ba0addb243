"""Behaviour fixed after an independent review: consent, invitations, races, stale links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zichtbaar.moments import services as moment_services
from zichtbaar.moments.models import MomentStatus
from zichtbaar.orgs.models import Invitation, Membership
from zichtbaar.orgs.services import PersonData, upsert_person
from zichtbaar.sharing.models import Click, Share, TrackedLink

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0"


def test_withdrawn_consent_stops_counting_at_once(login, carol, make_moment, client):
    moment = make_moment()
    login(carol).get(f"/moments/{moment.pk}/")
    code = TrackedLink.objects.get(user=carol).code
    client.get(f"/l/{code}", HTTP_USER_AGENT=BROWSER)
    assert Click.objects.count() == 1
    me = login(carol)
    profile = carol.profile
    data = {
        "language": "en",
        "job_title": "",
        "connections": profile.connections,
        "followers": 0,
        "barrier": "value",
        "expertise_text": "",
    }  # consent_tracking unticked
    assert me.post("/me/", data).status_code == 302
    client.logout()
    response = client.get(f"/l/{code}", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302  # people still get where they were going
    assert Click.objects.count() == 1


def test_one_organisations_import_does_not_rewrite_a_person_of_another(acme, other_org, mallory):
    # Mallory accepted Acme's invitation (an import alone would only invite her).
    upsert_person(
        acme,
        PersonData(email=mallory.email, name="Renamed", language="nl", connections=5),
        consented=True,
    )
    mallory.refresh_from_db()
    assert mallory.name == "Mallory" and mallory.profile.language == "en"
    assert mallory.profile.connections != 5
    assert Membership.objects.filter(user=mallory, org=acme).exists()


def test_invitations_expire_and_never_reset_an_existing_password(client, alice, acme, bob):
    old = Invitation.objects.create(org=acme, email="late@acme.test")
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert client.get(f"/invite/{old.token}/").status_code == 404
    # bob already has an account: joining keeps his password and role.
    Membership.objects.filter(user=bob, org=acme).update(role="admin")
    invitation = Invitation.objects.create(org=acme, email=bob.email, role="employee")
    page = client.get(f"/invite/{invitation.token}/").content.decode()
    assert "Choose a password" not in page
    assert "/accounts/login/?next=" in page  # he joins once signed in as himself
    response = client.post(
        f"/invite/{invitation.token}/", {"name": "X", "password": "something-new-123"}
    )
    assert response.status_code == 403
    client.force_login(bob)
    assert client.post(f"/invite/{invitation.token}/").status_code == 302
    bob.refresh_from_db()
    from tests.conftest import PASSWORD

    assert bob.check_password(PASSWORD)
    assert Membership.objects.get(user=bob, org=acme).role == "admin"


def test_approve_after_a_return_changes_nothing(make_moment, bob):
    moment = make_moment(status=MomentStatus.SUBMITTED, submitted_by=bob)
    stale = type(moment).objects.get(pk=moment.pk)
    moment_services.return_to_submitter(moment, "Please add a date.")
    with pytest.raises(moment_services.TransitionError):
        moment_services.approve(stale)
    moment.refresh_from_db()
    assert moment.status == MomentStatus.DRAFT and moment.review_comment == "Please add a date."


def test_tracked_links_follow_a_corrected_moment_link(
    login, carol, make_moment, client, django_capture_on_commit_callbacks
):
    moment = make_moment(link="https://acme.test/typo")
    login(carol).get(f"/moments/{moment.pk}/")
    code = TrackedLink.objects.get(user=carol).code
    assert client.get(f"/l/{code}", HTTP_USER_AGENT=BROWSER)["Location"].startswith(
        "https://acme.test/typo?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        moment_services.update_moment(moment, {"link": "https://acme.test/fixed"})
    assert client.get(f"/l/{code}", HTTP_USER_AGENT=BROWSER)["Location"].startswith(
        "https://acme.test/fixed?"
    )


def test_an_embargoed_moment_cannot_be_recorded_as_shared(login, carol, make_moment):
    moment = make_moment(shareable_from=timezone.now() + timedelta(days=3))
    response = login(carol).post(f"/moments/{moment.pk}/shared/", {"text": "Hi"})
    assert response.status_code == 400
    assert not Share.objects.exists()
