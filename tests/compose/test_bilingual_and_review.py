"""Moments in two languages, who was involved, hashtags from the moment, and the check comms see
before a moment is published."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from zichtbaar.compose import selectors
from zichtbaar.moments.forms import MomentForm, parse_tags
from zichtbaar.moments.models import Moment, MomentStatus, MomentType
from zichtbaar.orgs.models import Team

ENGLISH = {
    "title": "New website for the city library",
    "what_happened": "We delivered the new website after six months of work.",
    "facts_who": "team Engineering",
    "facts_what": "",
    "facts_where": "",
}


def _dutch_moment(make_moment, **fields):
    return make_moment(
        title="Nieuwe website voor de bibliotheek",
        what_happened="Na zes maanden werk leverden we de nieuwe website op.",
        facts_who="team Engineering",
        language="nl",
        **fields,
    )


def _form_data(**extra):
    data = {
        "type": MomentType.objects.get(org=None, key="project_delivery").pk,
        "title": "Nieuwe website voor de bibliotheek",
        "what_happened": "Na zes maanden werk leverden we de nieuwe website op.",
        "happened_on": "2026-11-30",
        "audience_everyone": "on",
        "link": "https://acme.test/cases/library",
    }
    data.update(extra)
    return data


# --- languages ------------------------------------------------------------------------------


def test_a_person_gets_the_moment_and_drafts_in_their_language_when_it_has_it(
    make_moment, carol, bob, login
):
    moment = _dutch_moment(make_moment, translations={"en": ENGLISH})
    carol_ms = carol.memberships.get()
    assert selectors.draft_context(moment, carol_ms, moment.link).language == "en"
    assert selectors.draft_context(moment, carol_ms, moment.link).title == ENGLISH["title"]
    assert selectors.draft_context(moment, bob.memberships.get(), moment.link).language == "nl"

    page = login(carol).get(reverse("compose:moment", args=[moment.pk])).content.decode()
    assert "New website for the city library" in page
    assert "Nieuwe website voor de bibliotheek" not in page
    assert "in Dutch only" not in page


def test_without_their_language_everything_is_in_the_moments_language_and_says_so(
    make_moment, carol, login
):
    moment = _dutch_moment(make_moment)
    context = selectors.draft_context(moment, carol.memberships.get(), moment.link)
    assert (context.language, context.title) == ("nl", "Nieuwe website voor de bibliotheek")

    page = login(carol).get(reverse("compose:moment", args=[moment.pk])).content.decode()
    assert "This moment is in Dutch only, and so are its drafts." in page
    home = login(carol).get("/").content.decode()
    assert "Nieuwe website voor de bibliotheek" in home
    assert "in Dutch only" in home


def test_half_a_translation_is_no_translation(make_moment):
    moment = _dutch_moment(make_moment, translations={"en": {"title": "Only a title"}})
    assert moment.languages == ["nl"]
    assert moment.text("en").title == "Nieuwe website voor de bibliotheek"


def test_the_form_wants_title_and_text_of_the_other_language_together(acme):
    form = MomentForm(data=_form_data(other_title="New website"), org=acme)
    assert not form.is_valid()
    assert "other_what_happened" in form.errors
    assert "other_title" not in form.errors

    form = MomentForm(
        data=_form_data(other_title="New website", other_what_happened="We delivered it."),
        org=acme,
    )
    assert form.is_valid(), form.errors
    data = form.moment_data()
    assert data["language"] == "nl"  # the organisation's default language
    assert data["translations"]["en"]["title"] == "New website"
    # Labels say which language a field is in.
    assert "(Dutch)" in str(form.fields["title"].label)
    assert "(English)" in str(form.fields["other_title"].label)


# --- involvement ----------------------------------------------------------------------------


def test_only_people_of_an_involved_team_get_insider_drafts(acme, make_moment, bob, carol):
    engineering = Team.objects.get(org=acme, name="Engineering")
    moment = make_moment()
    moment.involved_teams.set([engineering])
    moment = Moment.objects.get(pk=moment.pk)
    bob_ctx = selectors.draft_context(moment, bob.memberships.get(), moment.link)
    carol_ctx = selectors.draft_context(moment, carol.memberships.get(), moment.link)
    assert bob_ctx.involved and not carol_ctx.involved
    assert carol_ctx.involved_teams == ("Engineering",)


def test_a_person_named_as_involved_is_involved_whatever_their_team(make_moment, carol):
    moment = make_moment()
    moment.involved_people.set([carol])
    assert selectors.draft_context(moment, carol.memberships.get(), moment.link).involved


# --- hashtags -------------------------------------------------------------------------------


def test_tags_are_parsed_and_capped():
    assert parse_tags("#Cloud, azure  #WerkenBij #cloud") == ["Cloud", "azure", "WerkenBij"]
    with translation.override("en"):
        with pytest.raises(ValidationError, match="At most 5"):
            parse_tags("a b c d e f")
        with pytest.raises(ValidationError, match="can't be a hashtag"):
            parse_tags("#no<script>")
    with translation.override("nl"), pytest.raises(ValidationError, match="Hoogstens 5"):
        parse_tags("a b c d e f")


def test_the_moments_tags_lead_the_drafts_hashtags(make_moment, bob):
    moment = make_moment(tags=["Bibliotheek", "Toegankelijkheid"])
    [draft] = selectors.drafts_for(moment, bob.memberships.get(), moment.link, count=1)
    assert draft.hashtags[:2] == ("#Bibliotheek", "#Toegankelijkheid")


# --- the check before publishing ------------------------------------------------------------


@pytest.fixture
def secret_client(acme):
    from zichtbaar.guideline import services

    services.import_clients(acme, "name,may_be_named\nZorgverzekeraar Lindeboom,no\n")
    return "Zorgverzekeraar Lindeboom"


def test_comms_see_a_client_who_may_not_be_named_and_cannot_publish(
    acme, alice, login, secret_client
):
    client = login(alice)
    data = _form_data(
        what_happened="We migrated 38 applications for Zorgverzekeraar Lindeboom to Azure.",
        publish="1",
    )
    response = client.post(reverse("compose:comms_new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Change this before publishing" in page
    assert "Zorgverzekeraar Lindeboom" in page
    assert not Moment.objects.filter(org=acme).exists()  # nothing stored, nothing lost: the form

    # Saving (not publishing) keeps it as a draft with the finding on its page.
    data.pop("publish")
    response = client.post(reverse("compose:comms_new"), data, follow=True)
    moment = Moment.objects.get(org=acme)
    assert moment.status == MomentStatus.DRAFT
    assert "Change this before publishing" in response.content.decode()
    # The publish action refuses as well.
    client.post(reverse("compose:comms_action", args=[moment.pk, "publish"]))
    moment.refresh_from_db()
    assert moment.status == MomentStatus.DRAFT


def test_a_clean_moment_is_published_from_the_form(acme, alice, login):
    response = login(alice).post(reverse("compose:comms_new"), _form_data(publish="1"))
    assert response.status_code == 302
    assert Moment.objects.get(org=acme).status == MomentStatus.PUBLISHED


def test_a_suggestions_note_to_comms_never_reaches_a_draft(acme, alice, bob, carol, login):
    note = "Kunnen we dit ook extern laten zien? De klant vond het goed."
    response = login(bob).post(
        reverse("moments:submit"), _form_data(note_to_comms=note, i_was_involved="on")
    )
    assert response.status_code == 302
    moment = Moment.objects.get(org=acme)
    assert moment.note_to_comms == note and note not in moment.what_happened
    assert list(moment.involved_people.all()) == [bob]

    comms = login(alice)
    detail = comms.get(reverse("compose:comms_detail", args=[moment.pk])).content.decode()
    assert "Kunnen we dit ook extern laten zien?" in detail  # comms read it
    edited = _form_data(
        what_happened="Na zes maanden werk staat de nieuwe website live.", approve="1"
    )
    response = comms.post(reverse("compose:comms_edit", args=[moment.pk]), edited)
    assert response.status_code == 302
    moment.refresh_from_db()
    assert moment.status == MomentStatus.PUBLISHED
    assert moment.what_happened == "Na zes maanden werk staat de nieuwe website live."

    for person in (bob, carol):
        for draft in selectors.drafts_for(moment, person.memberships.get(), moment.link, 4):
            assert "extern laten zien" not in draft.text
    page = login(carol).get(reverse("compose:moment", args=[moment.pk])).content.decode()
    assert "extern laten zien" not in page


def test_comms_of_another_organisation_cannot_open_or_publish_a_moment(make_moment, mallory, login):
    from zichtbaar.orgs.models import Role

    mallory.memberships.update(role=Role.COMMS)
    moment = make_moment(status=MomentStatus.DRAFT)
    client = login(mallory)
    assert client.get(reverse("compose:comms_detail", args=[moment.pk])).status_code == 404
    assert client.get(reverse("compose:comms_edit", args=[moment.pk])).status_code == 404
    client.post(reverse("compose:comms_action", args=[moment.pk, "publish"]))
    moment.refresh_from_db()
    assert moment.status == MomentStatus.DRAFT


# --- zichtbaar drafts -----------------------------------------------------------------------


def test_the_drafts_command_shows_what_a_person_is_offered_with_the_verdict(
    acme, make_moment, carol
):
    moment = _dutch_moment(make_moment, translations={"en": ENGLISH})
    out = StringIO()
    call_command("drafts", "--org", "acme", "--person", "carol@acme.test", "--json", stdout=out)
    [item] = json.loads(out.getvalue())
    assert item["moment_id"] == moment.pk
    assert item["language"] == "en"
    assert len(item["drafts"]) == 4
    assert {d["language"] for d in item["drafts"]} == {"en"}
    assert all(d["verdict"] in ("go", "tips") for d in item["drafts"])

    text = StringIO()
    call_command("drafts", "--org", "acme", "--person", "carol@acme.test", stdout=text)
    assert "New website for the city library" in text.getvalue()

    with pytest.raises(CommandError, match="no member"):
        call_command("drafts", "--org", "acme", "--person", "nobody@acme.test")
    with pytest.raises(CommandError):
        call_command("drafts", "--org", "acme", "--person", "carol@acme.test", "--moment", "999")


def test_comms_name_people_involved_by_address_only_from_their_own_organisation(
    acme, alice, bob, carol, mallory, login
):
    client = login(alice)
    response = client.post(
        reverse("compose:comms_new"),
        _form_data(involved_people_text="CAROL@acme.test, mallory@other.test"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["involved_people_text"]
    assert "mallory@other.test" in errors[0] and "carol" not in errors[0].casefold()
    assert not Moment.objects.filter(org=acme).exists()

    response = client.post(
        reverse("compose:comms_new"), _form_data(involved_people_text="CAROL@acme.test")
    )
    assert response.status_code == 302
    moment = Moment.objects.get(org=acme)
    assert list(moment.involved_people.all()) == [carol]
    assert selectors.draft_context(moment, carol.memberships.get(), moment.link).involved
    assert not selectors.draft_context(moment, bob.memberships.get(), moment.link).involved
    page = client.get(reverse("compose:comms_edit", args=[moment.pk])).content.decode()
    assert "carol@acme.test" in page


def test_a_published_moment_cannot_be_saved_with_a_blocking_finding(
    acme, alice, login, make_moment, secret_client
):
    moment = make_moment()  # published
    response = login(alice).post(
        reverse("compose:comms_edit", args=[moment.pk]),
        _form_data(what_happened="Live for Zorgverzekeraar Lindeboom since Monday."),
    )
    assert response.status_code == 400
    assert "Change this before publishing" in response.content.decode()
    moment.refresh_from_db()
    assert "Lindeboom" not in moment.what_happened  # colleagues' drafts are unchanged


@pytest.mark.parametrize("stored", [[], {"en": "x"}, {"en": None}, "garbage"])
def test_translations_of_an_odd_shape_never_break_a_page(make_moment, carol, alice, login, stored):
    moment = make_moment(translations=stored, tags="notalist")
    assert moment.languages == ["nl"]
    assert moment.text("en").language == "nl"
    assert moment.hashtags() == []
    assert login(carol).get("/").status_code == 200
    assert login(carol).get(reverse("compose:moment", args=[moment.pk])).status_code == 200
    assert login(alice).get(reverse("compose:comms_edit", args=[moment.pk])).status_code == 200


def test_resubmitting_keeps_the_people_comms_named(acme, bob, carol, login):
    login(bob).post(reverse("moments:submit"), _form_data(i_was_involved="on"))
    moment = Moment.objects.get(org=acme)
    moment.involved_people.add(carol)  # comms named carol while reviewing
    moment.status = MomentStatus.DRAFT
    moment.save()
    response = login(bob).post(
        reverse("moments:edit_submission", args=[moment.pk]), _form_data()
    )  # bob unticks "I was involved myself"
    assert response.status_code == 302
    assert list(moment.involved_people.all()) == [carol]
