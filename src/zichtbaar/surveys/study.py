"""One survey analysed end to end: the report's numbers as a JSON-able dict (pure, no Django).

`analyse(prepared)` is what the command line, the reports and the bench call. Its keys are a
contract (issue 6): n, willing, barriers, scales, regression, logistic, relative_importance,
biggest_predictor, conclusions; plus correlations, segments, comments, gap and method details.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from . import analysis, anonymity, conclusions
from .mapping import Prepared


class TooFewResponses(ValueError):
    pass


def analyse(
    prepared: Prepared,
    *,
    seed: int = 0,
    n_boot: int | None = None,
    platform: tuple[int, int] | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """The full analysis. platform = (sharers, people) adds the intention-behaviour gap."""
    m = prepared.mapping
    n = prepared.n
    if n < anonymity.MIN_CELL:
        raise TooFewResponses(f"{n} responses: a report needs at least {anonymity.MIN_CELL}")
    report: dict[str, Any] = {"n": n, "seed": seed}

    # willingness
    willing = analysis.proportion(_willing_flags(prepared))
    willing["source"] = "yes_no" if prepared.yes_no is not None else "likert"
    willing["text"] = fmt_pct_ci(willing["share"], willing["ci"])
    report["willing"] = willing
    if prepared.likert is not None:
        lk = prepared.likert.dropna()
        report["willing_likert"] = {
            "mean": analysis._f(lk.mean()),
            "sd": analysis._f(lk.std()),
            "n": int(lk.size),
            "min": m.likert_min,
            "max": m.likert_max,
            "counts": {f"{v:g}": int((lk == v).sum()) for v in _points(m.likert_min, m.likert_max)},
        }

    # barriers, ranked
    barriers = []
    for key, series in prepared.barriers.items():
        b = analysis.proportion(series)
        b.update({"key": key, "column": m.barriers[key][0]})
        barriers.append(b)
    barriers.sort(key=lambda b: (-b["share"], b["key"]))
    report["barriers"] = barriers

    # scales and reliability
    report["scales"] = {
        name: analysis.describe_scale(items) for name, items in prepared.scales.items()
    }
    report["scale_labels"] = {s.name: s.label for s in m.scales if s.label}
    scores = pd.DataFrame(
        {name: analysis.scale_score(items) for name, items in prepared.scales.items()},
        index=_willing_flags(prepared).index,  # also without scales: one row per respondent
    )

    # the outcome of the linear models
    if prepared.likert is not None:
        outcome, outcome_name = prepared.likert, "willing_likert"
    else:
        assert prepared.yes_no is not None
        outcome, outcome_name = prepared.yes_no, "willing_yes"
    report["outcome"] = {"name": outcome_name, "column": outcome.name}
    corr_frame = pd.concat([outcome.rename(outcome_name), scores], axis=1)
    report["correlations"] = analysis.correlations(corr_frame)

    predictors = [c for c in scores.columns if scores[c].notna().sum() > 2 and scores[c].std() > 0]
    complete = pd.concat([outcome, scores[predictors]], axis=1).dropna()
    if predictors and len(complete) >= len(predictors) + 3:
        x = scores[predictors]
        report["regression"] = analysis.ols(outcome, x)
        boots = n_boot or analysis.default_n_boot(len(complete))
        ri = analysis.relative_importance(outcome, x, n_boot=boots, seed=seed)
        report["relative_importance"] = ri
        report["biggest_predictor"] = ri["biggest_predictor"]
        report["logistic"] = (
            analysis.logistic(prepared.yes_no, x) if prepared.yes_no is not None else None
        )
    else:
        report["regression"] = None
        report["relative_importance"] = None
        report["biggest_predictor"] = None
        report["logistic"] = None

    if platform is not None:
        sharers, people = platform
        report["gap"] = analysis.intention_behaviour_gap(
            willing["k"], willing["n"], sharers, people
        )
    else:
        report["gap"] = None

    # segments, with anonymity
    guard = anonymity.DifferencingGuard()
    guard.release(range(n))
    segments: dict[str, list[dict[str, Any]]] = {}
    suppressed_any = False
    willing_flags = _willing_flags(prepared)
    for col, values in prepared.segments.items():
        cells = anonymity.suppress_breakdown(values, guard)
        rows_out = []
        for cell in cells:
            if cell.suppressed:
                suppressed_any = True
                rows_out.append({"value": cell.value, "suppressed": True, "reason": cell.reason})
                continue
            idx = sorted(cell.rows)
            w = analysis.proportion(willing_flags.iloc[idx])
            rows_out.append(
                {
                    "value": cell.value,
                    "suppressed": False,
                    "n": cell.n,
                    "willing_share": w["share"],
                    "willing_ci": w["ci"],
                    "means": {name: analysis._f(scores[name].iloc[idx].mean()) for name in scores},
                }
            )
        segments[col] = rows_out
    report["segments"] = segments
    report["suppressed_any"] = suppressed_any
    report["comments"] = anonymity.visible_comments(prepared.comments, seed=seed)
    written = 0 if prepared.comments is None else int(prepared.comments.notna().sum())
    report["comments_total"] = written if report["comments"] is not None else None
    report["own_items"] = own_items(prepared)
    report["anonymity"] = {"min_cell": anonymity.MIN_CELL, "min_text": anonymity.MIN_TEXT}
    report["conclusions"] = conclusions.conclusions(report, lang)
    report["lang"] = lang
    return analysis.clean_json(report)


def own_items(prepared: Prepared) -> list[dict[str, Any]]:
    """The items reported on their own (not in the models), in the mapping's order.

    Numeric: mean with a t interval, sd, median and the count per whole point; yes/no: the
    share answering yes; choice: the share per option; shares with Wilson intervals, out of
    those who answered. An item answered by fewer than MIN_CELL people shows no numbers.
    """
    out: list[dict[str, Any]] = []
    for item in prepared.mapping.reported:
        values = prepared.reported[item.column]
        answered = int(values.notna().sum())
        row: dict[str, Any] = {"column": item.column, "kind": item.kind, "n": answered}
        if answered < anonymity.MIN_CELL:
            row.update({"n": None, "suppressed": True})
            out.append(row)
            continue
        row["suppressed"] = False
        if item.kind == "numeric":
            clean = values.dropna().astype(float)
            row.update(analysis.mean_ci(clean))
            row["median"] = analysis._f(clean.median())
            lo = item.min if item.min is not None else clean.min()
            hi = item.max if item.max is not None else clean.max()
            row["min"], row["max"] = item.min, item.max
            points = _points(lo, hi) if clean.mod(1).eq(0).all() else []
            row["counts"] = {f"{v:g}": int((clean == v).sum()) for v in points}
        elif item.kind == "yes_no":
            row.update(analysis.proportion(values))
        else:
            clean = values.dropna()
            row["options"] = [
                {"value": option, **analysis.proportion(clean == option)} for option in item.options
            ]
        out.append(row)
    return out


def _willing_flags(prepared: Prepared) -> pd.Series:
    """1/0 per respondent (missing stays missing): yes on the yes/no item when mapped, else one
    of the two highest points of the Likert item."""
    if prepared.yes_no is not None:
        return prepared.yes_no
    likert = prepared.likert
    assert likert is not None
    top2 = (likert >= prepared.mapping.likert_max - 1).astype(float)
    return top2.where(likert.notna())


def _points(lo: float, hi: float) -> list[float]:
    if float(lo).is_integer() and float(hi).is_integer() and hi - lo <= 20:
        return [float(v) for v in range(int(lo), int(hi) + 1)]
    return []


def parse_platform(text: str) -> tuple[int, int]:
    """'SHARERS/PEOPLE', e.g. '95/281' -> (95, 281)."""
    try:
        a, b = text.split("/")
        sharers, people = int(a), int(b)
    except ValueError as exc:
        raise ValueError("expected SHARERS/PEOPLE, e.g. 95/281") from exc
    if people <= 0 or not 0 <= sharers <= people:
        raise ValueError("expected 0 <= SHARERS <= PEOPLE and PEOPLE > 0")
    return sharers, people


def fmt_pct_ci(share: float, ci: list[float]) -> str:
    """'76% [71-81]'."""
    if share is None or any(v is None or math.isnan(v) for v in ci):
        return "-"
    return f"{round(100 * share)}% [{round(100 * ci[0])}-{round(100 * ci[1])}]"
