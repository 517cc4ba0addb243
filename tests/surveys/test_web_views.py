"""Surveys in the app: the anonymous link, resuming, closing, the comms screens, tenancy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from zichtbaar.surveys import services
from zichtbaar.surveys.models import ImportBatch, Response, Survey, SurveyInvitation

ALL_BLOCKS = list(services.BLOCKS)


@pytest.fixture
def survey(acme):
    s = services.create_survey(
        acme, title_en="Sharing about our work", title_nl="Delen over ons werk", blocks=ALL_BLOCKS
    )
    services.set_status(s, Survey.Status.OPEN)
    return s


def _url(survey, page=None, **params):
    url = reverse("surveys:take", args=[survey.token])
    query = "&".join(f"{k}={v}" for k, v in ({"page": page} | params).items() if v is not None)
    return f"{url}?{query}" if query else url


def _fill(client, survey, pages=None):
    """Answer every page (the first option of every radio, every barrier ticked)."""
    total = len(survey.blocks)
    for page in pages or range(1, total + 1):
        block = survey.blocks[page - 1]
        data = {"page": page, "action": "next"}
        for item in block["items"]:
            if item["scale"] == "chosen":
                data[item["id"]] = "on"
            elif item["scale"] == "text":
                data[item["id"]] = "Nothing to add"
            elif item["scale"] == "team":
                data[item["id"]] = (
                    survey.instrument["teams"][0] if survey.instrument["teams"] else ""
                )
            elif item["id"] == "willing_yes":
                data[item["id"]] = "1"
            else:
                data[item["id"]] = "4" if item["scale"] != "semantic7" else "6"
        resp = client.post(_url(survey), data)
        assert resp.status_code == 302, resp.content[:500]
    return resp


def test_instrument_is_a_frozen_copy_of_the_bank(acme):
    s = services.create_survey(acme, title_en="T", title_nl="", blocks=["engagement"])
    keys = [b["key"] for b in s.blocks]
    assert keys == ["willingness", "engagement"]  # willingness is always included
    ids = [i["id"] for b in s.blocks for i in b["items"]]
    assert "willing_likert" in ids and "eng_vig1" in ids and "brand_good" not in ids
    assert s.instrument["bank_version"] == 1
    assert s.title_nl == "T"
    assert "agree5" in s.instrument["response_scales"]


def test_the_anonymous_link_needs_no_login_and_starts_in_the_orgs_language(client, survey):
    resp = client.get(_url(survey))
    assert resp.status_code == 200
    assert resp["Content-Language"] == "nl"
    assert "Delen over ons werk" in resp.content.decode()
    resp = client.get(_url(survey, page=1, lang="en"))
    body = resp.content.decode()
    assert "Page 1 of 7" in body
    assert "<legend>I am willing to share posts about my employer on LinkedIn.</legend>" in body
    assert 'type="radio"' in body and "<fieldset" in body


def test_a_full_response_stores_no_person_and_no_address(client, survey, bob):
    client.force_login(bob)  # even signed in, the survey does not know who answers
    resp = _fill(client, survey)
    assert resp.status_code == 302
    r = Response.objects.get()
    assert r.completed and r.resume_hash == ""
    assert r.answers["willing_likert"] == 4 and r.answers["barrier_relevance"] == 1
    assert r.answers["comment"] == "Nothing to add"
    names = {f.name for f in Response._meta.get_fields()}
    # where it came from (link or import, and which import) says nothing about who answered
    assert names == {
        "id",
        "survey",
        "created",
        "completed",
        "answers",
        "page",
        "resume_hash",
        "source",
        "import_batch",
    }
    assert r.source == Response.Source.LINK and r.import_batch is None
    batch_fields = {f.name for f in ImportBatch._meta.get_fields()}
    assert batch_fields == {"id", "survey", "created_at", "responses"}  # no file, no uploader
    assert isinstance(r.created, dt.date) and not isinstance(r.created, dt.datetime)
    stored = str(r.answers)
    for trace in ("127.0.0.1", bob.email, "Bob"):
        assert trace not in stored
    # after sending: thank you, and no second response from this browser
    done = client.get(_url(survey))
    page = done.content.decode()
    assert "Thank you" in page or "Dank je wel" in page


def test_save_and_continue_resumes_from_the_cookie(client, survey):
    client.get(_url(survey, lang="en"))
    resp = client.post(_url(survey), {"page": 1, "willing_likert": "5", "action": "next"})
    assert resp.status_code == 302 and resp["Location"].endswith("?page=2")
    resp = client.post(_url(survey), {"page": 2, "barrier_time": "on", "action": "save"})
    assert "Your answers are saved" in resp.content.decode()
    r = Response.objects.get()
    assert not r.completed and r.page == 2 and r.answers["barrier_time"] == 1
    assert r.resume_hash and r.resume_hash not in str(client.cookies)  # only a hash is stored
    # back later: continue where you left off, with the answers filled in
    intro = client.get(_url(survey)).content.decode()
    assert "Continue where you left off (page 3)" in intro
    page1 = client.get(_url(survey, page=1)).content.decode()
    assert re.search(r'value="5"[^>]*checked', page1)
    # another browser does not see it
    from django.test import Client

    other = Client()
    assert "Continue where you left off" not in other.get(_url(survey, lang="en")).content.decode()
    # the rest, then the response is complete and is the same one
    _fill(client, survey, pages=range(3, len(survey.blocks) + 1))
    assert Response.objects.count() == 1
    assert Response.objects.get().completed


def test_a_tampered_cookie_is_ignored(client, survey):
    client.cookies[f"zs{survey.pk}"] = "forged:value"
    resp = client.get(_url(survey, lang="en"))
    assert resp.status_code == 200 and "Start" in resp.content.decode()


def test_a_closed_survey_refuses_kindly(client, survey):
    survey.closes_at = timezone.now() - dt.timedelta(minutes=1)
    survey.save()
    resp = client.get(_url(survey, page=1, lang="en"))
    assert resp.status_code == 200 and "This survey is closed" in resp.content.decode()
    resp = client.post(_url(survey), {"page": 1, "willing_likert": "5", "action": "next"})
    assert "This survey is closed" in resp.content.decode()
    assert not Response.objects.exists()
    services.set_status(survey, Survey.Status.CLOSED)
    assert "This survey is closed" in client.get(_url(survey)).content.decode()


def test_a_draft_or_unknown_survey_is_404(client, acme):
    draft = services.create_survey(acme, title_en="Draft", title_nl="Concept", blocks=[])
    assert client.get(_url(draft)).status_code == 404
    assert client.get("/s/nope/").status_code == 404


def test_invitations_are_single_use_and_not_linked(client, survey):
    survey.invitation_only = True
    survey.save()
    tokens = services.create_invitations(survey, 2)
    assert not SurveyInvitation.objects.filter(token_hash__in=tokens).exists()  # hashes only
    assert client.get(_url(survey, lang="en")).status_code == 403
    assert client.get(_url(survey, page=1, i="wrong")).status_code == 403
    assert client.get(_url(survey, page=1, i=tokens[0])).status_code == 200
    _fill(client, survey)
    assert SurveyInvitation.objects.filter(used=True).count() == 1
    inv_fields = {f.name for f in SurveyInvitation._meta.get_fields()}
    assert inv_fields == {"id", "survey", "token_hash", "used"}
    from django.test import Client

    again = Client()
    assert again.get(_url(survey, page=1, i=tokens[0])).status_code == 403
    assert again.get(_url(survey, page=1, i=tokens[1])).status_code == 200


# --------------------------------------------------------------------------- comms


def test_comms_creates_opens_and_closes_a_survey(login, alice):
    client = login(alice)
    assert client.get(reverse("surveys:create")).status_code == 200
    resp = client.post(
        reverse("surveys:create"),
        {"title_en": "Our study", "title_nl": "Ons onderzoek", "blocks": ["engagement"]},
    )
    s = Survey.objects.get()
    assert resp["Location"] == reverse("surveys:detail", args=[s.pk])
    assert s.status == Survey.Status.DRAFT and s.org == alice.memberships.get().org
    detail = client.get(resp["Location"]).content.decode()
    assert s.token in detail
    client.post(reverse("surveys:status", args=[s.pk]), {"to": "open"})
    s.refresh_from_db()
    assert s.status == Survey.Status.OPEN
    listing = client.get(reverse("surveys:list")).content.decode()
    assert "Our study" in listing
    client.post(reverse("surveys:status", args=[s.pk]), {"to": "closed"})
    s.refresh_from_db()
    assert s.status == Survey.Status.CLOSED


def test_employees_cannot_use_the_comms_screens(login, bob, survey):
    client = login(bob)
    assert client.get(reverse("surveys:list")).status_code == 403
    assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == 403
    page = client.get(reverse("surveys:open")).content.decode()
    assert survey.token in page


def test_another_orgs_survey_is_404(login, alice, other_org):
    theirs = services.create_survey(other_org, title_en="Theirs", title_nl="", blocks=[])
    client = login(alice)
    for name in ("detail", "report"):
        assert client.get(reverse(f"surveys:{name}", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("surveys:download", args=[theirs.pk, "pdf"])).status_code == 404
    assert (
        client.post(reverse("surveys:status", args=[theirs.pk]), {"to": "open"}).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == Survey.Status.DRAFT
    assert "Theirs" not in client.get(reverse("surveys:list")).content.decode()


def test_a_report_with_fewer_than_five_responses_shows_no_numbers(client, login, alice, survey):
    for _ in range(4):
        from django.test import Client

        _fill(Client(), survey)
    services.set_status(survey, Survey.Status.CLOSED)
    c = login(alice)
    resp = c.get(reverse("surveys:report", args=[survey.pk]))
    assert resp.status_code == 409
    assert "fewer than 5 completed responses" in resp.content.decode()
    assert c.get(reverse("surveys:download", args=[survey.pk, "pdf"])).status_code == 409


def test_an_open_survey_has_no_report_yet(login, alice, survey):
    resp = login(alice).get(reverse("surveys:report", args=[survey.pk]))
    assert resp.status_code == 409 and "once the survey is closed" in resp.content.decode()


def test_invitation_links_download_once(login, alice, survey):
    resp = login(alice).post(reverse("surveys:invitations", args=[survey.pk]), {"count": 3})
    lines = resp.content.decode().strip().splitlines()
    assert len(lines) == 4 and all("?i=" in line for line in lines[1:])
    assert SurveyInvitation.objects.filter(survey=survey).count() == 3


def test_the_language_switch_is_remembered_and_no_session_is_made(client, survey):
    resp = client.get(_url(survey, page=1, lang="en"))
    assert resp.cookies["zs_lang"].value == "en"
    assert "sessionid" not in resp.cookies
    again = client.get(_url(survey, page=1)).content.decode()
    assert "Page 1 of 7" in again and '<html lang="en">' in again
    dutch = client.get(_url(survey, page=1, lang="nl")).content.decode()
    assert "Pagina" in dutch or "Page 1 of 7" in dutch  # the lead translates the chrome
    assert "Ik ben bereid om berichten over mijn werkgever op LinkedIn te delen." in dutch
    resp = client.post(_url(survey), {"page": 1, "willing_likert": "5", "action": "next"})
    assert "sessionid" not in resp.cookies


def test_the_anonymous_link_follows_the_browsers_language(client, survey):
    resp = client.get(_url(survey), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert resp["Content-Language"] == "en"
    assert "Sharing about our work" in resp.content.decode()
    # A language we don't have: the organisation's.
    resp = client.get(_url(survey), HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert resp["Content-Language"] == "nl"
