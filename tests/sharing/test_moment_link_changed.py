"""When comms correct a moment's link, the tracked links already in posts follow it, and no
cached copy of the old address outlives the correction."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from zichtbaar.moments import services as moment_services
from zichtbaar.moments.signals import moment_link_changed
from zichtbaar.sharing.models import TrackedLink
from zichtbaar.sharing.selectors import link_destination
from zichtbaar.sharing.services import get_or_create_link, refresh_destinations

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/124.0"


@pytest.fixture
def _fast_cache(settings):
    settings.ZICHTBAAR_LINK_CACHE = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def test_a_corrected_link_is_announced_only_once_it_is_saved(
    make_moment, django_capture_on_commit_callbacks
):
    moment = make_moment(link="https://acme.test/typo")
    heard = []

    def listener(sender, *, moment, **kwargs):
        heard.append(moment.link)

    moment_link_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            moment_services.update_moment(moment, {"link": "https://acme.test/fixed"})
            assert heard == []  # not before the correction commits
        for callback in callbacks:
            callback()
        assert heard == ["https://acme.test/fixed"]
        with django_capture_on_commit_callbacks(execute=True):
            moment_services.update_moment(moment, {"title": "Same link, new title"})
        assert heard == ["https://acme.test/fixed"]  # nothing to announce
    finally:
        moment_link_changed.disconnect(listener)


@pytest.mark.usefixtures("_fast_cache")
def test_a_redirect_during_the_correction_cannot_keep_the_old_address_cached(
    client, make_moment, bob, django_capture_on_commit_callbacks
):
    moment = make_moment(link="https://acme.test/typo")
    link = get_or_create_link(moment, bob)
    assert link is not None
    old = link_destination(link.code)  # a click before the correction: cached
    assert old is not None and old[1].startswith("https://acme.test/typo?")
    moment.link = "https://acme.test/fixed"
    moment.save()
    with django_capture_on_commit_callbacks() as callbacks:
        refresh_destinations(moment)
    # Another worker's redirect between the update and its commit still reads the old row
    # and caches it.
    cache.set(f"zichtbaar:link:{link.code}", old, 300)
    for callback in callbacks:  # the update commits
        callback()
    location = client.get(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER)["Location"]
    assert location == TrackedLink.objects.get(pk=link.pk).destination
    assert location.startswith("https://acme.test/fixed?")
