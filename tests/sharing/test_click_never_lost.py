"""A click is never lost: a busy database is tried again, a refusing one leaves the click in a
spool that `runperiodic` drains, and the visitor is redirected either way."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.db.backends import utils
from django.utils import timezone

from zichtbaar.sharing.models import Click, TrackedLink
from zichtbaar.sharing.services import get_or_create_link, visitor_hash

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
BOT = "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"


@pytest.fixture
def link(make_moment, bob) -> TrackedLink:
    found = get_or_create_link(make_moment(), bob)
    assert found is not None
    return found


@pytest.fixture
def spool(settings, tmp_path):
    settings.ZICHTBAAR_CLICK_SPOOL = str(tmp_path / "clicks-spool.jsonl")
    return tmp_path / "clicks-spool.jsonl"


def refuse_clicks(monkeypatch, times: int | None) -> None:
    """The database answers 'database is locked' to the next `times` click INSERTs (None: all)."""
    real = utils.CursorWrapper.execute
    refused = 0

    def execute(self, sql, params=None):
        nonlocal refused
        is_click = sql.startswith("INSERT INTO") and "sharing_click" in sql
        if is_click and (times is None or refused < times):
            refused += 1
            raise OperationalError("database is locked")
        return real(self, sql, params)

    monkeypatch.setattr(utils.CursorWrapper, "execute", execute)


def follow(client, link, ua=CHROME, address="198.51.100.20"):
    return client.get(f"/l/{link.code}", HTTP_USER_AGENT=ua, REMOTE_ADDR=address)


def test_a_click_the_database_refuses_twice_is_stored_on_a_later_try(
    client, link, spool, monkeypatch
):
    refuse_clicks(monkeypatch, times=2)

    response = follow(client, link)

    assert response.status_code == 302
    assert response["Location"] == link.destination
    assert Click.objects.filter(link=link).count() == 1
    assert not spool.exists()


def test_a_click_the_database_never_takes_is_spooled_and_stored_by_runperiodic(
    client, link, spool, monkeypatch
):
    refuse_clicks(monkeypatch, times=None)

    for ua in (CHROME, BOT):
        response = follow(client, link, ua=ua)
        assert response.status_code == 302
        assert response["Location"] == link.destination
    assert not Click.objects.exists()
    assert "198.51.100.20" not in spool.read_text()  # only the daily hash, never the address

    monkeypatch.undo()
    call_command("runperiodic")

    clicks = list(Click.objects.filter(link=link).order_by("is_bot"))
    assert [c.is_bot for c in clicks] == [False, True]
    today = timezone.localdate()
    assert clicks[0].visitor == visitor_hash("198.51.100.20", CHROME, today)
    call_command("runperiodic")  # drained once: running again stores nothing twice
    assert Click.objects.filter(link=link).count() == 2


def test_a_spooled_click_on_a_link_deleted_since_goes_with_the_link(
    client, link, spool, monkeypatch
):
    refuse_clicks(monkeypatch, times=None)
    assert follow(client, link).status_code == 302
    monkeypatch.undo()
    TrackedLink.objects.filter(pk=link.pk).delete()

    call_command("runperiodic")

    assert not Click.objects.exists()
    assert spool.read_text() == ""
