"""News feeds as moment drafts: fetched with conditional requests, limits, checked redirects,
each item once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from zichtbaar.integrations import feeds, receivers
from zichtbaar.integrations.models import Feed, FeedItem
from zichtbaar.moments.models import Moment, MomentStatus, MomentType

RSS = "application/rss+xml; charset=utf-8"


def rss(items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        "<title>Acme news</title><link>https://acme.test/</link><description>News</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(n: int, link: str = "", title: str = "", extra: str = "") -> str:
    return (
        f"<item><guid>acme-{n}</guid><title>{title or f'News item {n}'}</title>"
        f"<link>{link or f'https://acme.test/news/{n}'}</link>"
        f"<description>&lt;p&gt;Item {n} &lt;b&gt;happened&lt;/b&gt;&lt;/p&gt;</description>"
        f"<pubDate>Mon, 02 Mar 2026 09:00:00 GMT</pubDate>{extra}</item>"
    )


@pytest.fixture
def feed(acme, alice, server):
    acme.default_language = "en"  # problems are written in the organisation's language
    acme.save()
    return Feed.objects.create(
        org=acme,
        name="Company blog",
        url=server.url("/feed"),
        default_type=MomentType.objects.get(org=None, key="project_delivery"),
        rules=[{"contains": "vacature", "type": "vacancy"}],
        created_by=alice,
    )


def drafts(acme):
    return Moment.objects.filter(org=acme, status=MomentStatus.DRAFT)


def test_a_feed_with_500_items_brings_each_in_once(acme, feed, server):
    server.routes["/feed"] = (200, {"Content-Type": RSS}, rss([item(n) for n in range(500)]))
    first = feeds.fetch(feed)
    assert (first.created, first.error) == (500, "")
    assert drafts(acme).count() == 500
    second = feeds.fetch(feed)  # the server ignores conditional requests here: still nothing new
    assert (second.created, second.error) == (0, "")
    assert drafts(acme).count() == 500 == FeedItem.objects.filter(feed=feed).count()
    feed.refresh_from_db()
    with translation.override("en"):
        assert feed.result_text == "0 new drafts." and feed.last_fetched_at
    assert Feed.objects.get(pk=feed.pk).last_error == ""


def test_items_become_drafts_with_title_summary_link_type_and_image(
    acme, feed, server, settings, tmp_path, login, alice
):
    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(picture, "PNG")
    server.routes["/img.png"] = (200, {"Content-Type": "image/png"}, picture.getvalue())
    thumb = f'<media:thumbnail url="{server.url("/img.png")}"/>'
    server.routes["/feed"] = (
        200,
        {"Content-Type": RSS},
        rss(
            [
                item(1, link="https://acme.test/vacatures/developer", title="Developer gezocht"),
                item(2, extra=thumb),
                item(3, title="Hello <script>alert(1)</script>"),
            ]
        ),
    )
    assert feeds.fetch(feed).created == 3
    vacancy = drafts(acme).get(link="https://acme.test/vacatures/developer")
    assert vacancy.type.key == "vacancy"
    assert vacancy.title == "Developer gezocht"
    assert vacancy.what_happened == "Item 1 happened"
    assert vacancy.happened_on == dt.date(2026, 3, 2)
    pictured = drafts(acme).get(link="https://acme.test/news/2")
    assert pictured.type.key == "project_delivery"  # no rule matched: the feed's type
    assert pictured.image and pictured.image.read()[:4] == b"\x89PNG"
    assert "<script" not in drafts(acme).get(link="https://acme.test/news/3").title
    # Comms find them among the drafts, to review and publish.
    page = login(alice).get(reverse("compose:comms_list") + "?status=draft").content.decode()
    assert "Developer gezocht" in page


def test_conditional_requests_and_304(acme, feed, server):
    body = rss([item(1)])

    def answer(seen):
        if seen["headers"].get("if-none-match") == '"v1"':
            return (304, {}, b"")
        return (
            200,
            {"Content-Type": RSS, "ETag": '"v1"', "Last-Modified": "Mon, 02 Mar 2026 09:00:00 GMT"},
            body,
        )

    server.routes["/feed"] = answer
    assert feeds.fetch(feed).created == 1
    outcome = feeds.fetch(feed)
    assert outcome.not_modified and outcome.created == 0
    sent = server.requests[-1]["headers"]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 02 Mar 2026 09:00:00 GMT"
    feed.refresh_from_db()
    with translation.override("en"):
        assert feed.result_text == "Not changed since the last fetch." and not feed.last_error
    assert drafts(acme).count() == 1


def test_a_malformed_feed_gives_a_clear_error_and_nothing(acme, feed, server, login, alice):
    broken = rss([item(1)]).replace(b"</channel></rss>", b"<item><title>Half")
    server.routes["/feed"] = (200, {"Content-Type": RSS}, broken)
    outcome = feeds.fetch(feed)
    assert "isn't a readable RSS or Atom feed" in outcome.error
    assert not drafts(acme).exists() and not FeedItem.objects.exists()
    page = login(alice).get(reverse("integrations:feed", args=[feed.pk])).content.decode()
    assert "isn&#x27;t a readable RSS or Atom feed" in page or "isn't a readable" in page


def test_a_web_page_is_not_a_feed(acme, feed, server):
    server.routes["/feed"] = (200, {"Content-Type": "text/html"}, b"<html><body>Hi</body></html>")
    assert feeds.fetch(feed).error
    assert not drafts(acme).exists()


@pytest.mark.parametrize(
    "inward",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.8/feed", "https://192.168.1.1/x"],
)
def test_a_redirect_inward_is_refused(acme, feed, server, login, alice, inward):
    server.routes["/feed"] = (302, {"Location": inward}, b"")
    outcome = feeds.fetch(feed)
    assert "redirects to an address Zichtbaar doesn't follow" in outcome.error
    assert not drafts(acme).exists()
    page = login(alice).get(reverse("integrations:feed", args=[feed.pk])).content.decode()
    assert "redirects to an address Zichtbaar" in page


def test_a_redirect_to_a_fine_address_is_followed(acme, feed, server):
    server.routes["/feed"] = (301, {"Location": "/news.xml"}, b"")
    server.routes["/news.xml"] = (200, {"Content-Type": RSS}, rss([item(7)]))
    assert feeds.fetch(feed).created == 1


def test_a_feed_over_the_size_limit_is_refused(acme, feed, server, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_FEED_BYTES", 10_000)
    server.routes["/feed"] = (200, {"Content-Type": RSS}, rss([item(n) for n in range(200)]))
    assert "larger than" in feeds.fetch(feed).error
    assert not drafts(acme).exists()


def test_periodic_runs_fetch_a_feed_at_most_every_interval(
    acme, feed, server, django_capture_on_commit_callbacks
):
    server.routes["/feed"] = (200, {"Content-Type": RSS}, rss([item(1)]))
    from zichtbaar.nudges.periodic import run_periodic

    with django_capture_on_commit_callbacks(execute=True):
        counts = run_periodic(timezone.now())  # what `zichtbaar runperiodic` runs
    assert counts["feeds"] == 1 and drafts(acme).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        counts = receivers.on_periodic_run(None, now=timezone.now())
    assert counts["feeds"] == 0 and len(server.requests) == 1
    # Two workers claiming the same due feed: one wins.
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())
    now = timezone.now()
    assert feeds.claim(feed.pk, now) is not None
    assert feeds.claim(feed.pk, now) is None


def test_comms_add_a_feed_and_internal_addresses_are_refused(login, alice, acme, public_dns):
    public_dns["intranet.acme.test"] = ["172.16.0.9"]
    client = login(alice)
    vacancy = MomentType.objects.get(org=None, key="vacancy")
    data = {
        "name": "Vacancies",
        "url": "https://intranet.acme.test/feed",
        "default_type": vacancy.pk,
        "interval_minutes": 60,
        "is_active": "on",
        "rule_1_contains": "stage",
        "rule_1_type": "learning",
    }
    page = client.post(reverse("integrations:feed_add"), data)
    assert page.status_code == 400 and 'id="id_url_errors"' in page.content.decode()
    assert not Feed.objects.exists()
    public_dns["jobs.acme.example"] = ["93.184.216.34"]
    data["url"] = "https://jobs.acme.example/feed"
    page = client.post(reverse("integrations:feed_add"), data)
    feed = Feed.objects.get()
    assert page.status_code == 302
    assert feed.rules == [{"contains": "stage", "type": "learning"}] and feed.created_by == alice


def test_feeds_are_private_to_comms_of_their_organisation(login, client, bob, otto, feed):
    urls = [
        reverse("integrations:feed", args=[feed.pk]),
        reverse("integrations:feed_delete", args=[feed.pk]),
    ]
    login(otto)
    for url in urls:
        assert client.get(url).status_code == 404
    for url in [*urls, reverse("integrations:feed_fetch", args=[feed.pk])]:
        assert client.post(url).status_code == 404
    assert "Company blog" not in client.get(reverse("integrations:index")).content.decode()
    login(bob)
    for url in [*urls, reverse("integrations:feed_add")]:
        assert client.get(url).status_code == 403
    assert Feed.objects.filter(pk=feed.pk).exists()


def test_the_outcome_is_said_in_the_readers_language(acme, feed, server):
    server.routes["/feed"] = (200, {"Content-Type": RSS}, rss([item(1)]))
    feeds.fetch(Feed.objects.get(pk=feed.pk))
    fetched = Feed.objects.get(pk=feed.pk)
    with translation.override("nl"):
        assert fetched.result_text == "1 nieuw concept."
    with translation.override("en"):
        assert fetched.result_text == "1 new draft."
