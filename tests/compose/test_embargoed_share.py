"""A moment under embargo can't be recorded as shared."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zichtbaar.sharing.models import Share


def test_an_embargoed_moment_cannot_be_recorded_as_shared(login, carol, make_moment):
    moment = make_moment(shareable_from=timezone.now() + timedelta(days=3))
    response = login(carol).post(f"/moments/{moment.pk}/shared/", {"text": "Hi"})
    assert response.status_code == 400
    assert not Share.objects.exists()
