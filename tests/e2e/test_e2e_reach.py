"""Reach, honestly, in a real browser and in both languages: a newcomer who doesn't know their
number of connections is encouraged (never told "0 to 0"), and the sum stays within reality.

The Dutch halves pass once the Dutch catalogue is compiled (after the merge of /tmp/po)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

LANGS = {
    "en": {
        "step2": "Step 2 of 3",
        "dont_know": "I don't know",
        "next": "Next",
        "done": "Show me my moments",
        "reach": "Your reach",
        "grows": "Your reach grows with every connection.",
        "typical": "A colleague with a typical network of about 500 connections reaches an "
        "estimated 25 to 40 people with one post. That is an estimate, not your own figure.",
        "add": "Add your number of connections",
        "empty": "Fill in a number, or tick “I don't know”.",
    },
    "nl": {
        "step2": "Stap 2 van 3",
        "dont_know": "Weet ik niet",
        "next": "Volgende",
        "done": None,  # the last button, found by its class
        "reach": "Jouw bereik",
        "grows": "Je bereik groeit met elke connectie.",
        "typical": "Een collega met een doorsnee netwerk van zo'n 500 connecties bereikt met één "
        "bericht naar schatting 25 tot 40 mensen. Dat is een schatting, niet jouw eigen cijfer.",
        "add": "Vul je aantal connecties in",
        "empty": "Vul een getal in, of vink “Weet ik niet” aan.",
    },
}


def _newcomer(org, email: str, language: str):  # noqa: ANN001, ANN202
    from zichtbaar.orgs.services import PersonData, mark_email_verified, upsert_person

    membership, _ = upsert_person(
        org, PersonData(email=email, name="Nieuw Iemand", team="Engineering", language=language)
    )
    user = membership.user
    user.set_password(PASSWORD)
    user.save()
    mark_email_verified(user)
    return user


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_doubtful_newcomer_says_i_dont_know_and_is_encouraged(
    acme, lang, new_page, site, sign_in, screenshot
):
    t = LANGS[lang]
    user = _newcomer(acme, f"doubt-{lang}@acme.test", lang)
    page = new_page()
    sign_in(page, user.email)
    expect(page).to_have_url(f"{site}/welcome/1/")
    page.locator(f'input[name="language"][value="{lang}"]').check()
    page.locator('button[type="submit"].primary').click()

    expect(page).to_have_url(f"{site}/welcome/2/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("progressbar", name=t["step2"])).to_be_visible()
    # An empty answer is not a 0: it asks for a number or "I don't know".
    page.get_by_role("button", name=t["next"]).click()
    expect(page.get_by_text(t["empty"])).to_be_visible()
    screenshot(page, f"{lang}-network-empty")
    page.get_by_label(t["dont_know"], exact=True).check()
    screenshot(page, f"{lang}-network-dont-know")
    page.get_by_role("button", name=t["next"]).click()

    expect(page).to_have_url(f"{site}/welcome/3/")
    page.locator('input[name="barrier"][value="value"]').check()  # "my post doesn't matter"
    page.locator('button[type="submit"].primary').click()

    expect(page).to_have_url(f"{site}/")
    reach = page.locator("section.reach")
    expect(reach.get_by_role("heading", name=t["reach"])).to_be_visible()
    expect(reach).to_contain_text(t["grows"])
    expect(reach).to_contain_text(t["typical"])
    expect(reach.get_by_role("link", name=t["add"])).to_be_visible()
    expect(reach).not_to_contain_text("0 to 0")
    expect(reach).not_to_contain_text("0 tot 0")
    screenshot(page, f"{lang}-home-encouraged")
    user.profile.refresh_from_db()
    assert user.profile.connections == 0 and user.profile.barrier == "value"


SUM = {
    "en": {
        "people": "People",
        "connections": "Average connections per person",
        "capped": "1,000,000,000",
        "cap_note": "Capped at 1,000,000,000: more than that is more people than LinkedIn has "
        "members.",
        "views": "50,000,000–80,000,000",
        "source": "LinkedIn: more than 1 billion members worldwide (November 2023).",
        "default_source": "LinkedIn (2016): employees have on average",
        "zero": "The sum needs at least 1 person",
    },
    "nl": {
        "people": "Mensen",
        "connections": "Gemiddeld aantal connecties per persoon",
        "capped": "1.000.000.000",
        "cap_note": "Begrensd op 1.000.000.000: meer zou meer mensen zijn dan LinkedIn leden "
        "heeft.",
        "views": "50.000.000–80.000.000",
        "source": "LinkedIn: wereldwijd meer dan 1 miljard leden (november 2023).",
        "default_source": "LinkedIn (2016): medewerkers hebben gemiddeld",
        "zero": "De som heeft minstens 1 persoon nodig",
    },
}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_sum_stays_within_reality_in_both_languages(
    alice, bob, carol, lang, new_page, site, sign_in, screenshot
):
    t = SUM[lang]
    person = carol if lang == "en" else bob  # carol reads English, bob Dutch
    page = new_page()
    sign_in(page, person.email)
    page.goto(f"{site}/impact/sum/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    result = page.locator("#sum-result")

    # Live (htmx): a million colleagues with LinkedIn's maximum of connections each.
    page.get_by_label(t["people"], exact=True).fill("1000000")
    with page.expect_response(lambda r: "connections=30000" in r.url, timeout=30_000):
        page.get_by_label(t["connections"], exact=True).fill("30000")
    expect(result.locator(".number strong").first).to_have_text(t["capped"])
    expect(result).to_contain_text(t["cap_note"])
    expect(result).to_contain_text(t["views"])
    expect(result).not_to_contain_text("21,000,009,000")
    expect(result).not_to_contain_text("21.000.009.000")
    result.locator("details.assumptions summary").click()
    expect(result).to_contain_text(t["source"])
    expect(result).to_contain_text(t["default_source"])
    screenshot(page, f"{lang}-capped")

    # 0 people: the message is on the people field, and the form stays as typed.
    with page.expect_response(lambda r: "people=0" in r.url, timeout=30_000):
        page.get_by_label(t["people"], exact=True).fill("0")
    expect(page.locator("#id_people_error")).to_contain_text(t["zero"])
    expect(page.get_by_label(t["people"], exact=True)).to_have_value("0")
    screenshot(page, f"{lang}-zero-people")

    # Without JavaScript the same page, the same honest figure.
    plain = new_page(java_script_enabled=False)
    sign_in(plain, person.email)
    plain.goto(f"{site}/impact/sum/?people=1000000&connections=30000")
    expect(plain.locator("#sum-result .number strong").first).to_have_text(t["capped"])
    screenshot(plain, f"{lang}-no-js")
