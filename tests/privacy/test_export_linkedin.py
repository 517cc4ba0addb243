"""The privacy export holds the person's LinkedIn connection (never the token) and their posts
through LinkedIn's API, and nothing of a colleague's."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from zichtbaar.sharing.linkedin import tokens
from zichtbaar.sharing.models import LinkedInConnection, LinkedInPost


def _connect(user, sub: str, token: str) -> LinkedInConnection:
    now = timezone.now()
    return LinkedInConnection.objects.create(
        user=user,
        member_sub=sub,
        name=user.name,
        token=tokens.encrypt(token),
        scopes="openid profile email w_member_social",
        expires_at=now + timedelta(days=60),
        state="connected",
        connected_at=now,
    )


def test_the_export_holds_the_connection_and_posts_but_never_the_token(
    settings, login, bob, carol, make_moment
):
    from cryptography.fernet import Fernet

    settings.ZICHTBAAR_LINKEDIN_TOKEN_KEYS = [Fernet.generate_key().decode()]
    moment = make_moment()
    connection = _connect(bob, "member-bob", "AQ-bobs-secret-token")
    _connect(carol, "member-carol", "AQ-carols-secret-token")
    bob_m, carol_m = bob.memberships.get(), carol.memberships.get()
    now = timezone.now()
    LinkedInPost.objects.create(
        org=bob_m.org,
        membership=bob_m,
        moment=moment,
        text="Bob's post via the API",
        run_at=now,
        next_try_at=now,
        state="sent",
        idempotency="b" * 64,
        sent_at=now,
        post_urn="urn:li:share:123",
        post_url="https://www.linkedin.com/feed/update/urn:li:share:123/",
    )
    LinkedInPost.objects.create(
        org=carol_m.org,
        membership=carol_m,
        moment=moment,
        text="Carol's scheduled words",
        run_at=now,
        next_try_at=now,
        idempotency="c" * 64,
    )
    response = login(bob).get("/privacy/my-data.json")
    data = json.loads(response.content)["linkedin"]
    assert data["connection"]["state"] == "connected"
    assert data["connection"]["member_id"] == "member-bob"
    assert data["connection"]["valid_until"].startswith(str(connection.expires_at.date()))
    assert [(p["text"], p["state"], p["post_urn"]) for p in data["posts"]] == [
        ("Bob's post via the API", "sent", "urn:li:share:123")
    ]
    assert data["posts"][0]["post_url"].endswith("urn:li:share:123/")
    raw = response.content.decode()
    for never in ("AQ-bobs-secret-token", connection.token, "member-carol", "Carol's scheduled"):
        assert never not in raw
    page = login(bob).get("/privacy/my-data/").content.decode()
    assert "member-bob" in page and "Bob&#x27;s post via the API" in page
    assert "AQ-bobs-secret-token" not in page and connection.token not in page
