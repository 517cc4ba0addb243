"""The guideline and the check in the product: reading, acknowledging, the live check, sharing
with findings, the comms screens, the command line and the JSON API."""

from __future__ import annotations

import io
import json
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zichtbaar.demo.guideline import load_demo_guideline
from zichtbaar.guideline import services
from zichtbaar.guideline.models import Acknowledgement, Client, ConfidentialTerm, Rule, RuleHit

VALID_BSN = "111222333"


@pytest.fixture
def guideline(acme):
    return load_demo_guideline(acme)


def _ack(user, version):
    services.acknowledge(user, version)


def test_reading_and_acknowledging_the_guideline(login, bob, guideline):
    client = login(bob)
    page = client.get("/guideline/").content.decode()
    assert guideline.title_nl in page and "Ja, dat mag" in page
    assert 'id="personal_data"' in page
    response = client.post("/guideline/", {"next": "/moments/1/"})
    assert response["Location"] == "/moments/1/"
    assert Acknowledgement.objects.filter(user=bob, version=guideline).exists()
    # An unsafe next is refused.
    assert client.post("/guideline/", {"next": "https://evil.test/"})["Location"] == "/"


def test_sharing_asks_to_acknowledge_first_and_again_for_a_new_version(
    login, carol, guideline, make_moment
):
    moment = make_moment()
    client = login(carol)
    # Asked in place on the compose page (the share flow, tests/compose/test_share_flow.py).
    response = client.post(f"/moments/{moment.pk}/linkedin/", {"text": "Proud of this project."})
    assert response.status_code == 200 and "Before you share" in response.content.decode()
    _ack(carol, guideline)
    assert client.post(
        f"/moments/{moment.pk}/linkedin/", {"text": "Proud of this project. I work at Acme."}
    )["Location"].startswith("https://www.linkedin.com/")
    newer = services.publish_version(services.new_version(guideline.org, None))
    assert newer.number == 2 and newer.sections.count() == guideline.sections.count()
    again = client.post(f"/moments/{moment.pk}/linkedin/", {"text": "Proud."})
    assert again.status_code == 200 and "Before you share" in again.content.decode()


def test_live_check_marks_a_bsn_and_turns_green_without_it(login, carol, make_moment):
    moment = make_moment()
    client = login(carol)
    bad = client.post(
        f"/moments/{moment.pk}/check/",
        {"text": f"Great project! My BSN is {VALID_BSN}."},
        HTTP_HX_REQUEST="true",
    )
    html = bad.content.decode()
    assert "Please change" in html and '<mark data-finding="1"><a href="#finding-1"' in html
    assert VALID_BSN in html.split("<mark", 1)[1].split("</mark>", 1)[0]
    good = client.post(
        f"/moments/{moment.pk}/check/",
        {"text": "Great project! Proud of the team at Acme."},
        HTTP_HX_REQUEST="true",
    )
    assert "Go ahead" in good.content.decode()


def test_change_findings_ask_for_confirmation_and_blocking_rules_refuse(
    login, carol, acme, make_moment, guideline
):
    moment = make_moment()
    _ack(carol, guideline)
    client = login(carol)
    text = f"Great project! Call me, BSN {VALID_BSN}."
    first = client.post(f"/moments/{moment.pk}/linkedin/", {"text": text})
    assert first.status_code == 200 and "Share anyway?" in first.content.decode()
    confirmed = client.post(f"/moments/{moment.pk}/linkedin/", {"text": text, "confirm": "1"})
    assert (
        confirmed.status_code == 302
        and urlsplit(confirmed["Location"]).netloc == "www.linkedin.com"
    )
    assert RuleHit.objects.get(org=acme, code="personal_data.national_id").count == 1
    Rule.objects.create(
        org=acme, code="personal_data.national_id", severity="change", blocking=True
    )
    services.bump_revision(acme)
    blocked = client.post(f"/moments/{moment.pk}/linkedin/", {"text": text, "confirm": "1"})
    assert blocked.status_code == 400


