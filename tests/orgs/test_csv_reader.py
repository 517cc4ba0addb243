"""The one CSV reader of every import: whatever encoding and delimiter a spreadsheet saved the
file with, the same rows come out, numbered as the spreadsheet shows them."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from zichtbaar.orgs.csvfiles import CsvError, read_csv
from zichtbaar.orgs.importing import import_people, parse_people
from zichtbaar.orgs.models import Membership

TABLE = [
    ["email", "naam", "plaats"],
    ["ann@acme.test", "Anné de Vries", "Middelburg, Zeeland"],
    ["ben@acme.test", "Ben; of Benny", "Goes"],
]
NOT_TEXT = "The file is not a text file."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _csv(delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(TABLE)
    return out.getvalue()


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),  # Excel's "CSV UTF-8"
        ("utf-16", "utf-16"),  # Excel's "Unicode text": with a BOM
        ("cp1252", "cp1252"),  # Excel's plain "CSV" on Windows
    ],
)
def test_every_encoding_and_delimiter_reads_to_the_same_rows(encoding, detected, delimiter):
    table = read_csv(_csv(delimiter).encode(encoding))

    assert table.header == TABLE[0]
    assert table.rows == TABLE[1:]
    assert table.row_numbers == [2, 3]
    assert (table.encoding, table.delimiter) == (detected, delimiter)


def test_text_and_file_objects_read_like_bytes():
    text = _csv(";")
    assert read_csv("\ufeff" + text).rows == TABLE[1:]
    assert read_csv(io.BytesIO(text.encode("cp1252"))).rows == TABLE[1:]


def test_the_delimiter_comes_from_the_header_not_from_the_cells():
    # the header has one semicolon outside quotes; the cells have more commas than that
    table = read_csv('"Naam, voluit";Team\n"Jansen, A.";"Sales, Noord, Oost"\n')
    assert table.delimiter == ";"
    assert table.rows == [["Jansen, A.", "Sales, Noord, Oost"]]


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row():
    table = read_csv(b"sep=;\r\nnaam;team\r\nAnn;Sales, Noord\r\n")
    assert table.header == ["naam", "team"]
    assert table.rows == [["Ann", "Sales, Noord"]]
    assert table.row_numbers == [2]


def test_row_numbers_after_a_cell_with_a_line_break_and_a_blank_line():
    text = 'naam,opmerking\nAnn,"regel een\nregel twee"\nBen,kort\n\nCas,laatste\n'
    table = read_csv(text.encode())

    assert table.rows[0] == ["Ann", "regel een\nregel twee"]
    # a spreadsheet shows Ann's two-line cell in one row and the blank line as an empty row
    assert list(table.numbered()) == [
        (2, ["Ann", "regel een\nregel twee"]),
        (3, ["Ben", "kort"]),
        (5, ["Cas", "laatste"]),
    ]


def test_blank_lines_before_the_header_move_the_header_down():
    table = read_csv(b"\r\n\r\nemail\r\nann@acme.test\r\n")
    assert (table.header_row, table.row_numbers) == (3, [4])


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\xff\xfe", "  \r\n \n", b";;\r\n"])
def test_an_empty_file_says_so(data):
    with pytest.raises(CsvError) as exc:
        read_csv(data)
    assert exc.value.message == "The file is empty."


def _xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["email", "name"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        _xlsx(),  # a workbook uploaded as if it were CSV
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        bytes(range(1, 256)) * 8,  # no NUL byte, and not UTF-8 or cp1252 either
    ],
    ids=["xlsx", "png", "bytes"],
)
def test_binary_garbage_is_not_taken_for_text(data):
    with pytest.raises(CsvError) as exc:
        read_csv(data)
    assert exc.value.message.startswith(NOT_TEXT)
    assert "CSV" in exc.value.message  # it says what to do


# --- the people import ---------------------------------------------------------------------

PEOPLE = [
    ["E-mailadres", "Naam", "Team", "Rol"],
    ["eva@acme.test", "Eva Müller", "Cliënten", "Medewerker"],
]


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "cp1252"), ("\t", "utf-16")],
    ids=["dutch-excel-csv", "excel-unicode-text"],
)
def test_people_import_a_file_as_dutch_excel_saves_it(acme, delimiter, encoding):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(PEOPLE)

    report = import_people(acme, out.getvalue().encode(encoding))

    assert report.ok, report.errors
    eva = Membership.objects.select_related("user", "team").get(
        org=acme, user__email="eva@acme.test"
    )
    assert (eva.user.name, eva.team.name, eva.role) == ("Eva Müller", "Cliënten", "employee")


def test_people_import_of_a_workbook_says_it_is_not_a_text_file(acme):
    result = parse_people(_xlsx(), acme)

    assert [(e.row, e.column) for e in result.errors] == [(1, "")]
    assert result.errors[0].message.startswith(NOT_TEXT)
