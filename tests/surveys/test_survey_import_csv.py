"""A survey export saved by Dutch Excel (semicolons, cp1252) imports, and a problem names the
row the spreadsheet shows, also below a cell with a line break or a blank line."""

from __future__ import annotations

import pytest
from django.utils import translation

from zichtbaar.surveys import importing, services
from zichtbaar.surveys.mapping import MappingError
from zichtbaar.surveys.models import Response, Survey

EXPORT = (
    "Afdeling;Opmerking;willing_likert\r\n"
    'Cliëntenservice;"Goed idee,\r\nmaar wanneer?";4\r\n'
    "\r\n"
    "Financiën;té druk;{last}\r\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def survey(acme):
    s = services.create_survey(acme, title_en="CSV", title_nl="", blocks=list(services.BLOCKS))
    services.set_status(s, Survey.Status.CLOSED)
    return s


def _through_the_session(data: bytes):
    frame = importing.read_upload("export.csv", data)
    return importing.from_session(importing.to_session(frame, "export.csv"))


def test_a_semicolon_cp1252_export_imports(survey):
    frame = _through_the_session(EXPORT.format(last="5").encode("cp1252"))

    assert list(frame.columns) == ["Afdeling", "Opmerking", "willing_likert"]
    assert frame["Afdeling"].tolist() == ["Cliëntenservice", "Financiën"]
    stored = importing.import_responses(survey, frame, {"willing_likert": "willing_likert"})
    assert stored == 2
    assert sorted(r.answers["willing_likert"] for r in Response.objects.filter(survey=survey)) == [
        4,
        5,
    ]


def test_a_problem_names_the_spreadsheet_row_after_a_line_break_and_a_blank_line(survey):
    frame = _through_the_session(EXPORT.format(last="9").encode("cp1252"))

    with pytest.raises(MappingError) as exc:
        importing.convert(survey, frame, {"willing_likert": "willing_likert"})
    # header 1, the two-line cell is row 2, the blank line row 3
    assert exc.value.problems[0].startswith("row 4, column 'willing_likert'")


def test_a_workbook_named_csv_is_refused_plainly(survey):
    with pytest.raises(MappingError) as exc:
        importing.read_upload("export.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    assert exc.value.problems[0].startswith("The file is not a text file.")
