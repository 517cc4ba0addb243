"""Tokens at the door: revoked, expired, a person who left, scopes, rate limits, pagination."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from zichtbaar.api import services

PROBLEM = "application/problem+json"


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer zb_nottherealone", "Basic Ym9iOnNlY3JldA==", "Bearer " + "zb_x" * 80],
)
def test_a_missing_or_unknown_token_gets_401(client, db, header):
    headers = {"Authorization": header} if header else {}
    r = client.get("/api/v1/moments", headers=headers)
    _problem(r, 401)
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_and_people_who_left_get_401(api, bob, carol, make_token):
    revoked = make_token(bob)
    services.revoke_token(revoked.token)
    _problem(api.get("/moments", revoked.secret), 401)

    expiring = make_token(bob, expires_at=timezone.now() + dt.timedelta(hours=1))
    assert api.get("/moments", expiring.secret).status_code == 200
    expiring.token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    expiring.token.save()
    _problem(api.get("/moments", expiring.secret), 401)

    left = make_token(carol)
    membership = carol.memberships.get()
    membership.is_active = False
    membership.save()
    _problem(api.get("/moments", left.secret), 401)


def test_a_token_is_recognised_by_its_whole_secret_only(api, bob, make_token):
    new = make_token(bob)
    _problem(api.get("/moments", new.secret[:-1] + ("A" if new.secret[-1] != "A" else "B")), 401)
    _problem(api.get("/moments", new.token.prefix), 401)
    _problem(api.get("/moments", new.token.digest), 401)


def test_last_used_is_kept(api, bob, make_token):
    new = make_token(bob)
    assert new.token.last_used_at is None
    api.get("/moments", new.secret)
    new.token.refresh_from_db()
    assert new.token.last_used_at is not None


def test_only_comms_create_organisation_tokens_or_the_comms_scope(bob, alice):
    with pytest.raises(services.NotAllowed):
        services.create_token(
            creator=bob.memberships.get(), name="x", scopes=["read"], organisation=True
        )
    with pytest.raises(services.NotAllowed):
        services.create_token(creator=bob.memberships.get(), name="x", scopes=["comms"])
    with pytest.raises(services.NotAllowed):
        services.create_token(creator=bob.memberships.get(), name="x", scopes=[])
    assert services.create_token(
        creator=alice.memberships.get(), name="x", scopes=["comms"], organisation=True
    ).token.scopes == ["comms"]


def test_a_missing_scope_is_403_with_the_reason(api, bob, make_token):
    read_only = make_token(bob, scopes=("read",))
    body = _problem(api.post("/shares", read_only.secret, {"moment_id": 1, "text": "x"}), 403)
    assert "'write'" in body["detail"]
    body = _problem(api.get("/people", read_only.secret), 403)
    assert "'comms'" in body["detail"]
    _problem(api.get("/impact", read_only.secret), 403)


def test_a_comms_person_who_is_no_longer_comms_loses_the_comms_scope(api, alice, make_token):
    new = make_token(alice, scopes=("read", "comms"))
    assert api.get("/people", new.secret).status_code == 200
    membership = alice.memberships.get()
    membership.role = "employee"
    membership.save()
    _problem(api.get("/people", new.secret), 403)


def test_organisation_tokens_can_not_use_personal_routes(api, org_token, make_moment):
    moment = make_moment()
    body = _problem(api.get("/shares", org_token), 403)
    with translation.override("nl"):  # an organisation token speaks the organisation's language
        assert body["detail"] == translation.gettext(
            "This needs a personal token: an organisation token acts for no one in particular."
        )
    _problem(api.get(f"/moments/{moment.pk}/drafts", org_token), 403)
    _problem(api.post("/shares", org_token, {"moment_id": moment.pk, "text": "x"}), 403)


def test_rate_limit_per_token_answers_429_with_retry_after(api, bob, carol, make_token, settings):
    settings.API_RATE_PER_MINUTE = 3
    mine, theirs = make_token(bob), make_token(carol)
    for _ in range(3):
        assert api.get("/moments", mine.secret).status_code == 200
    r = api.get("/moments", mine.secret)
    _problem(r, 429)
    assert 1 <= int(r["Retry-After"]) <= 60
    # Another token has its own budget.
    assert api.get("/moments", theirs.secret).status_code == 200


def test_the_window_moves_on(bob, make_token, settings):
    from zichtbaar.api.auth import check_rate
    from zichtbaar.api.problems import ApiProblem

    settings.API_RATE_PER_MINUTE = 2
    token = make_token(bob).token
    check_rate(token, now=600.0)
    check_rate(token, now=610.0)
    with pytest.raises(ApiProblem) as raised:
        check_rate(token, now=650.5)
    assert raised.value.headers["Retry-After"] == "10"
    check_rate(token, now=660.0)  # a new minute


def test_pagination_has_a_maximum_and_says_where_to_go_next(api, alice_token, make_moment):
    for i in range(5):
        make_moment(title=f"Moment {i}")
    body = _problem(api.get("/moments", alice_token, limit=101), 422)
    assert "limit" in body["errors"]
    _problem(api.get("/moments", alice_token, offset=-1), 422)
    first = api.get("/moments", alice_token, limit=2).json()
    assert first["count"] == 5 and len(first["items"]) == 2 and first["next_offset"] == 2
    last = api.get("/moments", alice_token, limit=2, offset=4).json()
    assert len(last["items"]) == 1 and last["next_offset"] is None
    ids = {
        m["id"]
        for offset in (0, 2, 4)
        for m in api.get("/moments", alice_token, limit=2, offset=offset).json()["items"]
    }
    assert len(ids) == 5


def test_invalid_input_names_its_fields(api, bob_token):
    body = _problem(api.post("/check", bob_token, {"text": 5, "language": "fr"}), 422)
    assert set(body["errors"]) == {"text", "language"}
    r = api.client.post(
        "/api/v1/check",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {bob_token}"},
    )
    assert r.status_code in (400, 422) and r["Content-Type"] == PROBLEM


def test_an_unknown_object_is_404_problem(api, carol, make_token):
    body = _problem(api.get("/moments/999999", make_token(carol).secret), 404)
    assert body["detail"] == "There is no such moment in your organisation."  # carol's English
