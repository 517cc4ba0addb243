"""Cells for CSV and XLSX exports that a spreadsheet never runs as a formula.

Names of people and teams, survey comments and answer labels come from users. A value that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula ("CSV injection"). As OWASP recommends, such text gets a single
quote in front, and in XLSX every text cell is also stored as a string, never as a formula.
Numbers (and dates) stay what they are, so sums and charts keep working.

Pure helpers: every app that writes a spreadsheet imports them from here (orgs is the lowest
layer, so impact and surveys both may).
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The text with a `'` in front when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _keeps_type(value: object) -> bool:
    return isinstance(value, numbers.Number | dt.date | dt.time | dt.timedelta)


def cell(value: object) -> Any:
    """One value as it goes into a spreadsheet: numbers as numbers, anything else as safe text.

    `None` stays `None` (an empty cell).
    """
    if value is None or _keeps_type(value):
        return value
    return neutralise(str(value))


def row(values: Iterable[object]) -> list[Any]:
    return [cell(v) for v in values]


def csv_rows(rows: Iterable[Iterable[object]]) -> list[list[Any]]:
    return [row(r) for r in rows]


def xlsx_append(sheet: Any, values: Iterable[object]) -> None:
    """`sheet.append(values)` for an openpyxl worksheet, with every text cell a string.

    openpyxl turns a string starting with `=` into a formula on assignment; here the text is
    neutralised first and the cell's data type is set to string afterwards as well.
    Characters XML cannot hold (NUL and most other control characters) are left out.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

    cells: list[Any] = []
    for value in values:
        safe = cell(value)
        if isinstance(safe, str):
            # Control characters XML cannot hold would make openpyxl refuse the whole file.
            c = Cell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", safe)))
            c.data_type = "s"
            cells.append(c)
        else:
            cells.append(safe)
    sheet.append(cells)
