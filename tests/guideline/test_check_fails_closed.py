"""When the "May I share this?" check fails, it says it couldn't check, never "go ahead": in the
editor's live check, on the comms "try a text" page and in the JSON API."""

from __future__ import annotations

import json
from html import unescape

import pytest

from zichtbaar.guideline import checker

COULD_NOT_CHECK = (
    "We couldn't check this text just now. Please read the guideline before you share."
)
TEXT = "Proud of the team at Acme. I work at Acme."  # a text the check answers "go" for


def _boom(*args, **kwargs):
    raise RuntimeError("the checker broke")


@pytest.fixture
def broken_checker(monkeypatch):
    monkeypatch.setattr(checker, "_check", _boom)


def _live_check(client, moment):
    response = client.post(f"/moments/{moment.pk}/check/", {"text": TEXT}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_crashing_check_tells_the_person_to_read_the_guideline(
    login, carol, make_moment, monkeypatch
):
    client, moment = login(carol), make_moment()
    assert "Go ahead" in _live_check(client, moment)  # while the check works
    monkeypatch.setattr(checker, "_check", _boom)
    html = _live_check(client, moment)
    assert COULD_NOT_CHECK in html
    assert "Go ahead" not in html and "Nothing to change" not in html
    assert "Where in your text" not in html  # nothing was marked
    assert 'href="/guideline/"' in html


@pytest.mark.usefixtures("broken_checker")
def test_comms_trying_a_text_see_the_same_warning(login, alice):
    response = login(alice).post("/comms/rules/try/", {"text": TEXT, "language": "en"})
    html = unescape(response.content.decode())
    assert COULD_NOT_CHECK in html and "Go ahead" not in html


@pytest.mark.usefixtures("broken_checker")
def test_the_api_answers_unchecked_with_the_message(login, carol):
    response = login(carol).post(
        "/api/check/", json.dumps({"text": TEXT}), content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "unchecked" and body["verdict"] != "go"
    assert body["message"] == COULD_NOT_CHECK


def test_one_failing_detector_makes_the_verdict_unchecked_not_go(monkeypatch):
    monkeypatch.setattr(checker._Run, "personal_data", _boom)  # e.g. a library bug on a number
    verdict = checker.check("My BSN is 111222333.", checker.CheckContext())
    assert verdict.verdict == "unchecked"
