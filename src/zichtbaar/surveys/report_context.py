"""What the HTML and PDF report show: the analysed survey (`study.analyse`) formatted for one
language, with its charts as inline SVG. The XLSX reuses a few of these texts.

Call under `translation.override(lang)`; the conclusions come translated from conclusions.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from . import anonymity, charts, conclusions, itembank
from .mapping import Mapping
from .report_text import (
    answer_labels,
    barrier_text,
    ci_text,
    item_text,
    num,
    p_text,
    pct,
    pct_ci,
    title,
)

Namer = Callable[[str], str]


def context(report: dict[str, Any], mapping: Mapping, lang: str) -> dict[str, Any]:
    """Everything the templates show, formatted for the language (call under override)."""
    scale_name = _scale_namer(report, lang)
    ctx: dict[str, Any] = {
        "lang": lang,
        "title": title(mapping, lang),
        "organisation": mapping.organisation or "",
        "date": dt.date.today().isoformat(),
        "n": report["n"],
        "conclusions": report["conclusions"],
        "willing": report["willing"],
        "willing_text": pct_ci(report["willing"]["share"], report["willing"]["ci"]),
        "willing_source": report["willing"]["source"],
        "seed": report["seed"],
        "min_cell": anonymity.MIN_CELL,
        "min_text": anonymity.MIN_TEXT,
        "comments": report.get("comments"),
    }
    charts_: dict[str, str] = {}  # in the order the report shows them
    ctx.update(willingness(report, lang, charts_))
    ctx["barriers"] = barriers(report, mapping, lang, charts_)
    ctx["scales"] = scales(report, scale_name, lang)
    ctx.update(correlations(report, scale_name, lang))
    if report.get("regression"):
        ctx["regression"] = regression(report, scale_name, lang)
    if report.get("logistic"):
        ctx["logistic"] = logistic(report["logistic"], scale_name, lang)
    if report.get("relative_importance"):
        ctx["importance"] = importance(report, scale_name, lang, charts_)
    if report.get("gap"):
        ctx["gap"] = gap(report["gap"])
    ctx["segments"] = segments(report, lang)
    ctx["segment_scales"] = [scale_name(k) for k in report["scales"]]
    ctx["own_items"] = [
        own_item_context(mapping, row, lang, charts_) for row in report.get("own_items") or []
    ]
    ctx["appendix"] = appendix(mapping, lang)
    ctx["charts"] = charts_
    ctx["biggest"] = ctx.get("importance", {}).get("biggest")
    ctx["missing_models"] = missing_models(report)
    return ctx


def _scale_namer(report: dict[str, Any], lang: str) -> Namer:
    """A scale's name as the report shows it (the survey's own label, else the item bank's)."""
    labels = report.get("scale_labels") or {}

    def scale_name(name: str) -> str:
        return conclusions._cap(conclusions.scale_label(name, lang, labels))

    return scale_name


def willingness(report: dict[str, Any], lang: str, charts_: dict[str, str]) -> dict[str, Any]:
    """The answers to the willingness statement: its chart (into charts_) and mean."""
    wl = report.get("willing_likert")
    if not (wl and wl["counts"]):
        return {}
    scale_labels = itembank.scale_labels("agree5", lang)
    points = list(wl["counts"])
    names = scale_labels if len(scale_labels) == len(points) else points
    charts_["likert"] = charts.distribution(
        names,
        list(wl["counts"].values()),
        _("Answers to the willingness statement"),
        _("% of respondents"),
    )
    return {"likert_mean": num(wl["mean"], lang)}


def barriers(
    report: dict[str, Any], mapping: Mapping, lang: str, charts_: dict[str, str]
) -> list[dict[str, Any]]:
    """The barriers named, with their share and interval; their chart goes into charts_."""
    found = report["barriers"]
    if found:
        charts_["barriers"] = charts.interval_bars(
            [conclusions._cap(conclusions.barrier_label(b["key"], lang)) for b in found],
            [b["share"] for b in found],
            [b["ci"] for b in found],
            _("Barriers"),
            _("% of respondents naming the barrier (95% interval)"),
        )
    return [
        {
            "label": barrier_text(mapping, b["key"], lang),
            "share": pct(b["share"]),
            "ci": f"{round(100 * b['ci'][0])}-{round(100 * b['ci'][1])}%",
            "k": b["k"],
            "n": b["n"],
        }
        for b in found
    ]


