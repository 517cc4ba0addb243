"""Importing responses from a form export (Microsoft Forms, Google Forms, Qualtrics, LimeSurvey).

A CSV file is read with orgs.csvfiles.read_csv (the reader of every import), an XLSX file with
mapping.read_responses; comms map its columns to the survey's items. Every
mapped cell is checked against the item's response scale and all problems are reported with their
row number (the header is row 1), as mapping.prepare does: all or nothing, nothing is stored while
one problem remains. Unmapped columns (names, e-mail addresses, timestamps) are never read.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from zichtbaar.orgs.csvfiles import CsvError, read_csv
from zichtbaar.surveys.mapping import (
    DEFAULT_NO,
    DEFAULT_YES,
    MappingError,
    _text,
    read_responses,
    skip_extra_header_rows,
    split_choices,
)
from zichtbaar.surveys.models import ImportBatch, Response, Survey
from zichtbaar.surveys.services import change_refused, items_of

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
TEXT_MAX = 1000
MAX_SHOWN_PROBLEMS = 200
SUFFIXES = (".csv", ".xlsx")
SEPARATOR = ";"  # between the answers of a multiple-choice question (Microsoft Forms)


def read_upload(name: str, data: bytes) -> pd.DataFrame:
    """The upload as a frame of text; MappingError when it is not a readable CSV or XLSX."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise MappingError([_("Upload a .csv or .xlsx file.")])
    if len(data) > MAX_BYTES:
        raise MappingError([_("The file is larger than 5 MB.")])
    if suffix == ".csv":
        frame = _csv_frame(data)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            try:
                frame = read_responses(path)
            except MappingError:
                raise
            except Exception as exc:  # noqa: BLE001 - any parser error means an unreadable file
                raise MappingError(
                    [_("The file could not be read: %(error)s") % {"error": exc}]
                ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame) == 0:
        raise MappingError([_("The file holds no responses.")])
    if len(frame) > MAX_ROWS:
        raise MappingError([_("The file holds more than 20,000 rows.")])
    return _text_frame(frame)


def _csv_frame(data: bytes) -> pd.DataFrame:
    """A CSV export read with the one CSV reader of all imports (any encoding Excel or a form
    tool writes, comma, semicolon or tab), each row keeping its spreadsheet row number."""
    try:
        table = read_csv(data)
    except CsvError as exc:
        raise MappingError([exc.message]) from exc
    width = len(table.header)
    problems: list[str] = []
    cells: list[list[str]] = []
    for number, row in table.numbered():
        if any(cell.strip() for cell in row[width:]):
            problems.append(
                _("row %(row)s has more cells than the first row has column names")
                % {"row": number}
            )
        cells.append((row + [""] * width)[:width])
    if problems:
        raise MappingError(problems)
    frame = skip_extra_header_rows(
        pd.DataFrame(cells, columns=_column_names(table.header), dtype=object)
    )
    rows = table.row_numbers[first_row(frame) - 2 :]  # below Qualtrics' extra header rows
    frame.attrs["rows"] = rows
    frame.attrs["first_row"] = rows[0] if rows else first_row(frame)
    return frame


def _column_names(header: list[str]) -> list[str]:
    """Unique names as pandas gives them: "Unnamed: 3" for an empty one, "Q1.1" for a repeat."""
    names: list[str] = []
    for index, title in enumerate(header):
        name = title or f"Unnamed: {index}"
        base, n = name, 0
        while name in names:
            n += 1
            name = f"{base}.{n}"
        names.append(name)
    return names


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({c: _text(frame[c]).tolist() for c in frame.columns}, dtype=object)
    out.attrs["first_row"] = first_row(frame)
    out.attrs["rows"] = row_numbers(frame)
    questions = frame.attrs.get("questions") or {}
    out.attrs["questions"] = {str(k).strip(): v for k, v in questions.items()}
    return out


def first_row(frame: pd.DataFrame) -> int:
    """The spreadsheet row of the frame's first response: 2, or 4 below Qualtrics' two extra
    header rows (mapping.skip_extra_header_rows)."""
    return int(frame.attrs.get("first_row", 2))


