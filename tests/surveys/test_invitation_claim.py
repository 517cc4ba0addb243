"""A single-use invitation starts exactly one response, even when browsers race with the link."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import Client
from django.urls import reverse

from zichtbaar.surveys import services
from zichtbaar.surveys.models import Response, Survey, SurveyInvitation

USED = "This invitation link has already been used."


@pytest.fixture
def survey(acme):
    s = services.create_survey(
        acme,
        title_en="Sharing about our work",
        title_nl="Delen over ons werk",
        blocks=["engagement"],
        invitation_only=True,
    )
    services.set_status(s, Survey.Status.OPEN)
    return s


def _url(survey, **params):
    url = reverse("surveys:take", args=[survey.token])
    query = "&".join(f"{k}={v}" for k, v in ({"lang": "en"} | params).items())
    return f"{url}?{query}"


def _first_page(client, survey, **params):
    return client.post(
        _url(survey, page=1, **params), {"page": 1, "willing_likert": "4", "action": "next"}
    )


def _finish(client, survey):
    """Answer the remaining pages (every engagement statement a 4)."""
    total = len(survey.blocks)
    for page in range(2, total + 1):
        data = {"page": page, "action": "next"}
        data |= {item["id"]: "4" for item in survey.blocks[page - 1]["items"]}
        resp = client.post(_url(survey, page=page), data)
        assert resp.status_code == 302


def test_the_second_browser_with_the_same_invitation_stores_nothing_and_is_told_why(survey):
    (token,) = services.create_invitations(survey, 1)
    first, second = Client(), Client()
    # both open the link before either has answered a page
    assert first.get(_url(survey, page=1, i=token)).status_code == 200
    assert second.get(_url(survey, page=1, i=token)).status_code == 200

    assert _first_page(first, survey).status_code == 302
    refused = _first_page(second, survey)

    assert refused.status_code == 403
    assert USED in refused.content.decode()
    assert Response.objects.count() == 1
    assert SurveyInvitation.objects.get().used
    # opening the link again gives the same plain answer
    again = second.get(_url(survey, page=1, i=token))
    assert again.status_code == 403 and USED in again.content.decode()

    # the browser that holds the response carries on, even through the link itself
    assert first.get(_url(survey, page=1, i=token)).status_code == 200
    _finish(first, survey)
    assert list(Response.objects.values_list("completed", flat=True)) == [True]
    assert _first_page(second, survey).status_code == 403
    assert Response.objects.count() == 1
    # a link that was never an invitation keeps the general message
    wrong = _first_page(Client(), survey, i="not-a-real-one")
    assert wrong.status_code == 403 and "personal invitation link" in wrong.content.decode()
    assert USED not in wrong.content.decode()


def test_the_invitation_link_opens_the_introduction_and_start_keeps_it(client, survey):
    (token,) = services.create_invitations(survey, 1)
    intro = client.get(_url(survey, i=token))
    assert intro.status_code == 200 and 'href="?page=1"' in intro.content.decode()
    # the Start button's link has no invitation in it: the browser keeps it
    assert client.get(_url(survey, page=1)).status_code == 200
    assert _first_page(client, survey).status_code == 302
    assert Response.objects.count() == 1 and SurveyInvitation.objects.get().used


class Browsers:
    """Threads that each hold their own database connection, as gunicorn's workers would.

    SQLite's in-memory test database can only be shared by connections in shared-cache mode,
    where a locked table fails at once instead of waiting (busy_timeout) as a database file
    does. So on SQLite the browsers race on a file copy (WAL, as in production), read back here.
    """

    def __init__(self, tmp_path) -> None:
        self.copy: dict | None = None
        self.alias = DEFAULT_DB_ALIAS
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            self.copy = {**connection.settings_dict, "NAME": str(tmp_path / "race.sqlite3")}
            connection.ensure_connection()
            target = sqlite3.connect(self.copy["NAME"])
            connection.connection.backup(target)
            target.close()
            self.alias = "race"
            connections[self.alias] = SQLiteWrapper(self.copy, self.alias)

    def run(self, count: int, browse) -> None:  # noqa: ANN001
        def thread() -> None:
            if self.copy:
                connections[DEFAULT_DB_ALIAS] = SQLiteWrapper(self.copy, DEFAULT_DB_ALIAS)
            try:
                browse()
            finally:
                connections[DEFAULT_DB_ALIAS].close()  # this thread's own connection

        threads = [threading.Thread(target=thread) for _ in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def __enter__(self) -> Browsers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.copy:
            connections[self.alias].close()
            del connections[self.alias]


@pytest.mark.django_db(transaction=True)
def test_four_browsers_racing_with_one_invitation_make_one_response(survey, tmp_path):
    (token,) = services.create_invitations(survey, 1)
    count = 4
    start = threading.Barrier(count)
    statuses: list[int] = []
    bodies: list[str] = []
    lock = threading.Lock()

    def browser() -> None:
        client = Client()
        opened = client.get(_url(survey, page=1, i=token)).status_code
        start.wait(timeout=30)  # all four have the page open, then all press Next at once
        resp = _first_page(client, survey)
        with lock:
            statuses.append(opened)
            statuses.append(resp.status_code)
            bodies.append(resp.content.decode())

    with Browsers(tmp_path) as race:  # once the invitation is in
        race.run(count, browser)
        responses = Response.objects.using(race.alias).count()
        used = SurveyInvitation.objects.using(race.alias).filter(used=True).count()

    assert sorted(statuses) == [200, 200, 200, 200, 302, 403, 403, 403]
    assert sum(USED in body for body in bodies) == 3
    assert responses == 1
    assert used == 1
