"""Tracked links: /l/<code> redirects to the stored destination and records every click."""

from __future__ import annotations

import http.client
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db.models import Count
from django.test import Client

from zichtbaar.sharing.models import Click, TrackedLink
from zichtbaar.sharing.services import (
    campaign_for,
    get_or_create_link,
    is_bot,
    record_click,
    visitor_hash,
    with_utm,
)


def clicks_summary(link_ids: list[int]) -> dict[str, int]:
    """The raw clicks stored for these links: by people (bots excluded), and distinct visitors."""
    qs = Click.objects.filter(link_id__in=link_ids, is_bot=False)
    return qs.aggregate(clicks=Count("id"), visitors=Count("visitor", distinct=True))


CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
BROWSERS = [
    CHROME,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
    # LinkedIn's in-app browser is a person reading the post, not a preview fetcher.
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8962",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 LinkedInApp/9.28.1520",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 LinkedInApp/4.1.9",
]
BOTS = [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "WhatsApp/2.23.20.0 A",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "TelegramBot (like TwitterBot)",
    "curl/8.5.0",
    "",
    "   ",
]


@pytest.fixture
def link(make_moment, bob) -> TrackedLink:
    found = get_or_create_link(make_moment(), bob)
    assert found is not None
    return found


def follow(client, link, ua=CHROME, address="198.51.100.20", **extra):
    return client.get(f"/l/{link.code}", HTTP_USER_AGENT=ua, REMOTE_ADDR=address, **extra)


# --- unknown codes ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["nope", "A" * 12, "x" * 200, "a%20b", "%00", "é"])
def test_unknown_code_is_a_friendly_404(client, db, code):
    response = client.get(f"/l/{code}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert b"<h1>" in response.content and b"Zichtbaar" in response.content
    assert "Location" not in response
    assert not Click.objects.exists()


# --- the destination ----------------------------------------------------------------------


def test_redirects_to_the_moment_link_with_utm_parameters(client, link):
    response = follow(client, link)
    assert response.status_code == 302
    location = response["Location"]
    assert location == link.destination
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "acme.test", "/cases/library")
    assert location.startswith("https://acme.test/cases/library?ref=site&")
    assert parse_qs(parts.query) == {
        "ref": ["site"],
        "utm_source": ["linkedin"],
        "utm_medium": ["employee_advocacy"],
        "utm_campaign": [campaign_for(link.moment)],
        "utm_content": [link.code],
    }
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_one_link_per_person_and_moment(make_moment, bob, carol):
    moment = make_moment()
    first = get_or_create_link(moment, bob)
    assert get_or_create_link(moment, bob) == first
    other = get_or_create_link(moment, carol)
    assert other != first and other.code != first.code
    assert len(first.code) >= 12  # 72 random bits


def test_with_utm_keeps_existing_parameters_as_written():
    url = "https://x.test/p?b=2&a=%2Fpath&q=a+b&flag&utm_source=newsletter&UTM_Medium=mail#top"
    result = with_utm(url, campaign="moment-7", content="abc")
    assert result == (
        "https://x.test/p?b=2&a=%2Fpath&q=a+b&flag&utm_source=linkedin"
        "&utm_medium=employee_advocacy&utm_campaign=moment-7&utm_content=abc#top"
    )
    assert with_utm("https://x.test/", campaign="c", content="d") == (
        "https://x.test/?utm_source=linkedin&utm_medium=employee_advocacy&utm_campaign=c&utm_content=d"
    )


