"""Scheduling a post and the worker that publishes it: the share records itself, an image goes
through the Images API, an expired connection makes a post wait, a refusal says why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.fakes.linkedin_server import connect
from zichtbaar.moments.models import MomentStatus
from zichtbaar.sharing import services
from zichtbaar.sharing.linkedin import worker
from zichtbaar.sharing.models import LinkedInConnection, LinkedInPost, PostState, Share


@pytest.fixture
def bob_connected(bob, fake):
    connect(bob, fake)
    return bob.memberships.get()


def test_a_post_now_goes_out_once_and_records_the_share(fake, bob_connected, make_moment):
    moment = make_moment()
    post = services.schedule_post(bob_connected, moment, "Trots op ons team! #Bibliotheek")
    done = worker.post_due()
    assert done.sent == 1
    post.refresh_from_db()
    assert post.state == PostState.SENT
    assert fake.published_texts() == ["Trots op ons team! #Bibliotheek"]
    urn = fake.posts[0]["urn"]
    assert post.post_urn == urn
    assert post.post_url == f"https://www.linkedin.com/feed/update/{urn}/"
    share = Share.objects.get(moment=moment, user=bob_connected.user)
    assert (share.post_urn, share.post_url, share.text) == (urn, post.post_url, post.text)
    assert post.share == share
    # Nothing more goes out however often the worker runs.
    assert worker.post_due().sent == 0
    assert len(fake.posts) == 1


def test_scheduling_twice_is_one_post(fake, bob_connected, make_moment):
    moment = make_moment()
    first = services.schedule_post(bob_connected, moment, "Eén keer")
    second = services.schedule_post(bob_connected, moment, "Eén keer")
    assert first.pk == second.pk
    worker.post_due()
    worker.post_due()
    assert fake.published_texts() == ["Eén keer"]


def test_a_scheduled_post_waits_for_its_time(fake, bob_connected, make_moment):
    when = timezone.now() + timedelta(hours=3)
    post = services.schedule_post(bob_connected, make_moment(), "Straks", when)
    assert worker.post_due().sent == 0
    assert fake.posts == []
    assert worker.post_due(now=when + timedelta(seconds=1)).sent == 1
    post.refresh_from_db()
    assert post.state == PostState.SENT


def test_runperiodic_starts_the_posting(
    fake, bob_connected, make_moment, django_capture_on_commit_callbacks
):
    services.schedule_post(bob_connected, make_moment(), "Via de periodieke taak")
    with django_capture_on_commit_callbacks(execute=True):
        assert worker.start_due() == 1
    assert fake.published_texts() == ["Via de periodieke taak"]


def test_the_moment_image_goes_through_the_images_api(fake, bob_connected, make_moment):
    moment = make_moment()
    moment.image.save("library.png", ContentFile(b"\x89PNG\r\n\x1a\n fake image"), save=True)
    post = services.schedule_post(bob_connected, moment, "Met de foto")
    assert post.with_image
    worker.post_due()
    (published,) = fake.posts
    image_urn = published["image"]
    assert fake.images[image_urn]["data"] == b"\x89PNG\r\n\x1a\n fake image"
    assert fake.images[image_urn]["content_type"] == "image/png"
    assert published["body"]["content"] == {"media": {"id": image_urn}}


def test_an_expired_connection_makes_the_post_wait_and_says_why(
    fake, bob_connected, make_moment, login
):
    post = services.schedule_post(bob_connected, make_moment(), "Wacht even")
    LinkedInConnection.objects.filter(user=bob_connected.user).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert worker.post_due().waiting == 1
    post.refresh_from_db()
    assert (post.state, post.problem) == (PostState.WAITING, "expired")
    assert fake.requests_to("/rest/posts") == []  # LinkedIn was not even asked
    client = login(bob_connected.user)
    client.get("/i18n/setlang/", {"language": "en"})
    page = client.get("/linkedin/").content.decode()
    assert "your LinkedIn connection expired" in page or "je LinkedIn-koppeling is verlopen" in page


def test_a_401_marks_the_connection_expired_and_the_post_waits(fake, bob_connected, make_moment):
    post = services.schedule_post(bob_connected, make_moment(), "Token ingetrokken")
    fake.expire()
    worker.post_due()
    post.refresh_from_db()
    assert (post.state, post.problem) == (PostState.WAITING, "expired")
    assert LinkedInConnection.objects.get(user=bob_connected.user).state == "expired"
    assert fake.posts == []


def test_a_refusal_fails_for_good_with_the_reason(fake, bob_connected, make_moment, settings):
    settings.ZICHTBAAR_LINKEDIN_VERSION = "202401"
    post = services.schedule_post(bob_connected, make_moment(), "Oude versie")
    worker.post_due()
    post.refresh_from_db()
    assert (post.state, post.problem) == (PostState.FAILED, "version")
    assert "202401" in post.reason
    assert worker.post_due().sent == 0
    assert len(fake.requests_to("/rest/posts")) == 1  # never tried again


def test_a_duplicate_the_person_posted_themselves_is_not_ours(fake, bob_connected, make_moment):
    from zichtbaar.sharing.linkedin import client

    token = fake.issue_token("member-1")
    client.create_post(token, sub="member-1", text="Al gedeeld")  # via LinkedIn itself
    post = services.schedule_post(bob_connected, make_moment(), "Al gedeeld")
    worker.post_due()
    post.refresh_from_db()
    assert (post.state, post.problem) == (PostState.FAILED, "duplicate")
    assert not Share.objects.exists()


def test_a_withdrawn_moment_is_not_posted(fake, bob_connected, make_moment):
    moment = make_moment()
    post = services.schedule_post(bob_connected, moment, "Teruggetrokken")
    moment.status = MomentStatus.ARCHIVED
    moment.save()
    worker.post_due()
    post.refresh_from_db()
    assert (post.state, post.problem) == (PostState.FAILED, "withdrawn")
    assert fake.posts == []


def test_cancelled_posts_never_go_out(fake, bob_connected, make_moment):
    post = services.schedule_post(
        bob_connected, make_moment(), "Toch niet", timezone.now() + timedelta(hours=1)
    )
    assert services.cancel_post(bob_connected, post.pk)
    worker.post_due(now=timezone.now() + timedelta(hours=2))
    assert fake.posts == []


def test_someone_else_cannot_cancel(fake, bob_connected, carol, make_moment):
    post = services.schedule_post(
        bob_connected, make_moment(), "Van mij", timezone.now() + timedelta(hours=1)
    )
    assert not services.cancel_post(carol.memberships.get(), post.pk)


@pytest.mark.parametrize(
    "problem",
    ["not connected", "too long", "embargo", "other org"],
)
def test_what_cannot_be_scheduled_is_refused_kindly(fake, bob, mallory, make_moment, problem):
    membership = bob.memberships.get()
    moment = make_moment()
    text = "Een bericht"
    when = None
    if problem != "not connected":
        connect(bob, fake)
    if problem == "too long":
        text = "x" * 3001
    if problem == "embargo":
        moment.shareable_from = timezone.now() + timedelta(days=2)
        moment.save()
    if problem == "other org":
        moment = make_moment(org=mallory.memberships.get().org)
    with pytest.raises(services.LinkedInProblem):
        services.schedule_post(membership, moment, text, when)
    assert not LinkedInPost.objects.exists()


def test_two_workers_never_claim_the_same_post(fake, bob_connected, make_moment):
    for i in range(5):
        services.schedule_post(bob_connected, make_moment(title=f"Moment {i}"), f"Bericht {i}")
    first = worker.claim(None, limit=3)
    second = worker.claim(None, limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {p.pk for p in first} & {p.pk for p in second}


def test_cron_runperiodic_posts_what_is_due(
    fake, bob_connected, make_moment, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    services.schedule_post(bob_connected, make_moment(), "Via cron")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("runperiodic", stdout=out)
    assert "linkedin_post_jobs=1" in out.getvalue()
    assert fake.published_texts() == ["Via cron"]


def test_the_linkedin_posts_command_posts_inline(fake, bob_connected, make_moment):
    from io import StringIO

    from django.core.management import call_command

    services.schedule_post(bob_connected, make_moment(), "Zonder taakwerker")
    out = StringIO()
    call_command("linkedin_posts", stdout=out)
    assert "sent=1" in out.getvalue()
    assert fake.published_texts() == ["Zonder taakwerker"]


def test_the_page_lists_scheduled_posts_and_cancels_only_ones_own(
    fake, bob_connected, carol, make_moment, login
):
    post = services.schedule_post(
        bob_connected, make_moment(), "Morgen om negen", timezone.now() + timedelta(days=1)
    )
    connect(carol, fake, "member-2")
    as_carol = login(carol)
    assert as_carol.post("/linkedin/cancel/", {"post": post.pk}).status_code == 404
    as_carol.get("/linkedin/")  # her own page, nothing of bob's
    assert "Morgen om negen" not in as_carol.get("/linkedin/").content.decode()
    as_bob = login(bob_connected.user)
    assert "Morgen om negen" in as_bob.get("/linkedin/").content.decode()
    assert as_bob.post("/linkedin/cancel/", {"post": post.pk}).status_code == 302
    post.refresh_from_db()
    assert post.state == PostState.CANCELLED


def test_a_post_days_late_is_not_posted(fake, bob_connected, make_moment):
    post = services.schedule_post(bob_connected, make_moment(), "Dinsdag, niet vrijdag")
    worker.post_due(now=timezone.now() + timedelta(days=3))  # the worker was down
    post.refresh_from_db()
    assert (post.state, post.problem) == (PostState.FAILED, "gave_up")
    assert fake.posts == []
