"""A person's own voice: chosen in their settings or read from their own posts, followed by their
drafts, kept private (only in their own export)."""

from __future__ import annotations

import json

from zichtbaar.compose import selectors


def _settings(**extra):
    data = {
        "language": "en",
        "job_title": "consultant",
        "connections": "400",
        "followers": "0",
        "barrier": "relevance",
        "consent_tracking": "on",
    }
    data.update(extra)
    return data


def test_the_chosen_voice_shapes_the_drafts(login, carol, make_moment):
    moment = make_moment()
    before = selectors.drafts_for(moment, carol.memberships.get(), moment.link, count=3)
    response = login(carol).post(
        "/me/",
        _settings(voice_question="on", voice_sign_off="Curious what you think!", voice_formal="u"),
    )
    assert response.status_code == 302
    carol.profile.refresh_from_db()
    after = selectors.drafts_for(moment, carol.memberships.get(), moment.link, count=3)
    assert all("Curious what you think!" in d.text for d in after)
    assert all("Curious what you think!" not in d.text for d in before)
    context = selectors.draft_context(moment, carol.memberships.get(), moment.link)
    assert context.formal is True and context.voice.question is True


def test_own_posts_are_read_for_the_voice_and_stay_private(login, carol, bob, make_moment):
    posts = [
        "Short one about our new office. 🎉\n\nCheers, Carol",
        "We won an award today! 🏆\n\nCheers, Carol",
    ]
    client = login(carol)
    response = client.post("/me/", _settings(own_post_1=posts[0], own_post_2=posts[1]))
    assert response.status_code == 302
    carol.profile.refresh_from_db()
    assert carol.profile.own_posts == posts
    moment = make_moment()
    context = selectors.draft_context(moment, carol.memberships.get(), moment.link)
    assert context.voice.emoji is True
    assert context.voice.sign_off == "Cheers, Carol"
    assert context.voice.length == "short"

    # In her own export, never on a colleague's page or in their export.
    mine = json.loads(client.get("/privacy/my-data.json").content)
    assert mine["profile"]["voice"]["own_posts"] == posts
    theirs = login(bob).get("/privacy/my-data.json").content.decode()
    assert "Cheers, Carol" not in theirs


def test_an_overlong_post_is_a_field_error_and_nothing_is_lost(login, carol):
    response = login(carol).post("/me/", _settings(own_post_1="x" * 3001, job_title="engineer"))
    assert response.status_code == 400
    assert "own_post_1" in response.context["form"].errors
    carol.profile.refresh_from_db()
    assert carol.profile.job_title == "consultant"  # nothing half-saved