@pytest.mark.parametrize(
    "suffix",
    [
        "?next=https://evil.test",
        "?url=//evil.test&utm_source=evil&utm_content=evil",
        "?redirect_to=https%3A%2F%2Fevil.test%2F",
        "#https://evil.test",
    ],
)
def test_query_parameters_cannot_change_the_destination(client, link, suffix):
    response = client.get(f"/l/{link.code}{suffix}", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 302
    assert response["Location"] == link.destination


@pytest.mark.parametrize(
    "path",
    [
        "/l/{code}/../",
        "/l/{code}/",
        "/l/{code}//evil.test",
        "/l/{code}/https://evil.test",
        "//evil.test/l/{code}",
        "/l//evil.test",
        "/l/%2F%2Fevil.test",
        "/l/{code}%2F..%2F..%2F",
        "/l/{code}%0d%0aLocation:%20https://evil.test",
    ],
)
def test_path_tricks_cannot_change_the_destination(client, link, path):
    response = client.get(path.format(code=link.code), HTTP_USER_AGENT=CHROME)
    location = response.get("Location", "")
    assert "evil" not in location
    assert response.status_code == 404 or location == link.destination


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_FORWARDED_HOST": "evil.test"},
        {"HTTP_X_FORWARDED_PROTO": "http", "HTTP_X_FORWARDED_PREFIX": "//evil.test"},
        {"HTTP_X_ORIGINAL_URL": "/l/other", "HTTP_X_REWRITE_URL": "https://evil.test/"},
        {"HTTP_REFERER": "https://evil.test/", "HTTP_FORWARDED": "host=evil.test"},
        {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.1"},
    ],
)
def test_headers_cannot_change_the_destination(client, link, headers):
    response = follow(client, link, **headers)
    assert response.status_code == 302
    assert response["Location"] == link.destination


def test_a_foreign_host_header_never_redirects_elsewhere(client, link):
    response = follow(client, link, HTTP_HOST="evil.test")
    # Django refuses hosts outside ALLOWED_HOSTS (400); either way no redirect to evil.test.
    assert response.status_code in (302, 400)
    assert "evil" not in response.get("Location", "")
    if response.status_code == 302:
        assert response["Location"] == link.destination


# --- methods ------------------------------------------------------------------------------