def scales(report: dict[str, Any], scale_name: Namer, lang: str) -> list[dict[str, Any]]:
    """Each scale's mean, spread and reliability (alpha with its interval, omega)."""
    return [
        {
            "name": scale_name(name),
            "key": name,
            "k": len(s["items"]),
            "n": s["n"],
            "mean": num(s["mean"], lang),
            "sd": num(s["sd"], lang),
            "alpha": num(s["alpha"], lang),
            "alpha_ci": ci_text(s["alpha_ci"], lang),
            "omega": num(s["omega"], lang),
        }
        for name, s in report["scales"].items()
    ]


def correlations(report: dict[str, Any], scale_name: Namer, lang: str) -> dict[str, Any]:
    """The lower triangle of the correlations between willingness and the scales."""
    corr = report["correlations"]
    var_names = {report["outcome"]["name"]: _("Willingness")}
    return {
        "corr_header": [var_names.get(v) or scale_name(v) for v in corr["variables"]],
        "corr_numbers": [str(i + 1) for i in range(len(corr["variables"]))],
        "corr_rows": [
            {
                "name": f"{i + 1}. {var_names.get(a) or scale_name(a)}",
                "cells": [
                    num(corr["r"][a][b], lang) if j < i else ("1" if i == j else "")
                    for j, b in enumerate(corr["variables"])
                ],
            }
            for i, a in enumerate(corr["variables"])
        ],
    }


def regression(report: dict[str, Any], scale_name: Namer, lang: str) -> dict[str, Any]:
    """The linear regression of willingness on the scales."""
    reg = report["regression"]
    return {
        "n": reg["n"],
        "r2": num(reg["r2"], lang),
        "adj_r2": num(reg["adj_r2"], lang),
        "rows": [
            {
                "name": scale_name(c),
                "b": num(reg["coef"][c], lang, 3),
                "ci": ci_text(reg["coef_ci"][c], lang, 3),
                "beta": num(reg["std_betas"][c], lang),
                "p": p_text(reg["p"][c], lang),
            }
            for c in reg["coef"]
        ],
        "outcome": _("the willingness statement (1-5)")
        if report["outcome"]["name"] == "willing_likert"
        else _("the yes/no willingness question (0/1)"),
    }


def logistic(logit: dict[str, Any], scale_name: Namer, lang: str) -> dict[str, Any]:
    """The logistic regression of the yes/no willingness question on the scales."""
    return {
        "n": logit["n"],
        "pseudo_r2": num(logit["pseudo_r2"], lang),
        "const": num(logit["const"], lang, 3),
        "rows": [
            {
                "name": scale_name(c),
                "b": num(logit["coef"][c], lang, 3),
                "or": num(logit["odds_ratio"][c], lang),
                "or_ci": ci_text(logit["odds_ratio_ci"][c], lang),
                "p": p_text(logit["p"][c], lang),
            }
            for c in logit["coef"]
        ],
    }


def importance(
    report: dict[str, Any], scale_name: Namer, lang: str, charts_: dict[str, str]
) -> dict[str, Any]:
    """The relative importance (LMG) of the scales, the largest first, with the differences
    between them; its chart goes into charts_."""
    ri = report["relative_importance"]
    names = sorted(ri["predictors"], key=lambda p: -ri["predictors"][p]["lmg"])
    charts_["importance"] = charts.interval_bars(
        [scale_name(p) for p in names],
        [ri["predictors"][p]["lmg"] for p in names],
        [ri["predictors"][p]["ci"] for p in names],
        _("Relative importance"),
        _("Share of the variance in willingness (LMG, 95% bootstrap interval)"),
        percent=False,
        highlight=0 if report.get("biggest_predictor") else None,
    )
    return {
        "n_boot": ri["n_boot"],
        "rows": [
            {
                "name": scale_name(p),
                "lmg": num(ri["predictors"][p]["lmg"], lang, 3),
                "share": pct(ri["predictors"][p]["share_of_r2"]),
                "ci": ci_text(ri["predictors"][p]["ci"], lang, 3),
            }
            for p in names
        ],
        "differences": [
            {
                "pair": f"{scale_name(d['a'])} − {scale_name(d['b'])}",
                "diff": num(d["diff"], lang, 3),
                "ci": ci_text(d["ci"], lang, 3),
                "clear": d["ci"][0] > 0 or d["ci"][1] < 0,
            }
            for d in ri["differences"]
        ],
        "biggest": scale_name(report["biggest_predictor"])
        if report.get("biggest_predictor")
        else None,
    }


def gap(found: dict[str, Any]) -> dict[str, Any]:
    """The gap between the people willing to share and the people who do."""
    return {
        "willing": pct(found["willing_share"]),
        "sharing": pct(found["sharing_share"]),
        "sharers": found["sharers"],
        "people": found["people"],
        "gap": f"{round(100 * found['gap'])}",
        "ci": f"{round(100 * found['ci'][0])} … {round(100 * found['ci'][1])}",
    }


