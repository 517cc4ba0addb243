"""Posting through LinkedIn's API in the browser, against the local fake LinkedIn:

- connect (through the fake's consent page, back to our callback), schedule a post with the
  moment's picture from the compose page after the guideline's summary, the worker posts it at
  its time, and the share appears with its LinkedIn address on the compose page;
- an expired token (LinkedIn answers 401) makes a scheduled post wait, and the person sees why
  on the compose page and on their LinkedIn page.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from tests.fakes.linkedin_server import FakeLinkedIn, configure, connect

PATIENCE_MS = 30_000
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def fake(settings, tmp_path, site):
    with FakeLinkedIn() as li:
        configure(settings, li, tmp_path)
        # The consent page sends the browser back to this live server.
        settings.ZICHTBAAR_LINKEDIN_REDIRECT_URL = f"{site}/linkedin/callback/"
        yield li


def _post_due_later(minutes: int = 5):  # noqa: ANN202
    """Run the worker as the posting task does, with its clock a few minutes ahead."""
    from zichtbaar.sharing.linkedin import worker

    return worker.post_due(now=timezone.now() + timedelta(minutes=minutes))


def test_connect_schedule_with_a_picture_and_the_share_appears_with_its_address(
    acme, carol, make_moment, fake, site, page, sign_in, screenshot
):
    from zichtbaar.demo.guideline import load_demo_guideline
    from zichtbaar.sharing.models import LinkedInPost, PostState, Share

    load_demo_guideline(acme)
    fake.member_for_next_consent = "member-2"  # Carol Smith at LinkedIn
    moment = make_moment()
    moment.image.save("library.png", ContentFile(PNG))
    page.context.set_default_timeout(PATIENCE_MS)
    sign_in(page, carol.email)

    # Connect: our page, the (fake) consent page, back to the callback, back to the moment.
    page.goto(f"{site}/moments/{moment.pk}/")
    page.get_by_role("link", name="Connect LinkedIn (optional)").click()
    expect(page.get_by_role("heading", name="Your LinkedIn connection")).to_be_visible()
    page.get_by_role("link", name="Connect LinkedIn").click()
    page.wait_for_url(f"{site}/linkedin/**")
    expect(page.get_by_text("LinkedIn is connected until")).to_be_visible()
    expect(page.get_by_text("Connected as Carol Smith at LinkedIn.")).to_be_visible()
    assert fake.requests_to("/oauth/v2/authorization")
    screenshot(page, "connected")

    # Schedule the draft, with the picture, a few minutes ahead.
    page.goto(f"{site}/moments/{moment.pk}/")
    expect(page.get_by_role("button", name="Post on LinkedIn now")).to_be_visible()
    expect(page.get_by_label("With the moment's picture")).to_be_checked()
    text = page.get_by_label("Your post").input_value()
    page.get_by_text("Schedule…").click()
    when = timezone.localtime(timezone.now() + timedelta(minutes=3))
    page.get_by_label("Post at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule the post").click()
    # The same questions as "Open in LinkedIn": the guideline's summary first, in a dialog.
    dialog = page.get_by_role("dialog", name="Before you share")
    expect(dialog).to_be_visible()
    screenshot(page, "asked-before-scheduling")
    dialog.get_by_role("button", name="I've read it, schedule the post").click()
    expect(page.get_by_text("Scheduled: your post goes out on LinkedIn")).to_be_visible()
    posts = page.locator("#linkedin-posts")
    expect(posts).to_contain_text("Scheduled for")
    expect(posts).to_contain_text("with the picture")
    expect(posts.get_by_role("button", name="Cancel this post")).to_be_visible()
    screenshot(page, "scheduled")
    post = LinkedInPost.objects.get()
    assert post.state == PostState.QUEUED and post.with_image and post.text == text

    # Its time comes: the worker posts it, with the image, once.
    assert _post_due_later().sent == 1
    assert fake.published_texts() == [text]
    assert fake.posts[0]["image"]
    urn = fake.posts[0]["urn"]
    page.reload()
    link = posts.get_by_role("link", name=re.compile("view on LinkedIn"))
    expect(link).to_have_attribute("href", f"https://www.linkedin.com/feed/update/{urn}/")
    expect(page.locator("details.shared")).to_be_visible()  # still there for composer shares
    my_share = page.locator("ul.my-shares").get_by_role("link", name="your post")
    expect(my_share).to_have_attribute("href", f"https://www.linkedin.com/feed/update/{urn}/")
    screenshot(page, "posted")
    assert Share.objects.get(moment=moment, user=carol).post_urn == urn


def test_an_expired_token_pauses_a_scheduled_post_and_says_why(
    acme, carol, make_moment, fake, site, page, sign_in, screenshot
):
    from zichtbaar.demo.guideline import load_demo_guideline
    from zichtbaar.guideline.services import acknowledge
    from zichtbaar.sharing.models import LinkedInPost, PostState

    acknowledge(carol, load_demo_guideline(acme))
    connect(carol, fake, "member-2")
    moment = make_moment()
    page.context.set_default_timeout(PATIENCE_MS)
    sign_in(page, carol.email)
    page.goto(f"{site}/moments/{moment.pk}/")
    page.get_by_text("Schedule…").click()
    when = timezone.localtime(timezone.now() + timedelta(minutes=3))
    page.get_by_label("Post at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule the post").click()
    expect(page.locator("#linkedin-posts")).to_contain_text("Scheduled for")

    fake.expire()  # LinkedIn now answers 401 for her token
    assert _post_due_later().waiting == 1
    assert LinkedInPost.objects.get().state == PostState.WAITING
    assert fake.posts == []

    page.reload()
    posts = page.locator("#linkedin-posts")
    expect(posts).to_contain_text("Waiting: your LinkedIn connection has expired.")
    expect(posts.get_by_role("link", name="Reconnect LinkedIn")).to_be_visible()
    expect(page.get_by_role("button", name="Post on LinkedIn now")).to_have_count(0)
    screenshot(page, "waiting-on-compose")
    page.goto(f"{site}/linkedin/")
    expect(page.get_by_text("Your LinkedIn connection has expired")).to_be_visible()
    expect(page.get_by_text("Waiting: your LinkedIn connection expired.")).to_be_visible()
    screenshot(page, "waiting-on-linkedin-page")


def test_post_now_shows_its_state_and_updates_itself_when_the_worker_has_posted(
    acme, carol, make_moment, fake, site, page, sign_in, screenshot, monkeypatch
):
    from zichtbaar.demo.guideline import load_demo_guideline
    from zichtbaar.guideline.services import acknowledge
    from zichtbaar.orgs import jobs
    from zichtbaar.sharing.linkedin import worker

    # No task worker runs here: the posting job waits until the test runs the worker itself.
    started: list[tuple] = []
    monkeypatch.setattr(jobs, "enqueue", lambda *args, **kwargs: started.append(args))
    acknowledge(carol, load_demo_guideline(acme))
    connect(carol, fake, "member-2")
    moment = make_moment()
    page.context.set_default_timeout(PATIENCE_MS)
    sign_in(page, carol.email)
    page.goto(f"{site}/moments/{moment.pk}/")
    text = page.get_by_label("Your post").input_value()
    page.get_by_role("button", name="Post on LinkedIn now").click()
    expect(page.get_by_text("Your post is on its way to LinkedIn.")).to_be_visible()
    posts = page.locator("#linkedin-posts")
    expect(posts).to_contain_text("Posting now…")
    expect(page.locator("details.shared")).not_to_have_attribute("open", "")
    screenshot(page, "posting-now")
    assert started == [("sharing.post_linkedin", acme.pk)]

    assert worker.post_due(acme.pk).sent == 1  # as the posting job does
    # Without a reload: the page asked again and shows the final state, then stops asking.
    expect(posts.get_by_role("link", name=re.compile("view on LinkedIn"))).to_be_visible()
    expect(page.locator("#linkedin-posts[data-hx-trigger]")).to_have_count(0)
    expect(page.locator("#linkedin-announce")).to_have_text("Your post is on LinkedIn now.")
    assert fake.published_texts() == [text]
    screenshot(page, "posted-without-reload")


def test_sign_in_with_linkedin_after_connecting_it(acme, carol, fake, site, page, screenshot):
    """Carol connected LinkedIn for posting; on the sign-in page "Sign in with LinkedIn" takes
    her through LinkedIn's consent (the fake's, with its signed id_token) into Zichtbaar."""
    connect(carol, fake, sub="member-2")
    fake.member_for_next_consent = "member-2"
    page.goto(f"{site}/accounts/login/")
    screenshot(page, "sign-in-with-linkedin")
    page.get_by_role("button", name=re.compile("LinkedIn")).click()
    page.wait_for_url(re.compile(rf"^{re.escape(site)}/(?!accounts/)"))
    expect(page.get_by_role("button", name=re.compile("LinkedIn"))).to_have_count(0)
    assert fake.requests_to("/oauth/.well-known/openid-configuration")
    assert fake.requests_to("/oauth/v2/accessToken")
    page.goto(f"{site}/me/impact/")
    expect(page).to_have_url(f"{site}/me/impact/")  # signed in: no detour to the sign-in page