def test_head_answers_the_redirect_and_counts_no_person(client, link):
    response = client.head(f"/l/{link.code}", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 302
    assert response["Location"] == link.destination
    click = Click.objects.get()
    assert click.is_bot  # no person's browser sends HEAD to follow a link
    assert clicks_summary([link.id]) == {"clicks": 0, "visitors": 0}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_405(link, method):
    client = Client(enforce_csrf_checks=True)  # a real POST is 405, not a CSRF 403
    response = getattr(client, method)(f"/l/{link.code}")
    assert response.status_code == 405
    assert "Location" not in response
    assert not Click.objects.exists()


# --- clicks -------------------------------------------------------------------------------


@pytest.mark.parametrize("ua", BOTS)
def test_bots_and_preview_fetchers_are_flagged_and_never_counted(client, link, ua):
    response = follow(client, link, ua=ua)
    assert response.status_code == 302  # a preview still gets the real page
    assert is_bot(ua)
    assert Click.objects.get().is_bot
    assert clicks_summary([link.id]) == {"clicks": 0, "visitors": 0}


@pytest.mark.parametrize("ua", BROWSERS)
def test_people_are_counted(client, link, ua):
    follow(client, link, ua=ua)
    assert not is_bot(ua)
    assert not Click.objects.get().is_bot
    assert clicks_summary([link.id]) == {"clicks": 1, "visitors": 1}


def test_linkedin_app_is_a_person_but_linkedin_bot_is_not():
    assert not is_bot("Mozilla/5.0 (iPhone) Mobile/15E148 [LinkedInApp]/9.29.8962")
    assert is_bot(
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
    )


def test_bots_do_not_dilute_people(client, link):
    for ua in BOTS:
        follow(client, link, ua=ua)
    follow(client, link, ua=BROWSERS[0], address="198.51.100.1")
    follow(client, link, ua=BROWSERS[0], address="198.51.100.1")
    follow(client, link, ua=BROWSERS[4], address="198.51.100.2")
    assert Click.objects.count() == len(BOTS) + 3
    assert clicks_summary([link.id]) == {"clicks": 3, "visitors": 2}


def test_same_visitor_on_one_day_is_one_unique_visitor(client, link):
    follow(client, link, address="198.51.100.7")
    follow(client, link, address="198.51.100.7")
    follow(client, link, address="198.51.100.8")  # someone else, same browser version
    hashes = list(Click.objects.order_by("id").values_list("visitor", flat=True))
    assert hashes[0] == hashes[1] != hashes[2]
    assert clicks_summary([link.id]) == {"clicks": 3, "visitors": 2}


def test_the_same_visitor_on_different_days_gets_different_hashes(link):
    monday = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    first = record_click(link.id, "198.51.100.7", CHROME, at=monday)
    later = record_click(link.id, "198.51.100.7", CHROME, at=monday + timedelta(hours=3))
    tuesday = record_click(link.id, "198.51.100.7", CHROME, at=monday + timedelta(days=1))
    assert first.visitor == later.visitor != tuesday.visitor
    assert len(first.visitor) == 32
    assert clicks_summary([link.id]) == {"clicks": 3, "visitors": 2}
    # Deterministic within a day, different across days, and not a bare hash of the address.
    day = monday.date()
    assert visitor_hash("a", CHROME, day) == visitor_hash("a", CHROME, day)
    assert visitor_hash("a", CHROME, day) != visitor_hash("a", CHROME, day + timedelta(days=1))
    assert visitor_hash("a", CHROME, day) != visitor_hash("b", CHROME, day)


def test_no_address_is_stored(client, link):
    follow(client, link, address="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.77")
    follow(client, link, address="198.51.100.99")
    assert {f.name for f in Click._meta.concrete_fields} == {
        "id",
        "link",
        "at",
        "visitor",
        "is_bot",
    }
    for row in Click.objects.values():
        for value in row.values():
            for address in ("10.1.2.3", "203.0.113.77", "198.51.100.99"):
                assert address not in str(value)


def test_behind_a_local_proxy_the_forwarded_address_tells_visitors_apart(client, link):
    follow(client, link, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    follow(client, link, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    # A client cannot pose as someone else: only the entry our proxy appended counts.
    follow(client, link, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.3, 203.0.113.1")
    assert clicks_summary([link.id]) == {"clicks": 3, "visitors": 2}


def test_without_a_fast_cache_each_click_is_one_lookup_and_one_insert(
    client, link, django_assert_num_queries
):
    for _ in range(2):
        with django_assert_num_queries(2):  # indexed SELECT + INSERT, never a cache table
            assert follow(client, link).status_code == 302


@pytest.fixture
def _fast_cache(settings):
    settings.ZICHTBAAR_LINK_CACHE = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("_fast_cache")
def test_a_cached_link_needs_only_the_insert(client, link, django_assert_num_queries):
    with django_assert_num_queries(2):  # indexed SELECT + INSERT
        assert follow(client, link).status_code == 302
    with django_assert_num_queries(1):  # INSERT only
        assert follow(client, link)["Location"] == link.destination
    assert Click.objects.count() == 2


@pytest.mark.usefixtures("_fast_cache")
@pytest.mark.django_db(transaction=True)
def test_a_deleted_link_is_404_even_while_cached(client, make_moment, bob):
    link = get_or_create_link(make_moment(), bob)
    assert follow(client, link).status_code == 302
    TrackedLink.objects.filter(pk=link.pk).delete()
    assert follow(client, link).status_code == 404
    assert not Click.objects.exists()


# --- a burst of concurrent clicks ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_concurrent_clicks_is_recorded_completely(live_server, make_moment, bob):
    link = get_or_create_link(make_moment(), bob)
    host, port = urlsplit(live_server.url).netloc.split(":")
    total, threads = 200, 16
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def fire(n: int) -> None:
        for i in range(n):
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            try:  # http.client never follows redirects
                conn.request("GET", f"/l/{link.code}", headers={"User-Agent": BROWSERS[i % 5]})
                response = conn.getresponse()
                response.read()
                with lock:
                    results.append((response.status, response.getheader("Location")))
            finally:
                conn.close()

    workers = [
        threading.Thread(target=fire, args=(total // threads + (t < total % threads),))
        for t in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert len(results) == total
    assert set(results) == {(302, link.destination)}
    assert Click.objects.filter(link=link).count() == total
