"""Confidential terms and the client register from a file as Dutch Excel saves it: semicolons,
cp1252, blank lines; problems named by the row the spreadsheet shows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from zichtbaar.guideline import services
from zichtbaar.guideline.models import Client, ConfidentialTerm


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_terms_from_a_semicolon_cp1252_file_with_a_blank_line(acme):
    long_term = "x" * 201
    text = f"Begrip;Toelichting\r\nProject Zeeuwse Kust;overname\r\n\r\n{long_term};te lang\r\n"

    report = services.import_terms(acme, text.encode("cp1252"))
    # the blank line is row 3 in the spreadsheet, so the long term is row 4
    assert report.errors == ["Row 4: a term can be at most 200 characters."]

    fixed = text.replace(long_term, "Cliënt Überbau, fase 2").encode("cp1252")
    report = services.import_terms(acme, fixed)
    assert report.ok, report.errors
    assert set(ConfidentialTerm.objects.filter(org=acme).values_list("term", flat=True)) == {
        "Project Zeeuwse Kust",
        "Cliënt Überbau, fase 2",
    }


def test_terms_from_excel_unicode_text(acme):
    report = services.import_terms(acme, "term\tnote\nCliënt Ærø\tx\n".encode("utf-16"))

    assert report.ok, report.errors
    assert list(ConfidentialTerm.objects.filter(org=acme).values_list("term", flat=True)) == [
        "Cliënt Ærø"
    ]


def test_clients_from_a_semicolon_cp1252_file_name_the_spreadsheet_row(acme):
    text = (
        "Naam;Aliassen;Toestemming;Tot\r\n"
        'Gemeente Vlissingen;Vlissingen|"Gemeente, Vlissingen";ja;31-12-2026\r\n'
        "\r\n"
        "Café de Brug;Brug;misschien;\r\n"
    )

    report = services.import_clients(acme, text.encode("cp1252"))
    assert report.errors == ["Row 4: “misschien” is not yes or no."]
    assert not Client.objects.filter(org=acme).exists()

    report = services.import_clients(acme, text.replace("misschien", "nee").encode("cp1252"))
    assert report.ok, report.errors
    clients = {c.name: c for c in Client.objects.filter(org=acme)}
    assert set(clients) == {"Gemeente Vlissingen", "Café de Brug"}
    assert clients["Gemeente Vlissingen"].may_be_named
    assert clients["Gemeente Vlissingen"].until == datetime.date(2026, 12, 31)
    assert not clients["Café de Brug"].may_be_named


def test_a_workbook_as_client_register_is_refused_plainly(acme):
    report = services.import_clients(acme, b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    assert len(report.errors) == 1
    assert report.errors[0].startswith("The file is not a text file.")


def test_a_client_name_longer_than_the_register_holds_is_a_row_error(acme):
    # SQLite would store it anyway; PostgreSQL answered a 500 (found by the hostile sweep).
    text = "name,may_be_named\nGemeente Utrecht,yes\n" + "x" * 201 + ",no\n"
    report = services.import_clients(acme, text.encode())
    assert report.errors == ["Row 3: a name can be at most 200 characters."]
    assert not Client.objects.filter(org=acme).exists()