def segments(report: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Willingness and the scale means per segment; small groups stay suppressed."""
    scale_keys = list(report["scales"])
    out = []
    for col, cells in (report.get("segments") or {}).items():
        rows = []
        for cell in cells:
            value = (
                _("(not answered)") if cell["value"] == anonymity.NOT_ANSWERED else cell["value"]
            )
            if cell["suppressed"]:
                rows.append({"value": value, "suppressed": True})
            else:
                rows.append(
                    {
                        "value": value,
                        "suppressed": False,
                        "n": cell["n"],
                        "willing": pct_ci(cell["willing_share"], cell["willing_ci"]),
                        "means": [num(cell["means"].get(k), lang) for k in scale_keys],
                    }
                )
        out.append({"name": conclusions._cap(col.replace("_", " ")), "column": col, "rows": rows})
    return out


def missing_models(report: dict[str, Any]) -> str | None:
    """Why the report has no reliability, regression or relative importance (None: it has)."""
    if not report["scales"]:
        return _(
            "This survey has no scales (groups of questions such as engagement or attitude to "
            "the employer), so this report has no reliability, correlations, regression or "
            "relative importance: those need at least one scale."
        )
    if not report.get("regression"):
        return _(
            "The regression and relative importance are left out: there are too few complete "
            "answers on the scales, or the scale scores do not vary."
        )
    return None


def own_item_context(
    mapping: Mapping, row: dict[str, Any], lang: str, charts_: dict[str, str]
) -> dict[str, Any]:
    """One own item reported on its own, formatted; its chart goes into charts_."""
    col = row["column"]
    text = item_text(mapping, col, lang) or col
    out: dict[str, Any] = {"column": col, "text": text, "kind": row["kind"], "chart": ""}
    if row["suppressed"]:
        return {**out, "suppressed": True}
    out.update({"suppressed": False, "n": row["n"]})
    labels = dict(answer_labels(mapping, col, lang))
    if row["kind"] == "numeric":
        out.update(
            {
                "mean": num(row["mean"], lang),
                "ci": ci_text(row["ci"], lang),
                "sd": num(row["sd"], lang),
                "median": num(row["median"], lang, 1),
            }
        )
        if row.get("counts"):
            out["chart"] = charts.distribution(
                [labels.get(v, v) for v in row["counts"]],
                list(row["counts"].values()),
                text,
                _("% of respondents"),
            )
    elif row["kind"] == "yes_no":
        out["share"] = pct_ci(row["share"], row["ci"])
        out["k"] = row["k"]
    else:
        options = row["options"]
        out["options"] = [
            {
                "label": labels.get(o["value"], o["value"]),
                "share": pct(o["share"]),
                "ci": f"{round(100 * o['ci'][0])}-{round(100 * o['ci'][1])}%",
                "k": o["k"],
            }
            for o in options
        ]
        out["chart"] = charts.interval_bars(
            [labels.get(o["value"], o["value"]) for o in options],
            [o["share"] for o in options],
            [o["ci"] for o in options],
            text,
            _("% of those who answered (95% interval)"),
        )
    charts_[f"own_{col}"] = out["chart"]
    return out


def appendix(mapping: Mapping, lang: str) -> list[dict[str, Any]]:
    """The items, grouped by the part they play, with their text and response scale."""

    def row(col: str) -> dict[str, str]:
        scale = " · ".join(label for _v, label in answer_labels(mapping, col, lang))
        return {"column": col, "text": item_text(mapping, col, lang), "scale": scale}

    groups = []
    will = [c for c in (mapping.likert, mapping.yes_no) if c]
    groups.append({"name": _("Willingness"), "items": [row(c) for c in will]})
    for s in mapping.scales:
        name = conclusions._cap(conclusions.scale_label(s.name, lang, {s.name: s.label}))
        groups.append({"name": name, "items": [row(c) for c in s.items]})
    if mapping.barriers:
        groups.append(
            {
                "name": _("Barriers"),
                "items": [
                    {
                        **row(col),
                        "column": f"{col} ∋ {mapping.barrier_choices[key]}"
                        if key in mapping.barrier_choices
                        else col,
                        "text": barrier_text(mapping, key, lang),
                    }
                    for key, (col, _yes) in mapping.barriers.items()
                ],
            }
        )
    if mapping.segments:
        groups.append({"name": _("Segments"), "items": [row(c) for c in mapping.segments]})
    if mapping.reported:
        groups.append(
            {
                "name": _("Reported on their own"),
                "items": [row(r.column) for r in mapping.reported],
            }
        )
    if mapping.comments:
        groups.append({"name": _("Comments"), "items": [row(mapping.comments)]})
    return groups