def row_numbers(frame: pd.DataFrame) -> list[int]:
    """The spreadsheet row of each response: blank lines and cells with line breaks make
    these differ from counting on from the first row."""
    rows = frame.attrs.get("rows")
    if rows is not None and len(rows) == len(frame):
        return [int(r) for r in rows]
    start = first_row(frame)
    return list(range(start, start + len(frame)))


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.lower()).strip()


def suggest(
    survey: Survey, columns: list[str], questions: dict[str, str] | None = None
) -> dict[str, str]:
    """Item id -> column, matched on the item id (LimeSurvey codes, our own exports) or its text
    in either language (Microsoft and Google Forms use the question as the header; Qualtrics
    has it in `questions`, the row below its header)."""
    questions = questions or {}
    keyed = [(c, _key(c)) for c in columns]
    keyed += [(c, _key(questions[c])) for c in columns if questions.get(c)]
    out: dict[str, str] = {}
    used: set[str] = set()
    for item_id, item in items_of(survey).items():
        candidates = [_key(item_id)] + [_key(t) for t in item["text"].values() if t]
        match = next((c for c, k in keyed if k in candidates and c not in used), None)
        if match is None:  # a header that holds the question, e.g. "Q3. <text>" or "<text> [..]"
            texts = [t for t in candidates[1:] if len(t) >= 12]
            match = next(
                (c for c, k in keyed if c not in used and any(t in k for t in texts)), None
            )
        if match is not None:
            out[item_id] = match
            used.add(match)
    return out


