"""Each resource of /api/v1/, through the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.sharing.models import Share

PROBLEM = "application/problem+json"


# --- moments ----------------------------------------------------------------------------------


def test_a_person_lists_what_their_home_shows(api, bob_token, carol, make_moment, acme):
    from zichtbaar.orgs.models import Team

    mine = make_moment(title="For everyone")
    make_moment(title="A draft", status=MomentStatus.DRAFT)
    sales = Team.objects.get(org=acme, name="Sales")
    make_moment(title="For Sales only", teams=[sales])
    body = api.get("/moments", bob_token).json()
    assert [m["title"] for m in body["items"]] == ["For everyone"]
    assert body["items"][0]["id"] == mine.pk and body["items"][0]["type"] == "project_delivery"
    assert api.get(f"/moments/{mine.pk}", bob_token).json()["title"] == "For everyone"


def test_comms_list_every_moment_by_status(api, alice_token, make_moment):
    make_moment(title="Live")
    make_moment(title="A draft", status=MomentStatus.DRAFT)
    everything = api.get("/moments", alice_token).json()
    assert {m["title"] for m in everything["items"]} == {"Live", "A draft"}
    drafts = api.get("/moments", alice_token, status="draft").json()
    assert [m["title"] for m in drafts["items"]] == ["A draft"]


def _new_moment(**extra):
    return {
        "type": "project_delivery",
        "title": "Migrated the payroll system",
        "what_happened": "Our team moved the payroll system to the cloud in one weekend.",
        "tags": ["#cloud", "payroll"],
        **extra,
    }


def test_a_personal_token_suggests_a_moment_for_comms_to_review(api, bob, bob_token):
    r = api.post("/moments", bob_token, _new_moment())
    assert r.status_code == 201, r.content
    moment = Moment.objects.get(pk=r.json()["id"])
    assert moment.status == MomentStatus.SUBMITTED and moment.submitted_by == bob
    assert moment.tags == ["cloud", "payroll"]


def test_comms_create_a_draft_and_publish_it_after_the_check(api, alice_token):
    r = api.post("/moments", alice_token, _new_moment())
    assert r.status_code == 201 and r.json()["status"] == "draft"
    r = api.post(f"/moments/{r.json()['id']}/publish", alice_token)
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert r.json()["published_at"]
    again = api.post(f"/moments/{r.json()['id']}/publish", alice_token)
    assert again.status_code == 409 and again["Content-Type"] == PROBLEM


def test_an_organisation_token_creates_drafts(api, org_token, alice):
    r = api.post("/moments", org_token, _new_moment())
    assert r.status_code == 201
    moment = Moment.objects.get(pk=r.json()["id"])
    # The moment names the person who created the token as its author.
    assert moment.status == MomentStatus.DRAFT and moment.created_by == alice


def test_publishing_is_refused_while_the_check_finds_a_client_who_may_not_be_named(
    api, acme, alice_token
):
    from zichtbaar.guideline import services

    services.import_clients(acme, "name,may_be_named\nZorgverzekeraar Lindeboom,no\n")
    r = api.post(
        "/moments",
        alice_token,
        _new_moment(what_happened="We migrated 38 applications for Zorgverzekeraar Lindeboom."),
    )
    moment_id = r.json()["id"]
    r = api.post(f"/moments/{moment_id}/publish", alice_token)
    assert r.status_code == 409 and r["Content-Type"] == PROBLEM
    body = r.json()
    assert body["type"] == "urn:zichtbaar:problem:not-publishable"
    assert any(f["excerpt"] == "Zorgverzekeraar Lindeboom" for f in body["findings"])
    assert Moment.objects.get(pk=moment_id).status == MomentStatus.DRAFT


def test_approving_a_suggestion_through_the_api(api, bob, bob_token, alice_token):
    moment_id = api.post("/moments", bob_token, _new_moment()).json()["id"]
    # bob may not publish his own suggestion
    r = api.post(f"/moments/{moment_id}/publish", bob_token)
    assert r.status_code in (403, 404)
    assert api.post(f"/moments/{moment_id}/publish", alice_token).status_code == 200
    assert Moment.objects.get(pk=moment_id).status == MomentStatus.PUBLISHED


def test_invalid_moments_are_refused_per_field(api, alice_token):
    r = api.post("/moments", alice_token, _new_moment(type="nonsense", title=""))
    assert r.status_code == 422
    assert "title" in r.json()["errors"]
    r = api.post("/moments", alice_token, _new_moment(type="nonsense"))
    assert r.json()["errors"] == {"type": ["There is no moment type with this key."]}
    r = api.post("/moments", alice_token, _new_moment(link="not a link"))
    assert r.status_code == 422 and "link" in r.json()["errors"]
    assert not Moment.objects.exists()


# --- drafts -----------------------------------------------------------------------------------


def test_drafts_for_the_tokens_person(api, bob, bob_token, make_moment):
    moment = make_moment()
    body = api.get(f"/moments/{moment.pk}/drafts", bob_token).json()
    assert body["moment_id"] == moment.pk and len(body["items"]) == 4
    assert body["tracked_link"] is True  # bob consented to counting clicks
    assert all("/l/" in d["text"] for d in body["items"])
    assert (
        api.get(
            f"/moments/{make_moment(status=MomentStatus.DRAFT).pk}/drafts", bob_token
        ).status_code
        == 404
    )


# --- shares -----------------------------------------------------------------------------------


def test_record_and_list_own_shares(api, bob, carol, bob_token, make_moment, make_token):
    moment = make_moment()
    r = api.post(
        "/shares",
        bob_token,
        {
            "moment_id": moment.pk,
            "text": "Proud of this!",
            "angle": "proud",
            "post_url": "https://www.linkedin.com/feed/update/urn:li:activity:1/",
        },
    )
    assert r.status_code == 201, r.content
    share = Share.objects.get()
    assert share.user == bob and share.org_id == moment.org_id and share.text == "Proud of this!"
    assert [s["id"] for s in api.get("/shares", bob_token).json()["items"]] == [share.pk]
    # carol sees her own shares only
    assert api.get("/shares", make_token(carol).secret).json()["items"] == []


def test_an_embargoed_moment_can_not_be_recorded(api, bob_token, make_moment):
    moment = make_moment(shareable_from=timezone.now() + dt.timedelta(days=1))
    r = api.post("/shares", bob_token, {"moment_id": moment.pk, "text": "Too early"})
    assert r.status_code == 409
    assert not Share.objects.exists()


# --- the check --------------------------------------------------------------------------------


def test_the_check_gives_the_same_verdict_as_the_compose_page(api, bob_token, login, bob):
    text = "Mail me at bob.devries@gmail.com about the new website!"
    r = api.post("/check", bob_token, {"text": text})
    assert r.status_code == 200
    body = r.json()
    page = login(bob).post("/api/check/", {"text": text}, content_type="application/json").json()
    assert body["verdict"] == page["verdict"] and body["verdict"] in ("tips", "change")
    assert [f["code"] for f in body["findings"]] == [f["code"] for f in page["findings"]]
    assert "personal_data.email" in [f["code"] for f in body["findings"]]


def test_an_organisation_token_checks_in_the_organisations_language(api, org_token, make_moment):
    moment = make_moment()
    r = api.post("/check", org_token, {"text": "Een mooi project!", "moment_id": moment.pk})
    assert r.status_code == 200 and r.json()["verdict"] in ("go", "tips")


def test_the_check_refuses_too_long_texts(api, bob_token):
    r = api.post("/check", bob_token, {"text": "x" * 10_001})
    assert r.status_code == 422 and "text" in r.json()["errors"]


# --- impact -----------------------------------------------------------------------------------


def test_impact_is_suppressed_below_the_threshold(api, alice_token, bob, carol):
    body = api.get("/impact", alice_token).json()
    assert body["suppressed"] is True and body["figures"] is None
    assert body["threshold"] == 5 and "5" in body["reason"]


def test_impact_figures_above_the_threshold(api, acme, alice_token, make_moment):
    from tests.conftest import _person

    for i in range(6):
        _person(acme, f"e{i}@acme.test", f"Engineer {i}", team="Engineering")
    for i in range(5):
        _person(acme, f"s{i}@acme.test", f"Seller {i}", team="Sales")
    body = api.get("/impact", alice_token, period=30).json()
    assert body["suppressed"] is False and body["reason"] is None
    assert body["period_days"] == 30 and body["figures"]["people"] == 12
    teams = {t["team"]: t for t in body["teams"]}
    assert teams["Engineering"]["people"] == 6 and teams["Engineering"]["hidden"] is None
    # alice alone in Marketing is hidden, and Sales with her, so she can't be worked out
    assert teams["Marketing"]["people"] is None and teams["Marketing"]["hidden"] == "small"
    assert teams["Sales"]["people"] is None and teams["Sales"]["hidden"] == "complementary"


# --- people -----------------------------------------------------------------------------------


def test_people_for_comms_with_only_what_the_list_shows(api, alice_token, bob, carol):
    body = api.get("/people", alice_token, limit=2).json()
    assert body["count"] == 3 and body["next_offset"] == 2
    assert set(body["items"][0]) == {"id", "name", "email", "team", "role", "active"}
    found = api.get("/people", alice_token, q="carol").json()["items"]
    assert [p["email"] for p in found] == ["carol@acme.test"]


def test_people_need_the_comms_scope(api, bob_token):
    assert api.get("/people", bob_token).status_code == 403


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
def test_schema_and_docs_are_public_and_work_under_the_csp(client, db, path):
    r = client.get("/api/v1" + path)
    assert r.status_code == 200
    if path == "/docs":
        html = r.content.decode()
        assert "cdn" not in html.lower()
        assert "/static/ninja/swagger-ui-bundle.js" in html
        assert "script-src 'self'" in r["Content-Security-Policy"]
        # the only inline script block is data (JSON), which the CSP doesn't run
        import re

        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline == [' type="application/json" id="swagger-settings"']
        assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    else:
        schema = r.json()
        assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
