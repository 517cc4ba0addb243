"""Segment anonymity for survey results (pure, no models).

The threshold and complementary suppression come from the one source the dashboards use too,
`zichtbaar.orgs.anonymity`, so the setting ANONYMITY_THRESHOLD (5 by default) changes both.
The rules, as engagement-survey vendors apply them (Viva Glint, Qualtrics EX, Lattice):

- a group of respondents is reported only when it holds at least MIN_CELL people (the
  threshold, 5 by default);
- free-text comments are shown only when at least MIN_TEXT people wrote one (twice the
  threshold, 10 by default);
- complementary suppression: when a group is hidden, more groups of the same breakdown are
  hidden until the hidden groups together hold at least MIN_CELL people, so that "total minus
  the visible groups" never reveals a small group;
- differencing: a group (a filter combination) whose members differ from an already released
  group by fewer than MIN_CELL people (counted as the symmetric difference of the two sets of
  respondents) is refused, because comparing the two would show the answers of those few.

`DifferencingGuard` remembers what was released (the whole sample first); `suppress_breakdown`
applies the first three rules to one breakdown (team, tenure, ...), and `filter_rows` answers
an ad-hoc filter combination or refuses it. `k_anonymous_segments` prepares row-level exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zichtbaar.orgs.anonymity import (
    DIFFERENCING,
    SMALL,
    Group,
    complement,
    differs_too_little,
    text_threshold,
    threshold,
)

MAX_COMMENTS = 60  # a report shows a seeded random sample of at most this many comments
NOT_ANSWERED = "(not answered)"


def __getattr__(name: str) -> int:
    # MIN_CELL and MIN_TEXT are read when used, never copied at import: `anonymity.MIN_CELL` in
    # the survey pages and reports always follows the one setting.
    if name == "MIN_CELL":
        return threshold()
    if name == "MIN_TEXT":
        return text_threshold()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AnonymityRefused(Exception):
    """A result would describe fewer than MIN_CELL people, directly or by differencing."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        super().__init__(detail or reason)


@dataclass
class DifferencingGuard:
    """Remembers released groups (as sets of row positions) and refuses near-duplicates."""

    min_cell: int = field(default_factory=threshold)
    released: list[frozenset[int]] = field(default_factory=list)

    def problem(self, rows: Iterable[int]) -> str | None:
        group = frozenset(rows)
        if len(group) < self.min_cell:
            return SMALL
        for other in self.released:
            if differs_too_little(group, other, self.min_cell):
                return DIFFERENCING
        return None

    def check(self, rows: Iterable[int]) -> frozenset[int]:
        group = frozenset(rows)
        reason = self.problem(group)
        if reason:
            raise AnonymityRefused(
                reason,
                f"fewer than {self.min_cell} respondents"
                if reason == SMALL
                else f"differs from a released group by fewer than {self.min_cell} respondents",
            )
        return group

    def release(self, rows: Iterable[int]) -> None:
        group = frozenset(rows)
        if group not in self.released:
            self.released.append(group)


@dataclass
class Cell(Group):
    """One group of a breakdown: `key` is its answer, `members` its row positions."""

    @classmethod
    def of(cls, value: str, rows: frozenset[int]) -> Cell:
        return cls(key=value, label=value, people=len(rows), members=rows)

    @property
    def value(self) -> str:
        return str(self.key)

    @property
    def rows(self) -> frozenset[int]:
        return self.members or frozenset()

    @property
    def suppressed(self) -> bool:
        return self.hidden is not None

    @property
    def reason(self) -> str | None:  # small, differencing, complementary
        return self.hidden

    @property
    def n(self) -> int:
        return self.people


