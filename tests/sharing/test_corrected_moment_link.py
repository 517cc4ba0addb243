"""Tracked links already handed out follow a moment whose link comms corrected."""

from __future__ import annotations

from zichtbaar.moments import services as moment_services
from zichtbaar.sharing.models import TrackedLink

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0"


def test_tracked_links_follow_a_corrected_moment_link(
    login, carol, make_moment, client, django_capture_on_commit_callbacks
):
    moment = make_moment(link="https://acme.test/typo")
    login(carol).get(f"/moments/{moment.pk}/")
    code = TrackedLink.objects.get(user=carol).code
    assert client.get(f"/l/{code}", HTTP_USER_AGENT=BROWSER)["Location"].startswith(
        "https://acme.test/typo?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        moment_services.update_moment(moment, {"link": "https://acme.test/fixed"})
    assert client.get(f"/l/{code}", HTTP_USER_AGENT=BROWSER)["Location"].startswith(
        "https://acme.test/fixed?"
    )
