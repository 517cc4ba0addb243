"""Importing responses from a form export through the web: upload, map the columns, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from zichtbaar.surveys import importing, services
from zichtbaar.surveys.models import Response, Survey

# A Microsoft Forms-like export: personal columns, question texts as headers, labels as answers.
HEADER = [
    "ID",
    "Email",
    "Name",
    "I would be willing to share about my work on LinkedIn.",
    "willing_yes",
    "How often do you use LinkedIn?",
]


@pytest.fixture
def survey(acme):
    s = services.create_survey(
        acme, title_en="Imported", title_nl="Geïmporteerd", blocks=list(services.BLOCKS)
    )
    services.set_status(s, Survey.Status.CLOSED)
    return s


def _likert_header(survey) -> str:
    return services.items_of(survey)["willing_likert"]["text"]["en"]


def _csv(survey, rows) -> bytes:
    header = list(HEADER)
    header[3] = _likert_header(survey)
    lines = [";".join(header)] + [";".join(str(v) for v in row) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


GOOD = [
    [1, "a@x.nl", "Ann", 4, "Ja", "Weekly"],
    [2, "b@x.nl", "Bob", "Strongly agree", "yes", 5],
    [3, "c@x.nl", "Cas", 2, "nee", ""],
]


def _upload(client, survey, name, data):
    return client.post(
        reverse("surveys:import", args=[survey.pk]), {"file": SimpleUploadedFile(name, data)}
    )


def _map_page(client, survey):
    return client.get(reverse("surveys:import_map", args=[survey.pk]))


def _submit(client, survey, page):
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return client.post(reverse("surveys:import_map", args=[survey.pk]), data), data


def test_a_good_csv_imports_every_row(login, alice, survey):
    client = login(alice)
    resp = _upload(client, survey, "forms.csv", _csv(survey, GOOD))
    assert resp.status_code == 302
    page = _map_page(client, survey)
    assert page.status_code == 200
    form = page.context["form"]
    # prefilled by question text and by item id; personal columns are not chosen
    assert form["col_willing_likert"].value() == _likert_header(survey)
    assert form["col_willing_yes"].value() == "willing_yes"
    assert form["col_linkedin_use"].value() == "How often do you use LinkedIn?"
    chosen = {form[n].value() for n in form.fields} - {None, ""}
    assert not chosen & {"Email", "Name", "ID"}
    resp, _data = _submit(client, survey, page)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    answers = sorted(
        (r.answers for r in Response.objects.filter(survey=survey)),
        key=lambda a: a["willing_likert"],
    )
    assert answers == [
        {"willing_likert": 2, "willing_yes": 0},
        {"willing_likert": 4, "willing_yes": 1, "linkedin_use": 4},
        {"willing_likert": 5, "willing_yes": 1, "linkedin_use": 5},
    ]
    assert Response.objects.filter(survey=survey, completed=True).count() == 3
    assert all("a@x.nl" not in str(a) for a in answers)
    # the file is gone from the session once imported
    assert _map_page(client, survey).status_code == 302


def test_a_good_xlsx_imports(login, alice, survey):
    wb = Workbook()
    ws = wb.active
    ws.append(["respondent", "willing_likert", "team", "tenure", "comment"])
    ws.append([1, 5, "Sales", "3 to 5 years", "Fine"])
    ws.append([2, 3.0, "Support", 1, None])
    out = io.BytesIO()
    wb.save(out)
    client = login(alice)
    assert _upload(client, survey, "export.xlsx", out.getvalue()).status_code == 302
    resp, _data = _submit(client, survey, _map_page(client, survey))
    assert resp.status_code == 302
    got = sorted(r.answers["willing_likert"] for r in survey.responses.all())
    assert got == [3, 5]
    first = survey.responses.get(answers__willing_likert=5).answers
    assert first == {"willing_likert": 5, "team": "Sales", "tenure": 3, "comment": "Fine"}


def test_one_bad_row_imports_nothing_and_lists_the_rows(login, alice, survey):
    rows = [*GOOD, [4, "d@x.nl", "Dirk", 9, "misschien", "Weekly"]]
    client = login(alice)
    _upload(client, survey, "forms.csv", _csv(survey, rows))
    resp, data = _submit(client, survey, _map_page(client, survey))
    assert resp.status_code == 400
    problems = resp.context["problems"]
    assert len(problems) == 2
    # row 5 as a spreadsheet shows it (the header is row 1); independent of the UI language
    assert all(" 5, " in p for p in problems)
    assert "'9'" in problems[0] and "willing_yes" not in problems[0]
    assert "'misschien'" in problems[1] and "'willing_yes'" in problems[1]
    assert "misschien" in resp.content.decode()
    assert Response.objects.filter(survey=survey).count() == 0
    # the mapping can be changed: leaving the bad columns out imports the rest
    data["col_willing_likert"] = ""
    data["col_willing_yes"] = ""
    resp = client.post(reverse("surveys:import_map", args=[survey.pk]), data)
    assert resp.status_code == 302
    # Cas answered nothing in the one column left, so that row is skipped as empty
    assert Response.objects.filter(survey=survey).count() == 3


def test_a_file_that_is_not_csv_or_xlsx_is_refused(login, alice, survey):
    client = login(alice)
    resp = _upload(client, survey, "answers.pdf", b"%PDF-1.4")
    assert resp.status_code == 400
    assert resp.context["problems"]
    assert _map_page(client, survey).status_code == 302  # nothing to map


def test_nothing_mapped_is_refused(login, alice, survey):
    client = login(alice)
    _upload(client, survey, "forms.csv", b"Name;Email\nAnn;a@x.nl\n")
    resp = client.post(reverse("surveys:import_map", args=[survey.pk]), {})
    assert resp.status_code == 400
    assert Response.objects.count() == 0


def test_another_orgs_survey_is_404(login, alice, other_org):
    theirs = services.create_survey(other_org, title_en="Theirs", title_nl="", blocks=[])
    client = login(alice)
    for name in ("import", "import_map"):
        url = reverse(f"surveys:{name}", args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
    resp = _upload(client, theirs, "forms.csv", b"willing_likert\n4\n")
    assert resp.status_code == 404
    assert Response.objects.count() == 0


def test_an_employee_cannot_import(login, bob, survey):
    client = login(bob)
    assert client.get(reverse("surveys:import", args=[survey.pk])).status_code == 403


def test_suggest_matches_ids_and_question_texts(survey):
    likert = _likert_header(survey)
    got = importing.suggest(survey, ["Timestamp", f"Q1. {likert}", "ENG_VIG1", "Team"])
    assert got["willing_likert"] == f"Q1. {likert}"
    assert got["eng_vig1"] == "ENG_VIG1"
    assert got["team"] == "Team"
    assert "Timestamp" not in got.values()
