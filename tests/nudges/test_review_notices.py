"""Review outcomes are heard: comms are told of a new suggestion, the colleague who suggested it
hears when it is published or returned (with the comment), once, and only as they allow."""

from __future__ import annotations

from django.urls import reverse

from tests.nudges.conftest import always_open
from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.nudges import preferences
from zichtbaar.orgs.models import Membership


def _suggest(client):
    return client.post(
        reverse("moments:submit"),
        {
            "type": MomentType.objects.get(org=None, key="project_delivery").pk,
            "title": "Nieuwe build-pipeline",
            "what_happened": "Builds duren nu vier minuten in plaats van twintig.",
            "happened_on": "2026-11-30",
            "note_to_comms": "Mag dit naar buiten?",
        },
    )


def _to(inbox, address):
    return [m for m in inbox.messages if m["To"] == address]


def test_both_ways_once_each(
    smtp_inbox, acme, alice, bob, carol, login, django_capture_on_commit_callbacks
):
    always_open(alice, bob, carol)
    with django_capture_on_commit_callbacks(execute=True):
        assert _suggest(login(bob)).status_code == 302
    moment = Moment.objects.get(org=acme)
    [to_comms] = _to(smtp_inbox, alice.email)
    # Alice reads English: the notice is hers, quoting the Dutch title.
    assert str(to_comms["Subject"]) == "A colleague suggested a moment: Nieuwe build-pipeline"
    body = to_comms.get_body(preferencelist=("plain",)).get_content()
    assert f"/comms/moments/{moment.pk}/" in body
    assert not _to(smtp_inbox, carol.email)  # employees aren't told of others' suggestions
    assert not _to(smtp_inbox, bob.email)

    comms = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        comms.post(
            reverse("compose:comms_action", args=[moment.pk, "return"]),
            {"comment": "Welke klant was dit? Dan vraag ik toestemming."},
        )
    [returned] = _to(smtp_inbox, bob.email)
    text = returned.get_body(preferencelist=("plain",)).get_content()
    assert "Welke klant was dit? Dan vraag ik toestemming." in text
    assert f"/moments/mine/{moment.pk}/edit/" in text

    # Bob sends it again: comms hear of it again (a new event), then approve it.
    with django_capture_on_commit_callbacks(execute=True):
        again = login(bob).post(
            reverse("moments:edit_submission", args=[moment.pk]),
            {
                "type": moment.type_id,
                "title": moment.title,
                "what_happened": moment.what_happened,
                "happened_on": "2026-11-30",
            },
        )
    assert again.status_code == 302, again.context["form"].errors
    assert len(_to(smtp_inbox, alice.email)) == 2
    comms = login(alice)  # one test client: signing in as bob signed alice out
    with django_capture_on_commit_callbacks(execute=True):
        approved = comms.post(
            reverse("compose:comms_action", args=[moment.pk, "approve"]), follow=True
        )
        comms.post(reverse("compose:comms_action", args=[moment.pk, "approve"]))  # a double click
    assert "Approved and published." in approved.content.decode()
    to_bob = _to(smtp_inbox, bob.email)
    assert len(to_bob) == 2
    assert f"/moments/{moment.pk}/" in to_bob[-1].get_body(preferencelist=("plain",)).get_content()


def test_no_review_mail_for_someone_who_turned_it_off(
    smtp_inbox, acme, alice, bob, login, django_capture_on_commit_callbacks
):
    always_open(alice, bob)
    pref = preferences.preference_for(Membership.objects.get(user=alice))
    pref.review_updates = False
    pref.save()
    with django_capture_on_commit_callbacks(execute=True):
        _suggest(login(bob))
    assert not _to(smtp_inbox, alice.email)


def test_comms_of_another_organisation_hear_nothing(
    smtp_inbox, acme, bob, mallory, login, django_capture_on_commit_callbacks
):
    from zichtbaar.orgs.models import Role

    Membership.objects.filter(user=mallory).update(role=Role.COMMS)
    always_open(bob, mallory)
    with django_capture_on_commit_callbacks(execute=True):
        _suggest(login(bob))
    assert not _to(smtp_inbox, mallory.email)