def test_comms_rules_screen_saves_severity_and_shows_counts_without_names(login, alice, bob, acme):
    RuleHit.objects.create(org=acme, code="form.hashtags", day="2026-11-20", count=7)
    client = login(alice)
    page = client.get("/comms/rules/").content.decode()
    assert "form.hashtags" in page and ">7<" in page and "Bob" not in page
    data = {}
    from zichtbaar.guideline.forms import RULE_CODES

    for code in RULE_CODES:
        p = code.replace(".", "-")
        data.update({f"{p}-enabled": "on", f"{p}-severity": "change", f"{p}-section": ""})
    data["form-hashtags-severity"] = "tip"
    data["form-shouting-enabled"] = ""
    data.update({"settings-max_hashtags": "3", "settings-internal_hosts": "intranet.acme.test"})
    response = client.post("/comms/rules/", data)
    assert response.status_code == 302
    assert not Rule.objects.get(org=acme, code="form.shouting").enabled
    assert acme.check_settings.max_hashtags == 3
    assert login(bob).get("/comms/rules/").status_code == 403


def test_ten_thousand_terms_in_one_upload_and_they_are_found(login, alice, acme):
    terms = "\n".join(f"Codenaam {i}" for i in range(10_000)) + "\nProject Kraanvogel\n"
    response = login(alice).post("/comms/rules/upload/terms/", {"text": terms})
    assert response.status_code == 302
    assert ConfidentialTerm.objects.filter(org=acme).count() == 10_001
    result = login(alice).post(
        "/comms/rules/try/",
        {"text": "Over project kraanvogel kan ik nog niets zeggen.", "language": "nl"},
    )
    assert "confidential" in result.content.decode() or "<mark" in result.content.decode()


def test_client_register_upload_is_all_or_nothing_with_row_numbers(login, alice, acme):
    client = login(alice)
    bad = client.post(
        "/comms/rules/upload/clients/",
        {"text": "name,may_be_named,until\nGood BV,yes,\nBad BV,maybe,\nLate BV,no,31-13-2026\n"},
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Row 3" in html and "Row 4" in html
    assert not Client.objects.filter(org=acme).exists()
    ok = client.post(
        "/comms/rules/upload/clients/",
        {"text": "name,aliases,may_be_named,until\nGood BV,Good|GBV,yes,2027-01-01\n"},
    )
    assert ok.status_code == 302
    assert Client.objects.get(org=acme).alias_list == ["Good", "GBV"]


def test_check_post_command_prints_the_json_contract(acme, tmp_path, capsys):
    path = tmp_path / "post.txt"
    path.write_text(f"Mooi project! Mijn BSN is {VALID_BSN}.", encoding="utf-8")
    call_command("check_post", "--org", "acme", "--lang", "nl", "--json", str(path))
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "change"
    finding = next(f for f in data["findings"] if f["code"] == "personal_data.national_id")
    assert set(finding) == {"code", "severity", "start", "end", "message", "suggestion", "section"}
    assert path.read_text()[finding["start"] : finding["end"]] == VALID_BSN
    with pytest.raises(CommandError):
        call_command("check_post", "--org", "nope", str(path))


def test_import_commands(acme, tmp_path):
    terms = tmp_path / "terms.csv"
    terms.write_text("term\nBlauwe Reiger\nAtlas\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_terms", "--org", "acme", "--lang", "en", str(terms), stdout=out)
    assert "2 terms added" in out.getvalue()
    clients = tmp_path / "clients.csv"
    clients.write_text("name,may_be_named\nX BV,perhaps\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_clients", "--org", "acme", "--lang", "en", str(clients), stderr=io.StringIO()
        )
    assert not Client.objects.exists()


def test_json_api_answers_like_the_command_and_explains_bad_input(login, carol, make_moment):
    client = login(carol)
    moment = make_moment()
    ok = client.post(
        "/api/check/",
        json.dumps({"text": f"BSN {VALID_BSN}", "moment": moment.pk}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["verdict"] == "change"
    bad = client.post(
        "/api/check/", json.dumps({"text": 5, "moment": 999999}), content_type="application/json"
    )
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"text", "moment"}
