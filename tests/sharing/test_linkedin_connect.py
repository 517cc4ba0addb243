"""Connecting LinkedIn: the OAuth round trip through our pages and the fake LinkedIn, the
token encrypted at rest, the state on the person's settings page, disconnecting, key rotation."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.fakes.linkedin_server import connect
from zichtbaar.sharing import services
from zichtbaar.sharing.linkedin import tokens
from zichtbaar.sharing.models import LinkedInConnection, LinkedInPost, PostState


def _follow_to_linkedin_and_back(client, fake) -> str:
    """Click "Connect", consent at (fake) LinkedIn; returns the address LinkedIn sends back to."""
    response = client.get(reverse("linkedin:connect"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{fake.oauth_url}/authorization?")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(response["Location"], timeout=5)
    except urllib.error.HTTPError as exc:
        back = exc.headers["Location"]
    parts = urlsplit(back)
    assert parts.path == "/linkedin/callback/"
    return f"{parts.path}?{parts.query}"


def test_connecting_stores_the_member_and_an_encrypted_token(fake, login, bob):
    client = login(bob)
    back = _follow_to_linkedin_and_back(client, fake)
    response = client.get(back, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "LinkedIn is connected until" in page or "LinkedIn is gekoppeld tot" in page

    found = LinkedInConnection.objects.get(user=bob)
    assert found.member_sub == "member-1"
    assert found.state == "connected"
    assert timedelta(days=59) < found.expires_at - timezone.now() <= timedelta(days=60)
    # At rest the token is a Fernet token, never the access token itself.
    issued = next(iter(fake.tokens))
    assert issued not in found.token
    assert tokens.decrypt(found.token) == issued


def test_a_callback_with_a_foreign_state_connects_nothing(fake, login, bob):
    client = login(bob)
    client.get(reverse("linkedin:connect"))
    response = client.get("/linkedin/callback/?code=stolen&state=not-the-one", follow=True)
    assert response.status_code == 200
    assert not LinkedInConnection.objects.filter(user=bob).exists()
    assert fake.requests_to("/oauth/v2/accessToken") == []  # the code was never even tried


def test_a_callback_without_starting_connects_nothing(fake, login, bob):
    response = login(bob).get("/linkedin/callback/?code=x&state=y", follow=True)
    assert response.status_code == 200
    assert not LinkedInConnection.objects.filter(user=bob).exists()


def test_cancelling_at_linkedin_says_so(fake, login, bob):
    fake.authorize_error = "user_cancelled_authorize"
    client = login(bob)
    client.get("/i18n/setlang/", {"language": "en"})
    back = _follow_to_linkedin_and_back(client, fake)
    response = client.get(back, follow=True)
    assert not LinkedInConnection.objects.filter(user=bob).exists()
    assert response.status_code == 200


def test_the_connect_pages_need_a_signed_in_member(fake, client):
    response = client.get(reverse("linkedin:connect"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_without_a_linkedin_app_everything_is_hidden(settings, login, bob):
    settings.ZICHTBAAR_LINKEDIN_CLIENT_ID = ""
    client = login(bob)
    assert client.get(reverse("linkedin:page")).status_code == 404
    assert client.get(reverse("linkedin:connect")).status_code == 404
    profile = client.get(reverse("orgs:profile")).content.decode()
    assert "linkedin-status" not in profile


def test_profile_shows_connect_connected_and_expired(fake, login, bob):
    client = login(bob)
    profile = client.get(reverse("orgs:profile")).content.decode()
    assert 'href="/linkedin/"' in profile and "linkedin-status" in profile

    connect(bob, fake)
    profile = client.get(reverse("orgs:profile")).content.decode()
    until = LinkedInConnection.objects.get(user=bob).expires_at
    assert str(timezone.localtime(until).year) in profile
    assert "/linkedin/connect/" not in profile  # connected: nothing to reconnect

    LinkedInConnection.objects.filter(user=bob).update(expires_at=timezone.now())
    profile = client.get(reverse("orgs:profile")).content.decode()
    assert "/linkedin/connect/" in profile  # expired: reconnect


def test_disconnect_wipes_the_token_and_cancels_scheduled_posts(fake, login, bob, make_moment):
    access = connect(bob, fake)
    moment = make_moment()
    post = services.schedule_post(
        bob.memberships.get(), moment, "Later", timezone.now() + timedelta(days=1)
    )
    response = login(bob).post(reverse("linkedin:disconnect"), follow=True)
    assert response.status_code == 200
    found = LinkedInConnection.objects.get(user=bob)
    assert found.token == "" and found.state == "revoked"
    post.refresh_from_db()
    assert post.state == PostState.CANCELLED
    assert fake.tokens[access]["revoked"]  # LinkedIn was asked to forget it too


def test_reconnecting_sends_what_waited(
    fake, login, bob, make_moment, django_capture_on_commit_callbacks
):
    connect(bob, fake)
    membership = bob.memberships.get()
    post = services.schedule_post(membership, make_moment(), "Wacht op mij")
    LinkedInPost.objects.filter(pk=post.pk).update(state=PostState.WAITING, problem="expired")
    LinkedInConnection.objects.filter(user=bob).update(state="expired")
    client = login(bob)
    back = _follow_to_linkedin_and_back(client, fake)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(back)
    post.refresh_from_db()
    assert post.state == PostState.SENT
    assert fake.published_texts() == ["Wacht op mij"]


def test_rotating_the_key_keeps_every_token_readable(fake, settings, bob, carol):
    access = connect(bob, fake)
    connect(carol, fake, "member-2")
    old = settings.ZICHTBAAR_LINKEDIN_TOKEN_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.ZICHTBAAR_LINKEDIN_TOKEN_KEYS = [new, old]
    call_command("linkedin_rotate_keys", stdout=StringIO())
    settings.ZICHTBAAR_LINKEDIN_TOKEN_KEYS = [new]  # the old key is gone now
    assert tokens.decrypt(LinkedInConnection.objects.get(user=bob).token) == access


def test_a_token_no_key_opens_asks_for_a_reconnect(fake, settings, bob):
    connect(bob, fake)
    settings.ZICHTBAAR_LINKEDIN_TOKEN_KEYS = [Fernet.generate_key().decode()]
    assert services.rotate_linkedin_keys() == (0, 1)
    assert LinkedInConnection.objects.get(user=bob).state == "expired"


def test_erasing_the_person_forgets_their_linkedin(fake, bob, make_moment):
    from zichtbaar.privacy.services import erase_person
    from zichtbaar.sharing.linkedin import worker
    from zichtbaar.sharing.models import Share

    connect(bob, fake)
    services.schedule_post(bob.memberships.get(), make_moment(), "Van mij")
    worker.post_due()
    share = Share.objects.get()
    assert share.post_urn == fake.posts[0]["urn"]
    erase_person(bob)
    assert not LinkedInConnection.objects.exists()
    assert not LinkedInPost.objects.exists()
    share.refresh_from_db()
    assert (share.user, share.post_url, share.post_urn) == (None, "", "")


@pytest.mark.parametrize(
    ("sunset", "warning"),
    [("2020-01-01", "zichtbaar.W302"), (None, "zichtbaar.W303"), ("2999-01-01", None)],
)
def test_the_system_check_warns_before_the_version_retires(fake, settings, sunset, warning):
    from zichtbaar.sharing.linkedin.checks import linkedin_version

    soon = (timezone.localdate() + timedelta(days=10)).isoformat()
    settings.ZICHTBAAR_LINKEDIN_VERSION_SUNSET = sunset or soon
    ids = [m.id for m in linkedin_version()]
    assert ids == ([warning] if warning else [])
