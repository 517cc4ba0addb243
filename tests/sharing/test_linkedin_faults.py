"""Faults: a worker killed mid-post, LinkedIn timing out after it accepted the post, 429 storms,
a mix of all of them. Every chosen post is published exactly once. And every text arrives at
LinkedIn as written: reserved characters, emoji, Dutch diacritics, 3,000 characters."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.fakes.linkedin_server import FakeLinkedIn, configure, connect
from zichtbaar.sharing import services
from zichtbaar.sharing.linkedin import client, little, worker
from zichtbaar.sharing.models import LinkedInPost, PostState, Share


@pytest.fixture
def fake(settings, tmp_path):
    with FakeLinkedIn(slow_seconds=1.0) as li:
        configure(settings, li, tmp_path)
        yield li


@pytest.fixture
def people(fake, bob, carol):
    connect(bob, fake, "member-1")
    connect(carol, fake, "member-2")
    return [bob.memberships.get(), carol.memberships.get()]


class Killed(BaseException):
    """The worker process dies (not an Exception: nothing in the worker catches it)."""


def _run_until_done(now, rounds=60, step=timedelta(minutes=7)):
    """Run the worker again and again, the clock moving on, until nothing is left to do."""
    for _ in range(rounds):
        worker.post_due(now=now)
        if not LinkedInPost.objects.filter(
            state__in=[PostState.QUEUED, PostState.SENDING]
        ).exists():
            return now
        now += step
    raise AssertionError("posts still not out")


def _assert_each_published_once(fake, posts):
    texts = fake.published_texts()
    for post in posts:
        post.refresh_from_db()
        assert post.state == PostState.SENT, (post.text, post.state, post.reason)
        assert texts.count(post.text) == 1
        (published,) = [p for p in fake.posts if p["text"] == post.text]
        assert post.post_urn == published["urn"]
        share = Share.objects.get(linkedin_post=post)
        assert share.post_urn == published["urn"]
    assert len(texts) == len(posts)
    assert Share.objects.count() == len(posts)


def test_worker_killed_after_linkedin_published_is_not_posted_twice(
    fake, people, make_moment, monkeypatch
):
    post = services.schedule_post(people[0], make_moment(), "Net voor de crash (echt)")
    real = client.create_post

    def create_then_die(*args, **kwargs):
        real(*args, **kwargs)
        raise Killed

    monkeypatch.setattr(client, "create_post", create_then_die)
    now = timezone.now()
    with pytest.raises(Killed):
        worker.post_due(now=now)
    post.refresh_from_db()
    assert post.state == PostState.SENDING  # left behind by the dead worker
    assert len(fake.posts) == 1
    monkeypatch.setattr(client, "create_post", real)

    # Before the lease runs out nobody touches it; after, the next run finishes it.
    assert worker.post_due(now=now + timedelta(minutes=5)).sent == 0
    assert worker.post_due(now=now + worker.LEASE + timedelta(seconds=1)).sent == 1
    _assert_each_published_once(fake, [post])
    assert fake.refused[-1]["message"] == "duplicate"  # LinkedIn's own check said so


def test_worker_killed_before_the_request_left_posts_once(fake, people, make_moment, monkeypatch):
    post = services.schedule_post(people[0], make_moment(), "Crash voor het verzoek")

    def die(*args, **kwargs):
        raise Killed

    real = client.create_post
    monkeypatch.setattr(client, "create_post", die)
    now = timezone.now()
    with pytest.raises(Killed):
        worker.post_due(now=now)
    monkeypatch.setattr(client, "create_post", real)
    assert fake.posts == []
    worker.post_due(now=now + worker.LEASE + timedelta(seconds=1))
    _assert_each_published_once(fake, [post])


@pytest.mark.parametrize("behaviour", ["accept_then_timeout", "accept_then_drop"])
def test_linkedin_accepting_then_timing_out_counts_once(fake, people, make_moment, behaviour):
    post = services.schedule_post(people[0], make_moment(), "Time-out na acceptatie")
    fake.fault("posts", behaviour)
    now = timezone.now()
    assert worker.post_due(now=now).retry == 1
    post.refresh_from_db()
    assert post.state == PostState.QUEUED and post.reached
    assert len(fake.posts) == 1  # it is out, but we could not know
    _run_until_done(post.next_try_at)
    _assert_each_published_once(fake, [post])


def test_a_429_storm_publishes_every_post_exactly_once(fake, people, make_moment):
    posts = [
        services.schedule_post(people[i % 2], make_moment(title=f"Moment {i}"), f"Bericht {i}")
        for i in range(6)
    ]
    fake.retry_after = "120"
    fake.fault("posts", *["429"] * 25)
    now = timezone.now()
    worker.post_due(now=now)
    throttled = LinkedInPost.objects.filter(throttled__gt=0)
    assert throttled.exists()
    for post in throttled:
        assert post.next_try_at >= now + timedelta(seconds=120)  # Retry-After honoured
        assert post.attempts == 0  # LinkedIn's limit is not the post's fault
    _run_until_done(now + timedelta(seconds=121), rounds=80, step=timedelta(seconds=121))
    _assert_each_published_once(fake, posts)


def test_server_errors_back_off_and_then_publish(fake, people, make_moment):
    post = services.schedule_post(people[0], make_moment(), "Na drie fouten")
    fake.fault("posts", "500", "503", "500")
    _run_until_done(timezone.now())
    _assert_each_published_once(fake, [post])
    post.refresh_from_db()
    assert post.attempts == 4


def test_a_post_that_cannot_get_through_gives_up_and_says_it_may_be_out(fake, people, make_moment):
    post = services.schedule_post(people[0], make_moment(), "Blijft hangen")
    fake.fault("posts", "accept_then_drop")
    fake.default_faults["posts"] = "500"
    now = timezone.now()
    for _ in range(12):
        worker.post_due(now=now)
        now += timedelta(hours=6)
    post.refresh_from_db()
    assert (post.state, post.problem) == (PostState.FAILED, "gave_up")
    assert "may have been published" in post.reason
    assert len(fake.posts) == 1


def test_chaos_every_post_exactly_once(fake, people, make_moment, monkeypatch):
    rng = random.Random(14)
    posts = [
        services.schedule_post(people[i % 2], make_moment(title=f"Chaos {i}"), f"Chaos {i} #Test")
        for i in range(8)
    ]
    faults = ["", "", "429", "500", "accept_then_timeout", "accept_then_drop", "drop", "timeout"]
    fake.fault("posts", *[rng.choice(faults) for _ in range(20)])
    fake.retry_after = "30"
    real = client.create_post
    kills = {"left": 3}

    def sometimes_die(*args, **kwargs):
        result = real(*args, **kwargs)
        if kills["left"] and rng.random() < 0.3:
            kills["left"] -= 1
            raise Killed
        return result

    monkeypatch.setattr(client, "create_post", sometimes_die)
    now = timezone.now()
    for _ in range(80):
        with contextlib.suppress(Killed):
            worker.post_due(now=now)
        if not LinkedInPost.objects.exclude(state=PostState.SENT).exists():
            break
        now += timedelta(minutes=11)
    _assert_each_published_once(fake, posts)


# --- texts arrive as written -------------------------------------------------------------

TEXTS = {
    "every reserved character": "Haakjes (zo) [en zo] {of zo} <of zo> @iedereen | a*b_c~d \\ en #Trots! \\#niet",
    "emoji": "Gelukt 🎉👩🏽‍💻🇳🇱❤️‍🔥 — dank aan het team 🙏",
    "Dutch diacritics": "Ĳverig geëvalueerd: café, reünie, coöperatie, één, naïef, ‘Zo’ zei ze — „echt”.",
    "line breaks": "Eerste regel\n\nTweede regel\r\nDerde\tmet tab",
    "a link with reserved characters": "Lees meer: https://acme.test/l/Ab_c-D~e(1)#sectie",
}


@pytest.mark.parametrize("name", list(TEXTS))
def test_texts_arrive_byte_for_byte(fake, people, make_moment, name):
    text = TEXTS[name]
    services.schedule_post(people[0], make_moment(), text)
    assert worker.post_due().sent == 1
    (published,) = fake.posts
    assert published["complete"]
    assert published["text"].encode("utf-8") == text.encode("utf-8")
    assert published["commentary"] == little.commentary(text)


def test_3000_characters_with_everything_arrive_byte_for_byte(fake, people, make_moment):
    pieces = "Trots op ons team (écht) #Eindhoven 🎉 a_b*c~d [x] {y} <z> @wij | \\ ĳs\n"
    text = (pieces * 60)[:3000]
    assert len(text) == 3000
    post = services.schedule_post(people[0], make_moment(), text)
    assert worker.post_due().sent == 1
    (published,) = fake.posts
    assert published["complete"]
    assert published["text"].encode("utf-8") == text.encode("utf-8")
    post.refresh_from_db()
    assert post.state == PostState.SENT
