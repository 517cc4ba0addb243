"""Reading a CSV file as people save it from a spreadsheet: one reader for every import.

``read_csv(data) -> CsvTable`` takes bytes, text or a file object and works out:

- the encoding: UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode text"),
  else cp1252 (Excel on Windows in Western Europe), else latin-1, which decodes anything;
- the delimiter, from the header line only: comma, semicolon (Dutch Excel) or tab, whichever
  occurs most outside quotes. Data cells hold commas and semicolons of their own, so they are
  not looked at. Excel's ``sep=;`` first line is honoured and not counted as a row;
- each row's number as the spreadsheet shows it: the header is row 1, the first data row 2.
  A quoted cell with a line break is one row, and a blank line is a row too (a spreadsheet
  shows it empty), so numbers match what someone sees when they open the file.

Rows whose cells are all blank are left out of ``rows`` (their numbers still count).
An empty file, or one that is not text (a workbook, an image), raises ``CsvError`` with a
translated message that says what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

DELIMITERS = (",", ";", "\t")
# Control characters other than tab, CR and LF: a text file has next to none of them.
_CONTROL = {chr(c) for c in range(32) if c not in (9, 10, 13)} | {"\x7f"}
MAX_CONTROL_SHARE = 0.01


class CsvError(ValueError):
    """The file cannot be read as a table; ``message`` is translated, ``row`` is 1-based."""

    def __init__(self, message: str, row: int = 1):
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class CsvTable:
    header: list[str]  # cells stripped of surrounding spaces
    rows: list[list[str]] = field(default_factory=list)  # as in the file, blank rows left out
    row_numbers: list[int] = field(default_factory=list)  # spreadsheet row of each of `rows`
    header_row: int = 1  # later than 1 only when blank lines come before the header
    encoding: str = "utf-8"
    delimiter: str = ","

    def numbered(self) -> Iterator[tuple[int, list[str]]]:
        """(spreadsheet row, cells) for every row that is not blank."""
        return zip(self.row_numbers, self.rows, strict=True)

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(spreadsheet row, {header: cell}); a missing cell is "" (a repeated header: the last)."""
        for number, cells in self.numbered():
            yield (
                number,
                {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(self.header)},
            )


def decode(data: bytes | str | IO[Any] | bytearray | memoryview) -> tuple[str, str]:
    """The file's text (without a BOM) and the encoding it was read with.

    Raises CsvError when the bytes are not text."""
    if hasattr(data, "read"):
        data = data.read()
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), "text"
    raw = bytes(data)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16").removeprefix("\ufeff"), "utf-16"
        except UnicodeDecodeError:
            raise CsvError(_not_text()) from None
    if b"\x00" in raw:  # only UTF-16/32 text has NUL bytes, and that needs a BOM here
        raise CsvError(_not_text())
    text, encoding = _decode_8bit(raw)
    # Binary files without NUL bytes still decode as cp1252 or latin-1, but into a text full of
    # control characters, which no spreadsheet writes.
    if sum(char in _CONTROL for char in text) > MAX_CONTROL_SHARE * len(text):
        raise CsvError(_not_text())
    return text, encoding


def _decode_8bit(raw: bytes) -> tuple[str, str]:
    first = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    for encoding in (first, "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"  # every byte is a latin-1 character


def _not_text() -> str:
    return _(
        "The file is not a text file. In your spreadsheet, choose “Save as” and “CSV”, "
        "and upload that file."
    )


def _header_line(text: str) -> str:
    """The first non-blank line, up to the first line break outside quotes."""
    quoted = False
    start = 0
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            if text[start:index].strip():
                return text[start:index]
            start = index + 1
    return text[start:]


def sniff_delimiter(header: str) -> str:
    """, ; or tab: the one occurring most outside quotes in the header line (a tie: the first)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _excel_separator_hint(text: str) -> tuple[str | None, str]:
    """Excel's optional first line ``sep=;``: the delimiter it names and the text after it."""
    first, newline, rest = text.partition("\n")
    line = first.rstrip("\r").strip().strip('"')
    if line.lower().startswith("sep=") and len(line) == 5:
        return line[4], rest
    return None, text


def read_csv(data: bytes | str | IO[Any] | bytearray | memoryview) -> CsvTable:
    """Read a CSV file (see the module's docstring). Raises CsvError with a translated message."""
    text, encoding = decode(data)
    delimiter, text = _excel_separator_hint(text)
    if not text.strip():
        raise CsvError(_("The file is empty."))
    delimiter = delimiter or sniff_delimiter(_header_line(text))

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: CsvTable | None = None
    number = 0
    try:
        # csv yields one record per spreadsheet row: a quoted cell's line breaks stay inside
        # it, and a blank line is an empty record.
        for number, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if table is None:
                table = CsvTable(
                    header=[cell.strip() for cell in record],
                    header_row=number,
                    encoding=encoding,
                    delimiter=delimiter,
                )
            else:
                table.rows.append(record)
                table.row_numbers.append(number)
    except csv.Error as exc:
        raise CsvError(
            _("Row %(row)d could not be read as CSV: %(error)s")
            % {"row": number + 1, "error": exc},
            row=number + 1,
        ) from exc
    if table is None:
        raise CsvError(_("The file is empty."))
    return table
