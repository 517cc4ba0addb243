"""Form exports as they come: Qualtrics' two extra header rows, Microsoft Forms' multiple choices
in one column ('Time;Permission;'), LimeSurvey codes and Google Forms checkboxes, on the command
line and in the web import. The files are in tests/surveys_fixtures (made up for these tests)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from zichtbaar.surveys import importing, services
from zichtbaar.surveys.mapping import (
    MappingError,
    contains_choice,
    load_mapping,
    parse_mapping,
    prepare,
    read_responses,
)
from zichtbaar.surveys.models import Response, Survey

FIXTURES = Path(__file__).resolve().parents[1] / "surveys_fixtures"
RELEVANCE = "I don't know what is relevant to share."
PERMISSION = "I'm not sure whether it is allowed or appreciated."
TIME = "I don't have time for it."


def _report(tmp_path: Path, name: str) -> dict:
    call_command(
        "survey_report",
        "--input",
        str(FIXTURES / f"{name}-export.csv"),
        "--mapping",
        str(FIXTURES / f"{name}-mapping.yaml"),
        "--format",
        "json",
        "--out",
        str(tmp_path),
        "--bootstrap",
        "1000",
        stdout=io.StringIO(),
    )
    return json.loads((tmp_path / f"{name}-export-report.json").read_text())


def _barriers(report: dict) -> dict[str, int]:
    return {b["key"]: b["k"] for b in report["barriers"]}


# --------------------------------------------------------------------------- command line


def test_qualtrics_extra_header_rows_are_skipped(tmp_path):
    frame = read_responses(FIXTURES / "qualtrics-export.csv")
    assert len(frame) == 8 and frame.attrs["first_row"] == 4
    assert frame["Q1"].tolist()[:2] == ["4", "5"]  # not the question text, not the ImportId
    assert frame.attrs["questions"]["Q3_3"] == f"What holds you back? - {TIME}"
    report = _report(tmp_path, "qualtrics")
    assert report["n"] == 8
    assert _barriers(report) == {"relevance": 5, "permission": 3, "time": 4}
    assert report["willing"]["k"] == 5


def test_a_bad_qualtrics_cell_is_reported_with_its_spreadsheet_row(tmp_path):
    text = (FIXTURES / "qualtrics-export.csv").read_text()
    lines = text.splitlines()
    cells = lines[4].split(",")  # the second response: spreadsheet row 5
    cells[14] = "7"  # Q1, a 1-5 statement
    lines[4] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    mapping = load_mapping(FIXTURES / "qualtrics-mapping.yaml")
    with pytest.raises(MappingError) as exc:
        prepare(read_responses(path), mapping)
    assert exc.value.problems == ["row 5, column 'Q1': 7 is outside 1 to 5"]


def test_microsoft_forms_multiple_choices_are_one_barrier_each(tmp_path):
    report = _report(tmp_path, "msforms")
    assert report["n"] == 8
    assert _barriers(report) == {"relevance": 4, "permission": 3, "time": 3, "priorities": 2}
    assert report["scales"]["engagement"]["n"] == 8


def test_limesurvey_and_google_forms_keep_working(tmp_path):
    lime = _report(tmp_path, "limesurvey")
    assert lime["n"] == 8 and _barriers(lime) == {"relevance": 5, "permission": 3, "time": 4}
    assert lime["willing"]["k"] == 5  # Y on the yes/no item
    google = _report(tmp_path, "googleforms")
    assert google["n"] == 8 and _barriers(google) == {"relevance": 4, "permission": 3, "time": 4}


def test_a_choice_is_a_whole_choice_and_a_misspelt_one_is_reported():
    column = pd.Series(["Time;Permission;", "Time off;", "", "time ; other;", None])
    assert contains_choice(column, "Time").tolist() == [True, False, False, True, False]
    frame = pd.DataFrame({"w": ["1", "2", "3", "4", "5"], "why": column.fillna("")})
    mapping = parse_mapping(
        {
            "willingness": {"likert": "w"},
            "scales": {"s": ["w"]},
            "barriers": {"time": {"column": "why", "contains": "Tmie"}},
        }
    )
    with pytest.raises(MappingError) as exc:
        prepare(frame, mapping)
    assert "'Tmie'" in exc.value.problems[0] and "spelling" in exc.value.problems[0]
    with pytest.raises(MappingError) as exc:
        parse_mapping(
            {
                "willingness": {"likert": "w"},
                "scales": {"s": ["w"]},
                "barriers": {"time": {"column": "why", "contains": "Time", "yes": [1]}},
                "choice_separator": "ab",
            }
        )
    assert len(exc.value.problems) == 2


def test_the_delimiter_comes_from_the_header(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("willing_likert\n4\n5\n")
    assert read_responses(one).columns.tolist() == ["willing_likert"]
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('"Yes, I would";"Team, department"\n4;Sales\n')
    assert read_responses(quoted).columns.tolist() == ["Yes, I would", "Team, department"]


# --------------------------------------------------------------------------- web import


@pytest.fixture
def survey(acme):
    s = services.create_survey(acme, title_en="Web", title_nl="", blocks=list(services.BLOCKS))
    services.set_status(s, Survey.Status.CLOSED)
    return s


def _upload(client, survey, name, data):
    return client.post(
        reverse("surveys:import", args=[survey.pk]), {"file": SimpleUploadedFile(name, data)}
    )


def _form_data(page) -> dict[str, str]:
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_web_import_of_a_qualtrics_export(login, alice, survey):
    client = login(alice)
    data = (FIXTURES / "qualtrics-export.csv").read_bytes()
    assert _upload(client, survey, "qualtrics.csv", data).status_code == 302
    page = client.get(reverse("surveys:import_map", args=[survey.pk]))
    assert "8 rows" in page.content.decode()
    form = _form_data(page)
    # matched through the question texts of Qualtrics' second row
    assert form["col_willing_likert"] == "Q1" and form["col_willing_yes"] == "Q2"
    assert form["col_barrier_relevance"] == "Q3_1" and form["col_barrier_time"] == "Q3_3"
    assert form["col_eng_ded1"] == "Q4_2"
    resp = client.post(reverse("surveys:import_map", args=[survey.pk]), form)
    assert resp.status_code == 302
    assert Response.objects.filter(survey=survey).count() == 8
    assert not Response.objects.filter(answers__willing_likert__isnull=True).exists()


def test_web_import_reports_qualtrics_rows_as_the_spreadsheet_shows_them(survey):
    data = (FIXTURES / "qualtrics-export.csv").read_text().replace(",Sales\n", ",Sales\n", 1)
    data = data.replace(
        "R_1aBcDeFgHiJkL02,,,,anonymous,NL,5", "R_1aBcDeFgHiJkL02,,,,anonymous,NL,9"
    )
    frame = importing.from_session(
        importing.to_session(importing.read_upload("q.csv", data.encode()), "q.csv")
    )
    with pytest.raises(MappingError) as exc:
        importing.convert(survey, frame, {"willing_likert": "Q1"})
    assert exc.value.problems[0].startswith("row 5, column 'Q1'")


def _msforms_xlsx() -> bytes:
    frame = pd.read_csv(FIXTURES / "msforms-export.csv", dtype=str, keep_default_na=False)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([v if v != "" else None for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_web_import_of_microsoft_forms_maps_each_barrier_to_a_choice(login, alice, survey):
    client = login(alice)
    assert _upload(client, survey, "forms.xlsx", _msforms_xlsx()).status_code == 302
    page = client.get(reverse("surveys:import_map", args=[survey.pk]))
    form = _form_data(page)
    column = "What holds you back?"
    # the choices that are the barriers' own texts are found in the shared column
    assert form["col_barrier_relevance"] == column and form["choice_barrier_relevance"] == RELEVANCE
    assert form["choice_barrier_permission"] == PERMISSION
    assert form["choice_barrier_time"] == TIME
    # an organisation's own wording is mapped by hand: a misspelt choice is refused, nothing stored
    form.update({"col_barrier_private": column, "choice_barrier_private": "Other thing come first"})
    resp = client.post(reverse("surveys:import_map", args=[survey.pk]), form)
    assert resp.status_code == 400
    assert "Other thing come first" in resp.content.decode()
    assert Response.objects.count() == 0
    # a choice without its column is a field error
    bad = {**form, "col_barrier_private": "", "choice_barrier_private": "Other things come first"}
    resp = client.post(reverse("surveys:import_map", args=[survey.pk]), bad)
    assert resp.status_code == 200 and "Choose the column that holds this choice." in (
        resp.content.decode()
    )
    form["choice_barrier_private"] = "other things come first"  # case does not matter
    resp = client.post(reverse("surveys:import_map", args=[survey.pk]), form)
    assert resp.status_code == 302
    answers = [r.answers for r in Response.objects.filter(survey=survey).order_by("pk")]
    assert len(answers) == 8
    assert sum(a.get("barrier_relevance", 0) for a in answers) == 4
    assert sum(a.get("barrier_time", 0) for a in answers) == 3
    assert sum(a.get("barrier_private", 0) for a in answers) == 2
    assert answers[0]["willing_likert"] == 4  # the label "Agree"
    assert answers[2]["barrier_permission"] == 1 and answers[2]["barrier_time"] == 1


def test_choice_barriers_get_their_own_spss_variable_and_appendix_row(tmp_path):
    import pyreadstat

    from zichtbaar.surveys import report_context, report_spss

    mapping = load_mapping(FIXTURES / "msforms-mapping.yaml")
    prepared = prepare(read_responses(FIXTURES / "msforms-export.csv"), mapping)
    report_spss.write_sav(prepared, "en", tmp_path / "ms.sav")
    frame, meta = pyreadstat.read_sav(str(tmp_path / "ms.sav"))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert (
        labels["barrier_time"] == TIME and labels["barrier_priorities"] == "Other things come first"
    )
    assert frame["barrier_relevance"].sum() == 4
    rows = {
        r["text"]: r["column"] for g in report_context.appendix(mapping, "en") for r in g["items"]
    }
    assert rows["Other things come first"] == "What holds you back? ∋ Other things come first"


def test_web_import_of_google_forms_checkboxes_separated_by_commas(login, alice, survey):
    client = login(alice)
    data = (FIXTURES / "googleforms-export.csv").read_bytes()
    assert _upload(client, survey, "google.csv", data).status_code == 302
    page = client.get(reverse("surveys:import_map", args=[survey.pk]))
    form = _form_data(page)
    assert form["separator"] == ";"  # Microsoft Forms' by default
    column = "What holds you back? (choose all that apply)"
    form.update(
        {
            "col_willing_likert": "I am willing to share posts about my employer on LinkedIn.",
            "col_barrier_relevance": column,
            "choice_barrier_relevance": RELEVANCE,
            "col_barrier_time": column,
            "choice_barrier_time": TIME,
        }
    )
    url = reverse("surveys:import_map", args=[survey.pk])
    refused = client.post(url, form)  # with ";" no cell holds the choice on its own
    assert refused.status_code == 400 and Response.objects.count() == 0
    resp = client.post(url, {**form, "separator": ","})
    assert resp.status_code == 302
    answers = [r.answers for r in Response.objects.filter(survey=survey).order_by("pk")]
    assert len(answers) == 8
    assert sum(a.get("barrier_relevance", 0) for a in answers) == 4
    assert sum(a.get("barrier_time", 0) for a in answers) == 4
