"""The trainer's and the participant's pages: roles, organisations, the room in counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zichtbaar.orgs.models import Membership
from zichtbaar.workshops import services
from zichtbaar.workshops.models import Participant, Step, Workshop

pytestmark = pytest.mark.django_db


def test_a_trainer_creates_a_workshop_with_a_code(login, trainer, acme):
    client = login(trainer)
    response = client.post(
        reverse("workshops:list"), {"title": "Kick-off", "held_on": "2026-12-10"}
    )
    workshop = Workshop.objects.get(org=acme)
    assert response.status_code == 302
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", workshop.code)
    page = client.get(reverse("workshops:detail", args=[workshop.pk]))
    assert workshop.code in page.content.decode()


def test_a_workshop_needs_a_title_and_a_date(login, trainer):
    response = login(trainer).post(reverse("workshops:list"), {"title": "", "held_on": ""})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"title", "held_on"}


def test_employees_cannot_run_workshops(login, bob, workshop):
    client = login(bob)
    assert client.get(reverse("workshops:list")).status_code == 403
    assert client.get(reverse("workshops:present", args=[workshop.pk])).status_code == 403


def test_a_trainer_of_another_organisation_sees_nothing(login, other_org, workshop):
    from tests.conftest import _person

    stranger = _person(other_org, "eve@other.test", "Eve", role="trainer")
    client = login(stranger)
    for name in ("detail", "present", "present_live", "report", "report_xlsx", "report_pdf"):
        assert client.get(reverse(f"workshops:{name}", args=[workshop.pk])).status_code == 404
    for name in ("step", "close", "choose_moment"):
        assert (
            client.post(reverse(f"workshops:{name}", args=[workshop.pk]), {"step": 2}).status_code
            == 404
        )
    workshop.refresh_from_db()
    assert workshop.step == Step.WELCOME and workshop.closed_at is None
    assert client.get(reverse("workshops:list")).context["workshops"].count() == 0


def test_someone_of_another_organisation_cannot_join_by_code(login, mallory, workshop):
    client = login(mallory)
    response = client.post(reverse("workshops:join", args=[workshop.code]))
    assert response.status_code == 403
    assert not Participant.objects.exists()


def test_joining_asks_to_sign_in_first(client, workshop):
    response = client.get(reverse("workshops:join", args=[workshop.code]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_typed_code_finds_the_workshop(client, workshop):
    typed = f" {workshop.code[:3].lower()}-{workshop.code[3:]} "
    response = client.get(reverse("workshops:enter_code"), {"code": typed})
    assert response["Location"] == reverse("workshops:join", args=[workshop.code])
    wrong = client.get(
        reverse("workshops:enter_code"), {"code": "ZZZZZZ"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert wrong.status_code == 400
    assert "No open workshop has this code" in wrong.content.decode()
    dutch = client.get(
        reverse("workshops:enter_code"), {"code": "ZZZZZZ"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert "Geen open workshop met deze code" in dutch.content.decode()


def _join(client, workshop, user):
    client.force_login(user)
    client.post(reverse("workshops:join", args=[workshop.code]))
    return Participant.objects.get(workshop=workshop, membership__user=user)


def test_the_poll_is_hidden_until_five_answered_and_shows_no_names(
    client, login, trainer, workshop, people
):
    services.go_to_step(workshop, Step.POLL)
    for person in people[:4]:
        _join(client, workshop, person)
        client.post(reverse("workshops:answer", args=[workshop.code, "poll"]), {"barrier": "value"})
    presenter = login(trainer)
    live = presenter.get(reverse("workshops:present_live", args=[workshop.pk])).content.decode()
    assert "4 answers so far" in live
    assert 'data-poll="value"' not in live
    _join(client, workshop, people[4])
    client.post(
        reverse("workshops:answer", args=[workshop.code, "poll"]), {"barrier": "permission"}
    )
    presenter = login(trainer)
    live = presenter.get(reverse("workshops:present_live", args=[workshop.pk])).content.decode()
    assert re.search(r'data-poll="value">4<', live)
    assert re.search(r'data-poll="permission">1<', live)
    for person in people:
        assert person.email not in live and person.name not in live


def test_the_barrier_goes_to_the_profile_only_with_consent(client, workshop, people):
    services.go_to_step(workshop, Step.POLL)
    first, second = people[0], people[1]
    _join(client, workshop, first)
    client.post(reverse("workshops:answer", args=[workshop.code, "poll"]), {"barrier": "value"})
    _join(client, workshop, second)
    client.post(
        reverse("workshops:answer", args=[workshop.code, "poll"]),
        {"barrier": "permission", "keep": "on"},
    )
    first.profile.refresh_from_db()
    second.profile.refresh_from_db()
    assert first.profile.barrier == "relevance"  # unchanged (the fixture's)
    assert second.profile.barrier == "permission"


def test_the_live_part_answers_204_while_nothing_changed(login, trainer, workshop):
    client = login(trainer)
    url = reverse("workshops:present_live", args=[workshop.pk])
    first = client.get(url)
    version = re.search(r"\?v=([^\"&]+)", first.content.decode()).group(1)
    assert client.get(url, {"v": version}).status_code == 204
    services.go_to_step(workshop, Step.SUM)
    assert client.get(url, {"v": version}).status_code == 200


def test_the_room_sum_counts_known_numbers_and_says_who_did_not_know(
    client, login, trainer, workshop, people
):
    services.go_to_step(workshop, Step.SUM)
    for person, n in zip(people[:3], (500, 300, 200), strict=True):
        _join(client, workshop, person)
        client.post(
            reverse("workshops:answer", args=[workshop.code, "connections"]), {"connections": n}
        )
    _join(client, workshop, people[3])
    client.post(reverse("workshops:answer", args=[workshop.code, "connections"]), {"unknown": "on"})
    _join(client, workshop, people[4])
    bad = client.post(reverse("workshops:answer", args=[workshop.code, "connections"]), {})
    assert bad.status_code == 400
    assert bad.context["connections_form"].errors["connections"]
    live = (
        login(trainer).get(reverse("workshops:present_live", args=[workshop.pk])).content.decode()
    )
    assert "We 3 have 1,000 connections" in live
    assert "1 person didn't know their number" in live


def test_the_phone_follows_the_trainer(client, workshop, people):
    _join(client, workshop, people[0])
    url = reverse("workshops:phone_step", args=[workshop.code])
    assert client.get(url, {"s": "0"}).status_code == 204
    services.go_to_step(workshop, Step.POLL)
    response = client.get(url, {"s": "0"})
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_write_my_post_counts_as_writing_and_opens_the_compose_page(
    client, workshop, people, make_moment
):
    moment = make_moment()
    services.choose_moment(workshop, moment.pk)
    services.go_to_step(workshop, Step.FIRST_POST)
    participant = _join(client, workshop, people[0])
    response = client.post(reverse("workshops:answer", args=[workshop.code, "write"]))
    assert response["Location"] == reverse("compose:moment", args=[moment.pk])
    participant.refresh_from_db()
    assert participant.writing_at is not None


def test_closing_plans_three_follow_ups_each(login, trainer, client, workshop, people):
    for person in people[:2]:
        _join(client, workshop, person)
    login(trainer).post(reverse("workshops:close", args=[workshop.pk]))
    workshop.refresh_from_db()
    assert workshop.closed_at is not None
    weeks = sorted(workshop.participants.values_list("followups__week", flat=True))
    assert weeks == [1, 1, 2, 2, 4, 4]
    # A closed workshop takes nobody new.
    client.force_login(people[5])
    client.post(reverse("workshops:join", args=[workshop.code]))
    assert not Participant.objects.filter(membership__user=people[5]).exists()


def test_trainer_is_a_role_comms_can_grant(acme, trainer):
    assert Membership.objects.get(user=trainer, org=acme).get_role_display() == "Trainer"


def test_invited_colleagues_get_one_invitation_in_their_language(login, trainer, bob, carol):
    from zichtbaar.nudges.models import Kind, Message

    client = login(trainer)
    response = client.post(
        reverse("workshops:list"),
        {
            "title": "Kick-off",
            "held_on": "2026-12-10",
            "invite_text": "bob@acme.test,\nCAROL@acme.test; bob@acme.test",
        },
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get(title="Kick-off")
    assert set(workshop.invited.values_list("user__email", flat=True)) == {
        "bob@acme.test",
        "carol@acme.test",
    }
    invitations = {m.to: m for m in Message.objects.filter(kind=Kind.WORKSHOP)}
    assert set(invitations) == {"bob@acme.test", "carol@acme.test"}
    assert workshop.code in invitations["carol@acme.test"].body_text
    assert "10 December 2026" in invitations["carol@acme.test"].subject
    assert "10 december 2026" in invitations["bob@acme.test"].subject  # Bob reads Dutch
    services.invite(workshop, list(workshop.invited.all()))  # again: nothing twice
    assert Message.objects.filter(kind=Kind.WORKSHOP).count() == 2


def test_only_colleagues_can_be_invited(login, trainer, mallory):
    response = login(trainer).post(
        reverse("workshops:list"),
        {"title": "Kick-off", "held_on": "2026-12-10", "invite_text": "mallory@other.test"},
    )
    assert response.status_code == 400
    assert "invite_text" in response.context["form"].errors
    assert not Workshop.objects.exists()


def test_what_i_answered_in_a_workshop_is_in_my_own_export(client, workshop, people):
    from zichtbaar.privacy.selectors import personal_data

    services.go_to_step(workshop, Step.POLL)
    participant = _join(client, workshop, people[0])
    services.answer_poll(participant, "value", keep_on_profile=False)
    services.give_connections(participant, 420)
    data = personal_data(people[0])
    assert data["workshops"] == [
        {
            "organisation": "Acme",
            "workshop": "LinkedIn for Engineering",
            "date": workshop.held_on,
            "joined": participant.joined_at,
            "barrier": "value",
            "connections": 420,
            "guideline_read": None,
            "started_writing": None,
            "next_moment_kind": None,
            "follow_ups_off": False,
        }
    ]
    assert personal_data(people[1])["workshops"] == []
