"""Did people post more often after the workshop? The statistics of the effect report.

Pure functions on plain numbers, so they can be checked against a hand computation:

- shares per person per week in the weeks before and after, for the participants and for a
  comparison group (colleagues of the same teams who did not take part);
- the difference-in-differences estimate: (after - before) of the participants minus
  (after - before) of the comparison group, so a company-wide rise is not credited to the
  workshop;
- a percentile bootstrap interval (people resampled within each group, a fixed seed, so the
  same data always gives the same interval);
- a sentence that never claims more than the interval allows.

Paired pre/post answers: McNemar (a yes/no item) and Wilcoxon signed-rank (a 1-5 item).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _

BEFORE_WEEKS = 8
AFTER_WEEKS = 6
BOOTSTRAP_SAMPLES = 2000
SEED = 20261204


@dataclass(frozen=True)
class Group:
    """Shares per person in the weeks before and after (index i is one person)."""

    before: tuple[int, ...]
    after: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.before) != len(self.after):
            raise ValueError("before and after need one count per person")

    @property
    def people(self) -> int:
        return len(self.before)

    def rates(self, before_weeks: int, after_weeks: int) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.asarray(self.before, dtype=float) / before_weeks,
            np.asarray(self.after, dtype=float) / after_weeks,
        )


@dataclass(frozen=True)
class Effect:
    participants: int
    comparison: int
    before_participants: float  # shares per person per week
    after_participants: float
    before_comparison: float | None
    after_comparison: float | None
    estimate: float  # the difference in differences (or the plain change without a comparison)
    low: float
    high: float
    has_comparison: bool

    @property
    def direction(self) -> str:
        """ "more", "fewer" or "unclear": what the interval allows us to say."""
        if self.low > 0:
            return "more"
        if self.high < 0:
            return "fewer"
        return "unclear"

    def sentence(self) -> str:
        """The one sentence the report leads with; it never claims more than the interval."""
        numbers = {
            "estimate": _number(abs(self.estimate)),
            "low": _number(self.low),
            "high": _number(self.high),
        }
        if self.direction == "unclear":
            if self.has_comparison:
                return (
                    _(
                        "No clear change: compared with their colleagues, participants' sharing "
                        "changed by between %(low)s and %(high)s shares per person per week "
                        "(95%% interval), and that range includes no change at all."
                    )
                    % numbers
                )
            return (
                _(
                    "No clear change: participants' sharing changed by between %(low)s and "
                    "%(high)s shares per person per week (95%% interval), and that range "
                    "includes no change at all."
                )
                % numbers
            )
        if self.has_comparison:
            if self.direction == "more":
                text = _(
                    "Participants shared more often after the workshop than their colleagues: "
                    "about %(estimate)s more shares per person per week (95%% interval "
                    "%(low)s to %(high)s)."
                )
            else:
                text = _(
                    "Participants shared less often after the workshop than their colleagues: "
                    "about %(estimate)s fewer shares per person per week (95%% interval "
                    "%(low)s to %(high)s)."
                )
        elif self.direction == "more":
            text = _(
                "Participants shared more often after the workshop: about %(estimate)s more "
                "shares per person per week (95%% interval %(low)s to %(high)s). Without a "
                "comparison group this may also be a change everyone saw."
            )
        else:
            text = _(
                "Participants shared less often after the workshop: about %(estimate)s fewer "
                "shares per person per week (95%% interval %(low)s to %(high)s). Without a "
                "comparison group this may also be a change everyone saw."
            )
        return text % numbers


def _number(value: float) -> str:
    return number_format(round(value, 2), decimal_pos=2)


def difference_in_differences(
    participants: Group,
    comparison: Group | None,
    *,
    before_weeks: int = BEFORE_WEEKS,
    after_weeks: int = AFTER_WEEKS,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = SEED,
) -> Effect:
    """The estimate and its 95% percentile bootstrap interval.

    Without a comparison group (None or nobody in it), the plain before/after change of the
    participants, with its interval, flagged as such.
    """
    if participants.people == 0:
        raise ValueError("no participants")
    p_before, p_after = participants.rates(before_weeks, after_weeks)
    p_change = p_after - p_before
    has_comparison = comparison is not None and comparison.people > 0
    rng = np.random.default_rng(seed)
    p_draws = rng.integers(0, len(p_change), size=(samples, len(p_change)))
    boot = p_change[p_draws].mean(axis=1)
    estimate = float(p_change.mean())
    c_before = c_after = None
    if has_comparison:
        assert comparison is not None  # noqa: S101 - has_comparison says so
        cb, ca = comparison.rates(before_weeks, after_weeks)
        c_change = ca - cb
        c_draws = rng.integers(0, len(c_change), size=(samples, len(c_change)))
        boot = boot - c_change[c_draws].mean(axis=1)
        estimate -= float(c_change.mean())
        c_before, c_after = float(cb.mean()), float(ca.mean())
    low, high = np.percentile(boot, [2.5, 97.5])
    return Effect(
        participants=participants.people,
        comparison=comparison.people if comparison is not None else 0,
        before_participants=float(p_before.mean()),
        after_participants=float(p_after.mean()),
        before_comparison=c_before,
        after_comparison=c_after,
        estimate=estimate,
        low=float(low),
        high=float(high),
        has_comparison=has_comparison,
    )


@dataclass(frozen=True)
class PairedTest:
    pairs: int
    statistic: float
    p_value: float
    before: float  # the mean (Likert) or share of yes (binary) before
    after: float


def mcnemar(before: Sequence[bool], after: Sequence[bool]) -> PairedTest:
    """McNemar's exact test on paired yes/no answers (a binomial test on the discordant pairs)."""
    from statsmodels.stats.contingency_tables import mcnemar as _mcnemar

    if len(before) != len(after):
        raise ValueError("paired answers need the same length")
    table = [[0, 0], [0, 0]]
    for b, a in zip(before, after, strict=True):
        table[0 if b else 1][0 if a else 1] += 1
    result = _mcnemar(table, exact=True)
    n = len(before)
    return PairedTest(
        pairs=n,
        statistic=float(result.statistic),
        p_value=float(result.pvalue),
        before=sum(before) / n if n else 0.0,
        after=sum(after) / n if n else 0.0,
    )


def wilcoxon(before: Sequence[int], after: Sequence[int]) -> PairedTest:
    """Wilcoxon's signed-rank test on paired 1-5 answers (pairs without change are dropped)."""
    from scipy.stats import wilcoxon as _wilcoxon

    if len(before) != len(after):
        raise ValueError("paired answers need the same length")
    diffs = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    n = len(diffs)
    if n == 0 or not np.any(diffs):
        statistic, p_value = 0.0, 1.0
    else:
        result = _wilcoxon(diffs, zero_method="wilcox")
        statistic, p_value = float(result.statistic), float(result.pvalue)
    return PairedTest(
        pairs=n,
        statistic=statistic,
        p_value=p_value,
        before=float(np.mean(before)) if n else 0.0,
        after=float(np.mean(after)) if n else 0.0,
    )
