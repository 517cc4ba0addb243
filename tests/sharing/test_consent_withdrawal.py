"""Withdrawing consent to tracking stops counting clicks at once; the link still works."""

from __future__ import annotations

from zichtbaar.sharing.models import Click, TrackedLink

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0"


def test_withdrawn_consent_stops_counting_at_once(login, carol, make_moment, client):
    moment = make_moment()
    login(carol).get(f"/moments/{moment.pk}/")
    code = TrackedLink.objects.get(user=carol).code
    client.get(f"/l/{code}", HTTP_USER_AGENT=BROWSER)
    assert Click.objects.count() == 1
    me = login(carol)
    profile = carol.profile
    data = {
        "language": "en",
        "job_title": "",
        "connections": profile.connections,
        "followers": 0,
        "barrier": "value",
        "expertise_text": "",
    }  # consent_tracking unticked
    assert me.post("/me/", data).status_code == 302
    client.logout()
    response = client.get(f"/l/{code}", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302  # people still get where they were going
    assert Click.objects.count() == 1
