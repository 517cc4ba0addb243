"""Reading responses and the column mapping: which columns play which part (pure, no Django).

Validation is all-or-nothing: every problem is collected with its row number (as a spreadsheet
shows it: the header is row 1) and nothing is analysed while one remains. Columns that the
mapping does not name are never read into the analysis or the exports (names, e-mail
addresses and timestamps of form exports stay out).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

DEFAULT_YES = ("1", "yes", "y", "ja", "j", "true", "waar", "x", "checked", "selected", "gekozen")
DEFAULT_NO = ("0", "no", "n", "nee", "false", "onwaar", "")
MAX_REPORTED_PROBLEMS = 50


class MappingError(ValueError):
    """The mapping or the data does not fit; `problems` lists every one found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown)
        text = "\n".join(f"- {p}" for p in shown)
        if more > 0:
            text += f"\n- ... and {more} more"
        super().__init__(text)


@dataclass
class Scale:
    name: str
    items: list[str]
    label: dict[str, str] = field(default_factory=dict)


@dataclass
class Reported:
    """An item outside the models, described on its own in the report.

    kind: "numeric" (mean, spread, distribution), "yes_no" or "choice" (shares with Wilson
    intervals). Choice answers are compared case-insensitively with `options`, in their order.
    """

    column: str
    kind: str
    min: float | None = None
    max: float | None = None
    yes_values: tuple[str, ...] = DEFAULT_YES
    no_values: tuple[str, ...] | None = None
    options: list[str] = field(default_factory=list)


REPORTED_KINDS = ("numeric", "yes_no", "choice")


@dataclass
class Mapping:
    likert: str | None = None
    likert_min: float = 1
    likert_max: float = 5
    yes_no: str | None = None
    yes_values: tuple[str, ...] = DEFAULT_YES
    no_values: tuple[str, ...] | None = None
    scales: list[Scale] = field(default_factory=list)
    barriers: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # barrier key -> the choice it is, in a column of several answers (Microsoft Forms: "a;b;")
    barrier_choices: dict[str, str] = field(default_factory=dict)
    choice_separator: str = ";"
    segments: list[str] = field(default_factory=list)
    comments: str | None = None
    recode: dict[str, float] = field(default_factory=dict)
    item_text: dict[str, dict[str, str]] = field(default_factory=dict)
    # column -> answer value (as text) -> language -> label, for columns outside the item bank
    value_labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    reported: list[Reported] = field(default_factory=list)
    title: dict[str, str] = field(default_factory=dict)
    organisation: str | None = None

    def columns(self) -> list[str]:
        cols = [c for c in (self.likert, self.yes_no) if c]
        for s in self.scales:
            cols += s.items
        cols += [c for c, _ in self.barriers.values()]
        cols += self.segments
        cols += [r.column for r in self.reported]
        if self.comments:
            cols.append(self.comments)
        seen: dict[str, None] = {}
        for c in cols:
            seen.setdefault(c, None)
        return list(seen)