def suppress_breakdown(values: pd.Series, guard: DifferencingGuard) -> list[Cell]:
    """Cells of one breakdown with primary and complementary suppression applied.

    Missing values form their own group (NOT_ANSWERED) under the same rules. Visible cells and
    the union of the hidden ones (derivable as total minus visible) are released to the guard.
    """
    labels = values.where(values.notna(), NOT_ANSWERED).astype(str).to_numpy()
    cells = [
        Cell.of(value, frozenset(np.flatnonzero(labels == value).tolist()))
        for value in pd.unique(labels)
    ]
    cells.sort(key=lambda c: (c.value == NOT_ANSWERED, c.value))
    for cell in cells:
        cell.hidden = guard.problem(cell.rows)

    def enough(hidden: list[Cell]) -> bool:
        # "total minus the visible cells" is the union of the hidden ones: the guard judges it
        union = frozenset().union(*(c.rows for c in hidden))
        return guard.problem(union) is None

    complement(cells, enough)
    for cell in cells:
        if not cell.suppressed:
            guard.release(cell.rows)
    hidden_rows = [c.rows for c in cells if c.suppressed]
    if hidden_rows and any(not c.suppressed for c in cells):
        guard.release(frozenset().union(*hidden_rows))
    return cells


def filter_rows(
    segments: pd.DataFrame, filters: Mapping[str, str | Iterable[str]], guard: DifferencingGuard
) -> frozenset[int]:
    """The row positions matching a filter combination, or AnonymityRefused.

    A filter maps a segment column to one value or a list of values; the result is released
    to the guard, so a later combination that differs from it by 1 to 4 people is refused.
    """
    mask = np.ones(len(segments), dtype=bool)
    for col, wanted in filters.items():
        if col not in segments.columns:
            raise KeyError(col)
        allowed = [wanted] if isinstance(wanted, str) else list(wanted)
        mask &= segments[col].astype(str).isin(allowed).to_numpy()
    rows = guard.check(np.flatnonzero(mask).tolist())
    guard.release(rows)
    return rows


def visible_comments(
    comments: pd.Series | None, seed: int = 0, min_text: int | None = None
) -> list[str] | None:
    """The non-empty comments in a shuffled order (at most MAX_COMMENTS, a seeded sample), or
    None when fewer than min_text (MIN_TEXT) exist."""
    if comments is None:
        return None
    min_text = text_threshold() if min_text is None else min_text
    texts = [str(t) for t in comments.dropna().tolist() if str(t).strip()]
    if len(texts) < min_text:
        return None
    order = np.random.default_rng(seed).permutation(len(texts))[:MAX_COMMENTS]
    return [texts[i] for i in order]


def k_anonymous_segments(
    segments: pd.DataFrame, other_label: str, k: int | None = None
) -> pd.DataFrame:
    """Segment columns fit for a row-level export.

    Per column, the cells that the report suppresses (primary and complementary) are merged
    into one `other_label` value (at least k people by construction). Then, while some
    combination of the remaining columns holds fewer than k people, the last column is
    dropped. Every value and every combination of values in the result holds >= k people
    (k: MIN_CELL unless given).
    """
    k = threshold() if k is None else k
    out = pd.DataFrame(index=segments.index)
    for col in segments.columns:
        guard = DifferencingGuard(min_cell=k)
        guard.release(range(len(segments)))
        cells = suppress_breakdown(segments[col].reset_index(drop=True), guard)
        hidden = {c.value for c in cells if c.suppressed}
        labels = segments[col].where(segments[col].notna(), NOT_ANSWERED).astype(str)
        if hidden and len(hidden) == len(cells):
            continue  # nothing reportable in this column
        out[col] = labels.where(~labels.isin(hidden), other_label)
    cols = list(out.columns)
    while cols:
        sizes = out[cols].value_counts(dropna=False)
        if int(sizes.min()) >= k:
            break
        cols.pop()
    return out[cols]


def rare_answers(values: pd.Series, k: int | None = None) -> set[str]:
    """The answers of one item to merge before a row-level export: every answer given by fewer
    than k people and, while those together still hold fewer than k, the least given other
    answers (complementary, as in suppress_breakdown). Missing answers stay missing."""
    k = threshold() if k is None else k
    counts = values.dropna().astype(str).value_counts()
    hidden = {v for v, c in counts.items() if c < k}
    visible = sorted((int(c), str(v)) for v, c in counts.items() if v not in hidden)
    while hidden and visible and sum(int(counts[v]) for v in hidden) < k:
        hidden.add(visible.pop(0)[1])
    return hidden