def suggest_choices(survey: Survey, frame: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Barrier item id -> (column, choice) for columns of several answers (Microsoft Forms:
    'Time;Permission;') where one of the choices is the barrier's text in either language."""
    found: dict[str, tuple[str, str]] = {}
    multi = [c for c in frame.columns if frame[c].astype(str).str.contains(SEPARATOR).any()]
    if not multi:
        return found
    choices = {
        col: {_key(ch): ch for v in pd.unique(frame[col]) for ch in _raw_choices(str(v))}
        for col in multi
    }
    for item_id, item in items_of(survey).items():
        if item["scale"] != "chosen":
            continue
        texts = {_key(t) for t in item["text"].values() if t}
        for col in multi:
            match = next((ch for k, ch in choices[col].items() if k in texts), None)
            if match:
                found[item_id] = (col, match)
                break
    return found


def _raw_choices(text: str) -> list[str]:
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def _scale_of(survey: Survey, item: dict[str, Any]) -> dict[str, Any]:
    return survey.instrument.get("response_scales", {}).get(item["scale"], {})


def _converter(survey: Survey, item: dict[str, Any]):  # noqa: ANN202
    """A function from a cell's text to the stored answer; raises ValueError with a reason."""
    spec = _scale_of(survey, item)
    kind = spec.get("type")
    if item["scale"] == "chosen" or kind == "binary":
        yes = set(DEFAULT_YES)
        no = set(DEFAULT_NO)

        def binary(text: str) -> int:
            key = text.lower()
            if key in yes:
                return 1
            if key in no:
                return 0
            raise ValueError(_("%(value)r is neither yes nor no") % {"value": text})

        return binary
    if kind == "category" or kind == "text":

        def text_value(text: str) -> str:
            if len(text) > TEXT_MAX:
                raise ValueError(
                    _("the text is longer than %(max)s characters") % {"max": TEXT_MAX}
                )
            return text

        return text_value
    lo, hi = int(spec["min"]), int(spec["max"])
    labels: dict[str, int] = {}
    for lang_labels in (spec.get("labels") or {}).values():
        for i, label in enumerate(lang_labels):
            labels.setdefault(str(label).strip().lower(), lo + i)

    def number(text: str) -> int:
        key = text.lower()
        if key in labels:
            return labels[key]
        try:
            value = float(key.replace(",", "."))
        except ValueError:
            raise ValueError(
                _("%(value)r is not an answer on this scale") % {"value": text}
            ) from None
        if not value.is_integer() or not lo <= value <= hi:
            raise ValueError(
                _("%(value)r is not a whole number from %(min)s to %(max)s")
                % {"value": text, "min": lo, "max": hi}
            )
        return int(value)

    return number


def _choice_converter(choice: str, separator: str = SEPARATOR):  # noqa: ANN202
    """1 when the cell's answers (separated by `separator`) include `choice`, else 0."""
    wanted = choice.strip().lower()

    def contains(text: str) -> int:
        return int(wanted in split_choices(text, separator))

    return contains


def convert(
    survey: Survey,
    frame: pd.DataFrame,
    columns: dict[str, str],
    choices: dict[str, str] | None = None,
    separator: str = SEPARATOR,
) -> list[dict[str, Any]]:
    """The answers of every non-empty row; MappingError listing every problem with its row.

    `choices` maps a barrier item to the choice it is in its column, for a column holding
    several answers separated by `separator` (';' in Microsoft Forms, ',' in Google Forms)."""
    items = items_of(survey)
    problems: list[str] = []
    columns = {i: c for i, c in columns.items() if c and i in items}
    choices = {
        i: ch.strip()
        for i, ch in (choices or {}).items()
        if ch and ch.strip() and i in columns and items[i]["scale"] == "chosen"
    }
    if not columns:
        raise MappingError([_("Map at least one column to a question.")])
    missing = sorted({c for c in columns.values() if c not in frame.columns})
    if missing:
        raise MappingError(
            [_("Column %(column)r is not in the file.") % {"column": c} for c in missing]
        )
    for item_id, choice in choices.items():
        column = frame[columns[item_id]].astype(str)
        if not any(choice.lower() in split_choices(v, separator) for v in pd.unique(column)):
            problems.append(
                _("No answer in column %(column)r holds the choice %(choice)r; check its spelling.")
                % {"column": columns[item_id], "choice": choice}
            )
    converters = {
        i: _choice_converter(choices[i], separator)
        if i in choices
        else _converter(survey, items[i])
        for i in columns
    }
    numbers = row_numbers(frame)
    rows: list[dict[str, Any]] = []
    for index, record in enumerate(frame[list(dict.fromkeys(columns.values()))].to_dict("records")):
        answers: dict[str, Any] = {}
        for item_id, column in columns.items():
            text = str(record[column] or "").strip()
            if text == "":
                continue
            try:
                answers[item_id] = converters[item_id](text)
            except ValueError as exc:
                problems.append(
                    _("row %(row)s, column %(column)r: %(reason)s")
                    % {"row": numbers[index], "column": column, "reason": exc}
                )
        if answers:
            rows.append(answers)
    if problems:
        raise MappingError(problems)
    if not rows:
        raise MappingError([_("The mapped columns hold no answers.")])
    return rows


@transaction.atomic
def import_responses(
    survey: Survey,
    frame: pd.DataFrame,
    columns: dict[str, str],
    choices: dict[str, str] | None = None,
    separator: str = SEPARATOR,
) -> int:
    """Store every row as a completed, imported response of one new import batch (which
    services.undo_import removes again); nothing at all if one row is wrong."""
    rows = convert(survey, frame, columns, choices, separator)
    if refusal := change_refused(survey):
        raise MappingError([refusal])
    pages = len(survey.blocks)
    batch = ImportBatch.objects.create(survey=survey)
    Response.objects.bulk_create(
        [
            Response(
                survey=survey,
                completed=True,
                answers=a,
                page=pages,
                source=Response.Source.IMPORT,
                import_batch=batch,
            )
            for a in rows
        ]
    )
    Survey.objects.filter(pk=survey.pk).update(report_cache={})
    return len(rows)


def to_session(frame: pd.DataFrame, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "columns": list(frame.columns),
        "rows": frame.values.tolist(),
        "first_row": first_row(frame),
        "row_numbers": row_numbers(frame),
        "questions": frame.attrs.get("questions") or {},
    }


def from_session(data: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(data["rows"], columns=data["columns"], dtype=object)
    frame.attrs["first_row"] = int(data.get("first_row", 2))
    frame.attrs["rows"] = data.get("row_numbers")
    frame.attrs["questions"] = data.get("questions") or {}
    return frame
