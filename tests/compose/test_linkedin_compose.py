"""Posting through LinkedIn's API from the compose page: "Post on LinkedIn now" and "Schedule…"
ask what "Open in LinkedIn" asks (the guideline's summary, "share anyway?"), then the post goes
into the outbox; the page shows its state, and only to a person whose LinkedIn is connected."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.fakes.linkedin_server import connect
from zichtbaar.demo.guideline import load_demo_guideline
from zichtbaar.guideline import services as guideline_services
from zichtbaar.guideline.models import Acknowledgement
from zichtbaar.sharing.linkedin import worker
from zichtbaar.sharing.models import LinkedInConnection, LinkedInPost, PostState, Share

VALID_BSN = "111222333"
TEXT = "Trots op de nieuwe website van de bibliotheek! Mooi werk van het team."


@pytest.fixture
def guideline(acme):
    return load_demo_guideline(acme)


@pytest.fixture
def read(carol, guideline):
    guideline_services.acknowledge(carol, guideline)
    return carol


def _when(hours: float = 3) -> str:
    return timezone.localtime(timezone.now() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def test_without_a_linkedin_app_the_page_says_nothing_about_it(login, carol, make_moment):
    page = login(carol).get(f"/moments/{make_moment().pk}/").content.decode()
    assert "Post on LinkedIn now" not in page and "Connect LinkedIn" not in page
    assert "Open in LinkedIn" in page


def test_a_person_not_connected_is_invited_to_connect_not_offered_the_buttons(
    fake, login, carol, make_moment
):
    page = login(carol).get(f"/moments/{make_moment().pk}/").content.decode()
    assert "Post on LinkedIn now" not in page and "Schedule…" not in page
    assert "Connect LinkedIn (optional)" in page


def test_a_connected_person_posts_now_and_the_share_records_itself(fake, login, read, make_moment):
    connect(read, fake, "member-2")
    moment = make_moment()
    client = login(read)
    page = client.get(f"/moments/{moment.pk}/").content.decode()
    assert "Post on LinkedIn now" in page and "Schedule…" in page
    response = client.post(f"/moments/{moment.pk}/linkedin/now/", {"text": TEXT})
    assert response.status_code == 302
    post = LinkedInPost.objects.get()
    assert (post.text, post.state, post.with_image) == (TEXT, PostState.QUEUED, False)
    page = client.get(response["Location"]).content.decode()
    assert "Your post is on its way to LinkedIn." in page
    assert "Posting now…" in page and 'data-hx-trigger="every 2s"' in page  # the page asks again
    worker.post_due()
    fragment = client.get(f"/moments/{moment.pk}/linkedin-posts/").content.decode()
    urn = fake.posts[0]["urn"]
    assert "Posted" in fragment and f"https://www.linkedin.com/feed/update/{urn}/" in fragment
    assert "every 2s" not in fragment  # final: polling stops
    polled = client.get(f"/moments/{moment.pk}/linkedin-posts/?polling=1").content.decode()
    assert (
        'id="linkedin-announce" data-hx-swap-oob="innerHTML">Your post is on LinkedIn now.'
        in polled
    )
    assert "linkedin-announce" not in fragment  # said once, by the poll that saw it change
    assert Share.objects.get(moment=moment, user=read).post_url.endswith(f"{urn}/")
    assert fake.published_texts() == [TEXT]


def test_scheduling_goes_out_at_its_time_with_the_picture_and_can_be_cancelled(
    fake, login, read, make_moment
):
    connect(read, fake, "member-2")
    moment = make_moment()
    moment.image.save("library.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 64))
    client = login(read)
    page = client.get(f"/moments/{moment.pk}/").content.decode()
    assert re.search(r'<input type="checkbox" name="with_image"[^>]*checked', page)
    response = client.post(
        f"/moments/{moment.pk}/linkedin/schedule/",
        {"text": TEXT, "post_at": _when(3), "with_image": "on"},
    )
    assert response.status_code == 302
    post = LinkedInPost.objects.get()
    assert post.with_image and post.state == PostState.QUEUED
    assert abs(post.run_at - (timezone.now() + timedelta(hours=3))) < timedelta(minutes=2)
    page = client.get(response["Location"]).content.decode()
    assert "Scheduled for" in page and "Cancel this post" in page
    assert "every 2s" not in page  # nothing moves before its time
    assert worker.post_due().sent == 0
    response = client.post("/linkedin/cancel/", {"post": post.pk, "next": f"/moments/{moment.pk}/"})
    assert response["Location"] == f"/moments/{moment.pk}/"
    post.refresh_from_db()
    assert post.state == PostState.CANCELLED
    assert worker.post_due(now=post.run_at + timedelta(minutes=1)).sent == 0
    assert fake.posts == []


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("", "Choose the day and time for your post."),
        ("past", "Choose a time in the future."),
        ("far", "Choose a time within the next 60 days."),
    ],
)
def test_a_time_to_schedule_must_be_in_the_coming_60_days(
    fake, login, read, make_moment, when, message
):
    connect(read, fake, "member-2")
    moment = make_moment()
    value = {"": "", "past": _when(-2), "far": _when(24 * 61)}[when]
    response = login(read).post(
        f"/moments/{moment.pk}/linkedin/schedule/", {"text": TEXT, "post_at": value}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert re.search(r"<textarea[^>]*>" + re.escape(TEXT) + "</textarea>", page)  # text kept
    assert not LinkedInPost.objects.exists()


def test_posting_asks_for_the_guideline_first_like_the_composer_link(
    fake, login, carol, guideline, make_moment
):
    connect(carol, fake, "member-2")
    moment = make_moment()
    client = login(carol)
    response = client.post(f"/moments/{moment.pk}/linkedin/now/", {"text": TEXT})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Before you share" in page and "I've read it, post on LinkedIn" in page
    assert f"/moments/{moment.pk}/linkedin/now/?acknowledge={guideline.pk}" in page
    assert not LinkedInPost.objects.exists()
    response = client.post(
        f"/moments/{moment.pk}/linkedin/now/?acknowledge={guideline.pk}",
        {"text": TEXT},
    )
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(user=carol).exists()
    assert LinkedInPost.objects.get().text == TEXT


def test_a_change_finding_asks_share_anyway_before_posting(fake, login, read, make_moment):
    connect(read, fake, "member-2")
    moment = make_moment()
    client = login(read)
    text = f"Bel me gerust, mijn BSN is {VALID_BSN}."
    response = client.post(
        f"/moments/{moment.pk}/linkedin/schedule/", {"text": text, "post_at": _when()}
    )
    page = response.content.decode()
    if response.status_code == 400:  # comms made the rule blocking: no way to post at all
        assert "Schedule the post" not in page
    else:
        assert "Share anyway?" in page and "Yes, schedule the post" in page
        assert 'name="confirm" value="1"' in page
    assert not LinkedInPost.objects.exists()
    if response.status_code == 200:
        response = client.post(
            f"/moments/{moment.pk}/linkedin/schedule/",
            {"text": text, "post_at": _when(), "confirm": "1"},
        )
        assert response.status_code == 302
        assert LinkedInPost.objects.get().text == text


def test_the_dialog_panel_for_posting_now_posts_in_this_tab(fake, login, read, make_moment):
    connect(read, fake, "member-2")
    moment = make_moment()
    response = login(read).post(f"/moments/{moment.pk}/share/", {"text": TEXT, "via": "now"})
    panel = response.content.decode()
    assert f'formaction="/moments/{moment.pk}/linkedin/now/"' in panel
    assert 'formtarget="_blank"' not in panel and "data-share-api" in panel


def test_an_expired_connection_makes_the_post_wait_and_the_page_says_why(
    fake, login, read, make_moment
):
    connect(read, fake, "member-2")
    moment = make_moment()
    client = login(read)
    client.post(f"/moments/{moment.pk}/linkedin/now/", {"text": TEXT})
    fake.expire()  # LinkedIn answers 401
    assert worker.post_due().waiting == 1
    page = client.get(f"/moments/{moment.pk}/").content.decode()
    assert "Waiting: your LinkedIn connection has expired." in page
    assert "Reconnect LinkedIn" in page
    assert "Post on LinkedIn now" not in page  # expired: reconnect first
    assert "Waiting: your LinkedIn connection expired" in client.get("/linkedin/").content.decode()


def test_a_schedule_after_the_connection_ends_says_it_will_wait(fake, login, read, make_moment):
    connect(read, fake, "member-2")
    LinkedInConnection.objects.filter(user=read).update(
        expires_at=timezone.now() + timedelta(days=2)
    )
    moment = make_moment()
    client = login(read)
    client.post(
        f"/moments/{moment.pk}/linkedin/schedule/", {"text": TEXT, "post_at": _when(24 * 5)}
    )
    page = client.get(f"/moments/{moment.pk}/").content.decode()
    assert "before this time. Reconnect before then, or the post waits until you do." in page


def test_someone_else_cannot_see_or_cancel_the_post(fake, login, read, bob, make_moment):
    connect(read, fake, "member-2")
    moment = make_moment()
    login(read).post(f"/moments/{moment.pk}/linkedin/schedule/", {"text": TEXT, "post_at": _when()})
    post = LinkedInPost.objects.get()
    client = login(bob)
    assert "data-post-state" not in client.get(f"/moments/{moment.pk}/").content.decode()
    assert client.post("/linkedin/cancel/", {"post": post.pk}).status_code == 404
    post.refresh_from_db()
    assert post.state == PostState.QUEUED