def _norm(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lower()


def _text_value(value: Any) -> str:
    """An answer value as text, as `_text` gives it from a file (1.0 -> '1')."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _label(value: Any, name: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value, "nl": value}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {}


def parse_mapping(raw: Any) -> Mapping:
    """Build a Mapping from the YAML structure; raises MappingError listing every problem."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise MappingError(["the mapping must be a YAML mapping (key: value)"])
    m = Mapping()
    will = raw.get("willingness") or {}
    if not isinstance(will, dict):
        problems.append("willingness: expected likert and/or yes_no")
        will = {}
    likert = will.get("likert")
    if isinstance(likert, dict):
        m.likert = likert.get("column")
        m.likert_min = float(likert.get("min", 1))
        m.likert_max = float(likert.get("max", 5))
        if m.likert_max - m.likert_min < 2:
            problems.append("willingness.likert: max - min must be at least 2")
    elif likert is not None:
        m.likert = str(likert)
    yes_no = will.get("yes_no")
    if isinstance(yes_no, dict):
        m.yes_no = yes_no.get("column")
        if "yes" in yes_no:
            m.yes_values = tuple(_norm(v) for v in _as_list(yes_no["yes"]))
        if "no" in yes_no:
            m.no_values = tuple(_norm(v) for v in _as_list(yes_no["no"]))
    elif yes_no is not None:
        m.yes_no = str(yes_no)
    if not m.likert and not m.yes_no:
        problems.append("willingness: map at least one of likert and yes_no")

    # Scales are optional: without them the report has no reliability, regression or relative
    # importance, and says so (an instrument of only willingness and barriers is valid).
    scales = raw.get("scales") or {}
    if not isinstance(scales, dict):
        problems.append("scales: expected name: [item columns]")
        scales = {}
    for name, spec in scales.items():
        if isinstance(spec, dict):
            items = [str(c) for c in _as_list(spec.get("items"))]
            label = _label(spec.get("label"), name)
        else:
            items = [str(c) for c in _as_list(spec)]
            label = {}
        if not items:
            problems.append(f"scales.{name}: no item columns")
        m.scales.append(Scale(str(name), items, label))

    barriers = raw.get("barriers") or {}
    if not isinstance(barriers, dict):
        problems.append("barriers: expected key: column")
        barriers = {}
    for key, spec in barriers.items():
        if isinstance(spec, dict):
            col = str(spec.get("column"))
            yes = tuple(_norm(v) for v in _as_list(spec.get("yes", DEFAULT_YES)))
            if spec.get("contains") is not None:
                if "yes" in spec:
                    problems.append(f"barriers.{key}: use either yes or contains, not both")
                choice = _text_value(spec["contains"])
                if not choice:
                    problems.append(f"barriers.{key}: contains needs the choice's text")
                m.barrier_choices[str(key)] = choice
        else:
            col, yes = str(spec), DEFAULT_YES
        m.barriers[str(key)] = (col, yes)
    separator = raw.get("choice_separator", ";")
    if not isinstance(separator, str) or len(separator.strip() or separator) != 1:
        problems.append("choice_separator: one character, e.g. ';' or ','")
    else:
        m.choice_separator = separator

    reported = raw.get("reported") or {}
    if not isinstance(reported, dict):
        problems.append("reported: expected column: {type: numeric|yes_no|choice, ...}")
        reported = {}
    for col, spec in reported.items():
        spec = spec if isinstance(spec, dict) else {"type": spec}
        kind = str(spec.get("type", "numeric"))
        if kind not in REPORTED_KINDS:
            problems.append(f"reported.{col}: type must be one of {', '.join(REPORTED_KINDS)}")
            continue
        item = Reported(str(col), kind)
        if kind == "numeric":
            item.min = None if spec.get("min") is None else float(spec["min"])
            item.max = None if spec.get("max") is None else float(spec["max"])
        elif kind == "yes_no":
            if "yes" in spec:
                item.yes_values = tuple(_norm(v) for v in _as_list(spec["yes"]))
            if "no" in spec:
                item.no_values = tuple(_norm(v) for v in _as_list(spec["no"]))
        else:
            item.options = [_text_value(v) for v in _as_list(spec.get("options"))]
            if not item.options:
                problems.append(f"reported.{col}: a choice needs its options")
        m.reported.append(item)
    for col, labels in (raw.get("value_labels") or {}).items():
        if isinstance(labels, dict):
            m.value_labels[str(col)] = {
                _text_value(v): _label(text, str(col)) for v, text in labels.items()
            }

    m.segments = [str(s) for s in _as_list(raw.get("segments"))]
    m.comments = raw.get("comments")
    recode = raw.get("recode") or {}
    m.recode = {_norm(k): float(v) for k, v in recode.items()}
    for col, text in (raw.get("item_text") or {}).items():
        m.item_text[str(col)] = _label(text, col)
    m.title = _label(raw.get("title"), "title")
    m.organisation = raw.get("organisation")
    if problems:
        raise MappingError(problems)
    return m


def load_mapping(path: str | Path) -> Mapping:
    with Path(path).open(encoding="utf-8") as fh:
        try:
            raw = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise MappingError([f"the mapping is not valid YAML: {exc}"]) from exc
    return parse_mapping(raw)


def read_responses(path: str | Path) -> pd.DataFrame:
    """A CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX export, all as text."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(p, dtype=object, engine="openpyxl")
    elif p.suffix.lower() == ".csv":
        frame = pd.read_csv(
            p,
            dtype=str,
            sep=_delimiter(p),
            engine="python",
            encoding="utf-8-sig",
            keep_default_na=False,
        )
    else:
        raise MappingError([f"{p.name}: expected a .csv or .xlsx file"])
    return skip_extra_header_rows(frame)


_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:', re.IGNORECASE)


def skip_extra_header_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the rows Qualtrics puts below the header: the question texts and a row of
    `{"ImportId":"QID1"}` cells. The spreadsheet row of the first response (the header is
    row 1) is kept in `frame.attrs["first_row"]`, so problems keep their row numbers, and the
    question texts in `frame.attrs["questions"]` (column -> text)."""
    skip = 0
    for i in range(min(2, len(frame))):
        if any(isinstance(v, str) and _IMPORT_ID.match(v) for v in frame.iloc[i].tolist()):
            skip = i + 1
    out = frame.iloc[skip:].reset_index(drop=True)
    out.attrs["first_row"] = 2 + skip
    if skip == 2:  # the question texts, to match columns like Q3_1 to items
        texts = ["" if pd.isna(v) else str(v).strip() for v in frame.iloc[0].tolist()]
        out.attrs["questions"] = dict(zip([str(c) for c in frame.columns], texts, strict=True))
    return out


def _delimiter(path: Path) -> str:
    """Comma, semicolon or tab: whichever splits the header line (quotes respected) into the
    most columns. Only the header is looked at: answers hold commas and semicolons of their
    own, and a general sniffer guesses letters as delimiters in a file of one column."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = fh.readline()
    fields: dict[str, int] = {}
    for d in (",", ";", "\t"):
        try:
            fields[d] = len(next(csv.reader([header], delimiter=d, strict=True), []))
        except csv.Error:
            fields[d] = 0  # quotes that do not fit this delimiter
    return max(fields, key=lambda d: fields[d])  # on a tie (one column): the comma


@dataclass
class Prepared:
    """The mapped columns, validated and typed: what the analysis works on."""

    mapping: Mapping
    likert: pd.Series | None
    yes_no: pd.Series | None
    scales: dict[str, pd.DataFrame]
    barriers: dict[str, pd.Series]
    segments: dict[str, pd.Series]
    comments: pd.Series | None
    n: int = 0
    # own items reported on their own: numbers (numeric, yes_no as 1/0) or option text (choice)
    reported: dict[str, pd.Series] = field(default_factory=dict)

    def segments_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.segments)


def prepare(frame: pd.DataFrame, mapping: Mapping) -> Prepared:
    """Validate all mapped columns at once and convert them; MappingError lists every problem."""
    problems: list[str] = []
    first = int(frame.attrs.get("first_row", 2))  # the spreadsheet row of the first response
    frame = frame.reset_index(drop=True)
    missing = [c for c in mapping.columns() if c not in frame.columns]
    if missing:
        raise MappingError([f"column {c!r} is in the mapping but not in the data" for c in missing])
    if len(frame) == 0:
        raise MappingError(["the file holds no responses"])

    def numeric(col: str, lo: float | None = None, hi: float | None = None) -> pd.Series:
        text = _text(frame[col])
        nums = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        if mapping.recode:
            nums = _norm_series(frame[col]).map(mapping.recode).astype(float).fillna(nums)
        for i in np.flatnonzero((nums.isna() & (text != "")).to_numpy()):
            problems.append(f"row {i + first}, column {col!r}: {text.iloc[i]!r} is not a number")
        if lo is not None and hi is not None:
            outside = (nums < lo) | (nums > hi)
            for i in np.flatnonzero(outside.to_numpy()):
                problems.append(
                    f"row {i + first}, column {col!r}: {nums.iloc[i]:g} is outside {lo:g} to {hi:g}"
                )
        return nums.astype(float).rename(col)

    likert = (
        numeric(mapping.likert, mapping.likert_min, mapping.likert_max) if mapping.likert else None
    )
    yes_no = None
    if mapping.yes_no:
        keys = _norm_series(frame[mapping.yes_no])
        is_yes = keys.isin(mapping.yes_values)
        empty = keys == ""
        if mapping.no_values is None:
            bad = pd.Series(False, index=keys.index)
        else:
            bad = ~(is_yes | empty | keys.isin(mapping.no_values))
        for i in np.flatnonzero(bad.to_numpy()):
            value = frame[mapping.yes_no].iloc[i]
            problems.append(
                f"row {i + first}, column {mapping.yes_no!r}: {value!r} is neither yes nor no"
            )
        yes_no = is_yes.astype(float).where(~empty).rename(mapping.yes_no)
    scales = {s.name: pd.concat([numeric(c) for c in s.items], axis=1) for s in mapping.scales}
    barriers = {}
    for key, (col, yes) in mapping.barriers.items():
        if key in mapping.barrier_choices:
            chosen = contains_choice(
                frame[col], mapping.barrier_choices[key], mapping.choice_separator
            )
            if not chosen.any() and _text(frame[col]).ne("").any():
                problems.append(
                    f"column {col!r}: no answer holds the choice {mapping.barrier_choices[key]!r} "
                    f"(barrier {key}); check its spelling"
                )
            barriers[key] = chosen.astype(float).rename(col)
        else:
            barriers[key] = _norm_series(frame[col]).isin(yes).astype(float).rename(col)
    segments = {}
    for col in mapping.segments:
        text = _text(frame[col])
        segments[col] = text.where(text != "", None).astype(object).rename(col)
    comments = None
    if mapping.comments:
        text = _text(frame[mapping.comments])
        comments = text.where(text != "", None).astype(object)
    reported: dict[str, pd.Series] = {}
    for item in mapping.reported:
        col = item.column
        if item.kind == "numeric":
            reported[col] = numeric(col, item.min, item.max)
        elif item.kind == "yes_no":
            keys = _norm_series(frame[col])
            is_yes = keys.isin(item.yes_values)
            empty = keys == ""
            if item.no_values is not None:
                bad = ~(is_yes | empty | keys.isin(item.no_values))
                for i in np.flatnonzero(bad.to_numpy()):
                    problems.append(
                        f"row {i + first}, column {col!r}: {frame[col].iloc[i]!r} is neither yes nor no"
                    )
            reported[col] = is_yes.astype(float).where(~empty).rename(col)
        else:
            text = _text(frame[col])
            canonical = {o.lower(): o for o in item.options}
            keyed = text.str.lower().map(canonical)
            for i in np.flatnonzero((keyed.isna() & (text != "")).to_numpy()):
                problems.append(
                    f"row {i + first}, column {col!r}: {text.iloc[i]!r} is not one of the options"
                )
            reported[col] = keyed.where(text != "", None).astype(object).rename(col)
    if problems:
        raise MappingError(problems)
    return Prepared(
        mapping, likert, yes_no, scales, barriers, segments, comments, len(frame), reported
    )


def split_choices(text: str, separator: str = ";") -> set[str]:
    """The choices in one cell of a multiple-answer column, lowercased: 'Time;Permission;'."""
    return {part.strip().lower() for part in str(text).split(separator) if part.strip()}


def contains_choice(column: pd.Series, choice: str, separator: str = ";") -> pd.Series:
    """True where the cell's choices include `choice` (case-insensitive, whole choices only:
    'Time' is not in 'Time off;')."""
    wanted = choice.strip().lower()
    text = _text(column)
    lookup = {v: wanted in split_choices(v, separator) for v in pd.unique(text)}
    return text.map(lookup).astype(bool)


def _text(column: pd.Series) -> pd.Series:
    """Stripped text; empty for missing values; whole floats (from XLSX) without '.0'.

    Computed once per distinct value: answers repeat, so this is fast for large files.
    """
    column = column.astype(object)
    filled = column.where(column.notna(), "")
    uniques = pd.unique(filled)
    text = pd.Series(uniques, dtype=object).astype(str).str.strip()
    text = text.str.replace(r"^([+-]?\d+)\.0+$", r"\1", regex=True)
    lookup = dict(zip(uniques, text.tolist(), strict=True))
    return filled.map(lookup).astype(object)


def _norm_series(column: pd.Series) -> pd.Series:
    return _text(column).str.lower()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]
