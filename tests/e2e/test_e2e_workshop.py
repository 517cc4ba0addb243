"""A workshop, live: a presenter and six participants in their own browsers at once.

Joining by code, the poll appearing on the projector once five answered, the room's sum
growing, a first post shared and counted (never named), follow-ups planned at the end.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.conftest import _person

BARRIERS = ["value", "value", "permission", "relevance", "value", "none"]


def test_a_live_workshop_with_six_participants(
    acme, alice, make_moment, site, new_page, sign_in, screenshot
):
    from zichtbaar.orgs.models import Team
    from zichtbaar.workshops import services
    from zichtbaar.workshops.models import Followup, Participant, Step

    trainer = _person(acme, "tess@trainers.test", "Tess Trainer", role="trainer", language="en")
    people = [
        _person(acme, f"eng{i}@acme.test", f"Engineer {i}", team="Engineering", language="en")
        for i in range(6)
    ]
    moment = make_moment(title="We opened our new office in Utrecht")
    workshop = services.create_workshop(
        acme,
        trainer.pk,
        title="LinkedIn for Engineering",
        held_on=dt.date.today(),
        teams=list(Team.objects.filter(org=acme, name="Engineering")),
    )

    presenter = new_page(viewport={"width": 1440, "height": 900})
    sign_in(presenter, trainer.email)
    presenter.goto(f"{site}/workshops/")
    presenter.get_by_role("link", name="LinkedIn for Engineering").click()
    presenter.get_by_role("combobox", name="Moment").select_option(str(moment.pk))
    presenter.get_by_role("button", name="Use this moment").click()
    expect(presenter.get_by_role("status")).to_contain_text("The moment for the first post is set.")
    presenter.goto(f"{site}/workshops/{workshop.pk}/present/")
    expect(presenter.locator(".presenter-head .code")).to_have_text(workshop.code)
    expect(presenter.locator(".qr svg")).to_be_visible()

    phones = []
    for person in people:
        phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        sign_in(phone, person.email)
        phone.goto(f"{site}/w/")
        phone.get_by_label("Workshop code").fill(workshop.code.lower())
        phone.get_by_role("button", name="Join").click()
        phone.get_by_role("button", name="Join the workshop").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Welcome")
        phones.append(phone)
    expect(presenter.locator('[data-figure="joined"]')).to_have_text("6")
    screenshot(presenter, "joined")

    # 1. The poll: results only once five have answered, live on the projector.
    presenter.get_by_role("button", name="Next").click()
    for i, (phone, barrier) in enumerate(zip(phones, BARRIERS, strict=True)):
        expect(phone.get_by_role("heading", level=1)).to_have_text("What holds you back?")
        phone.locator(f'input[name="barrier"][value="{barrier}"]').check()
        phone.get_by_role("button", name="Answer").click()
        expect(phone.get_by_role("status")).to_contain_text("your answer is in")
        if i == 3:
            expect(presenter.locator(".presenter-live")).to_contain_text("4 answers so far")
            expect(presenter.locator("[data-poll]")).to_have_count(0)
    expect(presenter.locator('[data-poll="value"]')).to_have_text("3")
    expect(presenter.locator('[data-poll="none"]')).to_have_text("1")
    screenshot(presenter, "poll")
    screenshot(phones[0], "phone-poll")

    # 2. The room's sum grows as people add their connections.
    presenter.get_by_role("button", name="Next").click()
    for i, phone in enumerate(phones):
        expect(phone.get_by_role("heading", level=1)).to_have_text("The room's sum")
        if i == 5:
            phone.get_by_label("I don't know").check()
        else:
            phone.get_by_label("How many LinkedIn connections do you have?").fill(
                str(300 + 100 * i)
            )
        phone.get_by_role("button", name="Add me to the sum").click()
        expect(phone.get_by_role("status")).to_contain_text("You're in the sum")
        if i == 1:
            expect(presenter.locator('[data-figure="sum"]')).to_contain_text(
                "We 2 have 700 connections"
            )
    expect(presenter.locator('[data-figure="sum"]')).to_contain_text("We 5 have 2,500 connections")
    expect(presenter.locator(".presenter-live")).to_contain_text("1 person didn't know")
    screenshot(presenter, "sum")

    # 3. Yes, you may.  4. The first post: counted as writing, then as shared.
    presenter.get_by_role("button", name="Next").click()
    presenter.get_by_role("button", name="Next").click()
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Your first post")
    writer = phones[0]
    expect(writer.get_by_role("heading", level=1)).to_have_text("Your first post")
    writer.get_by_role("button", name="Write my post").click()
    expect(writer).to_have_url(re.compile(rf"/moments/{moment.pk}/"))
    expect(presenter.locator('[data-figure="writing"]')).to_have_text("1")
    writer.locator("details.shared summary").click()
    writer.get_by_role("button", name="Record my share").click()
    expect(presenter.locator('[data-figure="shared"]')).to_have_text("1")
    live = presenter.locator(".presenter-live").inner_text()
    assert all(p.email not in live and p.name not in live for p in people)
    screenshot(presenter, "first-post")

    # 5. My next moment, privately.
    presenter.get_by_role("button", name="Next").click()
    phone = phones[1]
    expect(phone.get_by_role("heading", level=1)).to_have_text("My next moment")
    phone.locator('input[name="next_type"]').first.check()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_role("status")).to_contain_text("Saved:")
    expect(presenter.locator('[data-figure="next"]')).to_contain_text("1 person has picked one")

    # 6. Closing plans the follow-ups.
    presenter.goto(f"{site}/workshops/{workshop.pk}/")
    presenter.get_by_role("button", name="Close the workshop").click()
    expect(presenter.get_by_role("status")).to_contain_text("gentle follow-up")
    assert Participant.objects.filter(workshop=workshop).count() == 6
    assert Followup.objects.filter(participant__workshop=workshop).count() == 18
    workshop.refresh_from_db()
    assert workshop.step == Step.DONE
