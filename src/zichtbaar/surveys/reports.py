"""Reports of an analysed survey: JSON, HTML (standalone, inline CSS and SVG), PDF (WeasyPrint),
XLSX (openpyxl) and SPSS .sav of the anonymised responses (pyreadstat).

The numbers come from `study.analyse`; this module only presents them. User-facing labels are
English source strings in gettext, rendered under `translation.override(lang)`; the conclusions
come translated from conclusions.yaml.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from zichtbaar.orgs import exports

from . import anonymity, charts, conclusions, itembank
from .analysis import scale_score
from .mapping import Mapping, Prepared
from .study import fmt_pct_ci

FORMATS = ("json", "html", "pdf", "xlsx", "sav")


def num(value: float | None, lang: str, digits: int = 2) -> str:
    if value is None:
        return "–"
    return conclusions.number(value, lang, digits)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)}%"


def pct_ci(share: float | None, ci: list[float] | None) -> str:
    if share is None or not ci:
        return "–"
    return fmt_pct_ci(share, ci)


def ci_text(ci: list[float] | None, lang: str, digits: int = 2) -> str:
    if not ci or ci[0] is None:
        return "–"
    return f"[{num(ci[0], lang, digits)}; {num(ci[1], lang, digits)}]"


def p_text(p: float | None, lang: str) -> str:
    if p is None:
        return "–"
    return "< 0" + (",001" if lang == "nl" else ".001") if p < 0.001 else num(p, lang, 3)


def item_text(mapping: Mapping, column: str, lang: str) -> str:
    own = mapping.item_text.get(column) or {}
    return own.get(lang) or own.get("en") or itembank.item_text(column, lang) or ""


def answer_labels(mapping: Mapping, column: str, lang: str) -> list[tuple[str, str]]:
    """(value, label) of a column's answer options: the mapping's own labels, else the item
    bank's response scale; empty when neither knows them."""
    own = mapping.value_labels.get(column)
    if own:
        return [(v, t.get(lang) or t.get("en") or v) for v, t in own.items()]
    item = itembank.items().get(column)
    if not item:
        return []
    spec = itembank.load()["response_scales"][item["scale"]]
    start = int(spec.get("min", (spec.get("values") or [0])[0]))
    return [(str(start + i), t) for i, t in enumerate(itembank.scale_labels(item["scale"], lang))]


def barrier_text(mapping: Mapping, key: str, lang: str) -> str:
    col = mapping.barriers[key][0] if key in mapping.barriers else key
    if key in mapping.barrier_choices:  # one choice of a shared column: not the column's text
        return itembank.barrier_label(key, lang) or mapping.barrier_choices[key]
    return (
        (mapping.item_text.get(col) or {}).get(lang)
        or itembank.barrier_label(key, lang)
        or conclusions.barrier_label(key, lang)
    )


def title(mapping: Mapping, lang: str) -> str:
    return mapping.title.get(lang) or mapping.title.get("en") or _("Employee advocacy survey")


def context(report: dict[str, Any], mapping: Mapping, lang: str) -> dict[str, Any]:
    """Everything the templates show, formatted for the language (call under override)."""
    labels = report.get("scale_labels") or {}

    def scale_name(name: str) -> str:
        return conclusions._cap(conclusions.scale_label(name, lang, labels))

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
    charts_: dict[str, str] = {}
    wl = report.get("willing_likert")
    if wl and wl["counts"]:
        scale_labels = itembank.scale_labels("agree5", lang)
        points = list(wl["counts"])
        names = scale_labels if len(scale_labels) == len(points) else points
        charts_["likert"] = charts.distribution(
            names,
            list(wl["counts"].values()),
            _("Answers to the willingness statement"),
            _("% of respondents"),
        )
        ctx["likert_mean"] = num(wl["mean"], lang)
    barriers = report["barriers"]
    ctx["barriers"] = [
        {
            "label": barrier_text(mapping, b["key"], lang),
            "share": pct(b["share"]),
            "ci": f"{round(100 * b['ci'][0])}-{round(100 * b['ci'][1])}%",
            "k": b["k"],
            "n": b["n"],
        }
        for b in barriers
    ]
    if barriers:
        charts_["barriers"] = charts.interval_bars(
            [conclusions._cap(conclusions.barrier_label(b["key"], lang)) for b in barriers],
            [b["share"] for b in barriers],
            [b["ci"] for b in barriers],
            _("Barriers"),
            _("% of respondents naming the barrier (95% interval)"),
        )
    ctx["scales"] = [
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
    corr = report["correlations"]
    var_names = {report["outcome"]["name"]: _("Willingness")}
    ctx["corr_header"] = [var_names.get(v) or scale_name(v) for v in corr["variables"]]
    ctx["corr_numbers"] = [str(i + 1) for i in range(len(corr["variables"]))]
    ctx["corr_rows"] = [
        {
            "name": f"{i + 1}. {var_names.get(a) or scale_name(a)}",
            "cells": [
                num(corr["r"][a][b], lang) if j < i else ("1" if i == j else "")
                for j, b in enumerate(corr["variables"])
            ],
        }
        for i, a in enumerate(corr["variables"])
    ]
    reg = report.get("regression")
    if reg:
        ctx["regression"] = {
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
    logit = report.get("logistic")
    if logit:
        ctx["logistic"] = {
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
    ri = report.get("relative_importance")
    if ri:
        names = sorted(ri["predictors"], key=lambda p: -ri["predictors"][p]["lmg"])
        ctx["importance"] = {
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
        charts_["importance"] = charts.interval_bars(
            [scale_name(p) for p in names],
            [ri["predictors"][p]["lmg"] for p in names],
            [ri["predictors"][p]["ci"] for p in names],
            _("Relative importance"),
            _("Share of the variance in willingness (LMG, 95% bootstrap interval)"),
            percent=False,
            highlight=0 if report.get("biggest_predictor") else None,
        )
    gap = report.get("gap")
    if gap:
        ctx["gap"] = {
            "willing": pct(gap["willing_share"]),
            "sharing": pct(gap["sharing_share"]),
            "sharers": gap["sharers"],
            "people": gap["people"],
            "gap": f"{round(100 * gap['gap'])}",
            "ci": f"{round(100 * gap['ci'][0])} … {round(100 * gap['ci'][1])}",
        }
    ctx["segments"] = []
    scale_keys = list(report["scales"])
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
        ctx["segments"].append(
            {"name": conclusions._cap(col.replace("_", " ")), "column": col, "rows": rows}
        )
    ctx["segment_scales"] = [scale_name(k) for k in scale_keys]
    ctx["own_items"] = [
        own_item_context(mapping, row, lang, charts_) for row in report.get("own_items") or []
    ]
    ctx["appendix"] = appendix(mapping, lang)
    ctx["charts"] = charts_
    ctx["biggest"] = ctx.get("importance", {}).get("biggest")
    ctx["missing_models"] = missing_models(report)
    return ctx


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


# --------------------------------------------------------------------------- renderers


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False)


def render_html(report: dict[str, Any], mapping: Mapping, lang: str) -> str:
    with translation.override(lang):
        return render_to_string("surveys/report.html", context(report, mapping, lang))


def render_pdf(report: dict[str, Any], mapping: Mapping, lang: str) -> bytes:
    from weasyprint import HTML

    html = render_html(report, mapping, lang)
    return HTML(string=html).write_pdf()


def render_xlsx(report: dict[str, Any], mapping: Mapping, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    with translation.override(lang):
        ctx = context(report, mapping, lang)
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = _("Summary")[:31]

        def sheet(name: str, header: list[str], rows: list[list[Any]]) -> None:
            sh = wb.create_sheet(name[:31])
            exports.xlsx_append(sh, header)
            for cell in sh[1]:
                cell.font = bold
            for r in rows:
                exports.xlsx_append(sh, r)
            for i, _h in enumerate(header):
                letter = sh.cell(row=1, column=i + 1).column_letter
                sh.column_dimensions[letter].width = 18 if i else 48

        exports.xlsx_append(ws, [ctx["title"]])
        ws["A1"].font = Font(bold=True, size=14)
        exports.xlsx_append(ws, [_("Respondents"), report["n"]])
        w = report["willing"]
        exports.xlsx_append(
            ws, [_("Willing to share"), w["share"], w["ci"][0], w["ci"][1], ctx["willing_text"]]
        )
        exports.xlsx_append(ws, [_("Biggest predictor"), ctx["biggest"] or "–"])
        if ctx["missing_models"]:
            exports.xlsx_append(ws, [ctx["missing_models"]])
        exports.xlsx_append(ws, [])
        exports.xlsx_append(ws, [_("Conclusions")])
        for sentence in report["conclusions"]:
            exports.xlsx_append(ws, [sentence])
        ws.column_dimensions["A"].width = 110
        sheet(
            _("Barriers"),
            [
                _("Barrier"),
                _("Share"),
                _("95% interval, lower"),
                _("95% interval, upper"),
                "k",
                "n",
            ],
            [
                [
                    barrier_text(mapping, b["key"], lang),
                    b["share"],
                    b["ci"][0],
                    b["ci"][1],
                    b["k"],
                    b["n"],
                ]
                for b in report["barriers"]
            ],
        )
        if report["scales"]:
            _scale_sheets(sheet, report, ctx, lang)
        reg = report.get("regression")
        if reg:
            sheet(
                _("Linear regression"),
                [_("Predictor"), "B", _("B, lower"), _("B, upper"), "beta", "p"],
                [
                    [
                        c,
                        reg["coef"][c],
                        reg["coef_ci"][c][0],
                        reg["coef_ci"][c][1],
                        reg["std_betas"][c],
                        reg["p"][c],
                    ]
                    for c in reg["coef"]
                ]
                + [["R²", reg["r2"]], [_("Adjusted R²"), reg["adj_r2"]], ["n", reg["n"]]],
            )
        logit = report.get("logistic")
        if logit:
            sheet(
                _("Logistic regression"),
                [_("Predictor"), "B", _("Odds ratio"), _("OR, lower"), _("OR, upper"), "p"],
                [
                    [
                        c,
                        logit["coef"][c],
                        logit["odds_ratio"][c],
                        logit["odds_ratio_ci"][c][0],
                        logit["odds_ratio_ci"][c][1],
                        logit["p"][c],
                    ]
                    for c in logit["coef"]
                ]
                + [
                    ["const", logit["const"]],
                    [_("Pseudo R² (McFadden)"), logit["pseudo_r2"]],
                    ["n", logit["n"]],
                ],
            )
        ri = report.get("relative_importance")
        if ri:
            sheet(
                _("Relative importance"),
                [
                    _("Predictor"),
                    "LMG",
                    _("Share of R²"),
                    _("95% interval, lower"),
                    _("95% interval, upper"),
                ],
                [
                    [p, v["lmg"], v["share_of_r2"], v["ci"][0], v["ci"][1]]
                    for p, v in ri["predictors"].items()
                ]
                + [
                    [f"{d['a']} - {d['b']}", d["diff"], None, d["ci"][0], d["ci"][1]]
                    for d in ri["differences"]
                ]
                + [[_("Bootstrap resamples"), ri["n_boot"]], [_("Seed"), ri["seed"]]],
            )
        seg_rows = []
        for col, cells in (report.get("segments") or {}).items():
            for cell in cells:
                if cell["suppressed"]:
                    seg_rows.append([col, cell["value"], _("fewer than 5 or hidden")])
                else:
                    seg_rows.append(
                        [col, cell["value"], cell["n"], cell["willing_share"]]
                        + [cell["means"].get(k) for k in report["scales"]]
                    )
        sheet(
            _("Segments"),
            [_("Segment"), _("Group"), "n", _("Willing")] + ctx["segment_scales"],
            seg_rows,
        )
        own_rows: list[list[Any]] = []
        for r in report.get("own_items") or []:
            text = item_text(mapping, r["column"], lang) or r["column"]
            labels = dict(answer_labels(mapping, r["column"], lang))
            if r["suppressed"]:
                own_rows.append([text, r["column"], _("fewer than 5 answers: not shown")])
            elif r["kind"] == "numeric":
                own_rows.append(
                    [text, r["column"], _("Mean"), r["mean"], r["ci"][0], r["ci"][1], None, r["n"]]
                )
            elif r["kind"] == "yes_no":
                yes = itembank.scale_labels("yes_no", lang)[1]
                own_rows.append(
                    [text, r["column"], yes, r["share"], r["ci"][0], r["ci"][1], r["k"], r["n"]]
                )
            else:
                for o in r["options"]:
                    own_rows.append(
                        [
                            text,
                            r["column"],
                            labels.get(o["value"], o["value"]),
                            o["share"],
                            o["ci"][0],
                            o["ci"][1],
                            o["k"],
                            o["n"],
                        ]
                    )
        if own_rows:
            sheet(
                _("Own questions"),
                [
                    _("Question"),
                    _("Column"),
                    _("Answer"),
                    _("Mean or share"),
                    _("95% interval, lower"),
                    _("95% interval, upper"),
                    "k",
                    "n",
                ],
                own_rows,
            )
        if report.get("comments"):
            sheet(_("Comments"), [_("Comment")], [[c] for c in report["comments"]])
        items = []
        for group in ctx["appendix"]:
            for it in group["items"]:
                items.append([group["name"], it["column"], it["text"], it["scale"]])
        sheet(_("Items"), [_("Part"), _("Column"), _("Text"), _("Answers")], items)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _scale_sheets(
    sheet: Callable[[str, list[str], list[list[Any]]], None],
    report: dict[str, Any],
    ctx: dict[str, Any],
    lang: str,
) -> None:
    """The Scales and Correlations sheets (only when the survey has scales)."""
    sheet(
        _("Scales"),
        [
            _("Scale"),
            _("Items"),
            "n",
            _("Mean"),
            _("SD"),
            "alpha",
            _("alpha, lower"),
            _("alpha, upper"),
            "omega",
        ],
        [
            [
                conclusions._cap(conclusions.scale_label(k, lang, report.get("scale_labels"))),
                len(s["items"]),
                s["n"],
                s["mean"],
                s["sd"],
                s["alpha"],
                (s["alpha_ci"] or [None])[0],
                (s["alpha_ci"] or [None, None])[1],
                s["omega"],
            ]
            for k, s in report["scales"].items()
        ],
    )
    corr = report["correlations"]
    sheet(
        _("Correlations"),
        [""] + ctx["corr_header"],
        [
            [ctx["corr_header"][i]] + [corr["r"][a][b] for b in corr["variables"]]
            for i, a in enumerate(corr["variables"])
        ],
    )


_SPSS_NAME = re.compile(r"[^A-Za-z0-9_.]")


def spss_name(name: str, taken: set[str]) -> str:
    base = _SPSS_NAME.sub("_", name)
    if not base or not base[0].isalpha():
        base = "v_" + base
    base = base[:60]
    candidate, i = base, 2
    while candidate.lower() in taken:
        candidate, i = f"{base}_{i}", i + 1
    taken.add(candidate.lower())
    return candidate


def anonymised_frame(
    prepared: Prepared, lang: str
) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[float, str]]]:
    """The mapped answers only, segments k-anonymised; with variable and value labels."""
    m = prepared.mapping
    taken: set[str] = set()
    data: dict[str, Any] = {}
    var_labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}

    def add(
        col: str, values: pd.Series, label: str, vlabels: dict[float, str] | None = None
    ) -> None:
        name = spss_name(col, taken)
        data[name] = values.to_numpy(dtype=float)
        var_labels[name] = label[:250]
        if vlabels:
            value_labels[name] = vlabels

    def bank_values(col: str) -> dict[float, str] | None:
        out: dict[float, str] = {}
        for value, text in answer_labels(m, col, lang):
            try:
                out[float(value)] = text
            except ValueError:
                continue
        return out or None

    with translation.override(lang):
        if prepared.likert is not None:
            agree = itembank.scale_labels("agree5", lang)
            vl = bank_values(m.likert or "")
            if vl is None and m.likert_min == 1 and m.likert_max == 5:
                vl = {float(i + 1): t for i, t in enumerate(agree)}
            add(
                m.likert or "willing_likert",
                prepared.likert,
                item_text(m, m.likert or "", lang) or _("Willingness (Likert)"),
                vl,
            )
        if prepared.yes_no is not None:
            yn = itembank.scale_labels("yes_no", lang)
            add(
                m.yes_no or "willing_yes",
                prepared.yes_no,
                item_text(m, m.yes_no or "", lang) or _("Willing (yes/no)"),
                {0.0: yn[0], 1.0: yn[1]},
            )
        for s in m.scales:
            items = prepared.scales[s.name]
            for col in s.items:
                add(col, items[col], item_text(m, col, lang) or col, bank_values(col))
        for s in m.scales:
            label = conclusions._cap(conclusions.scale_label(s.name, lang, {s.name: s.label}))
            add(
                f"score_{s.name}",
                scale_score(prepared.scales[s.name]),
                _("Scale score (item mean): %(name)s") % {"name": label},
            )
        chosen = itembank.scale_labels("chosen", lang)
        for key, series in prepared.barriers.items():
            add(
                f"barrier_{key}" if key in m.barrier_choices else m.barriers[key][0],
                series,
                barrier_text(m, key, lang),
                {0.0: chosen[0], 1.0: chosen[1]},
            )
        for r in m.reported:
            values = prepared.reported[r.column]
            label = item_text(m, r.column, lang) or r.column
            if r.kind == "numeric":
                add(r.column, values, label, bank_values(r.column))
                continue
            if r.kind == "yes_no":
                yn = itembank.scale_labels("yes_no", lang)
                codes = {"0.0": 0.0, "1.0": 1.0}
                names = {0.0: yn[0], 1.0: yn[1]}
                keys = values.map(lambda v: None if pd.isna(v) else str(float(v)))
            else:
                own = dict(answer_labels(m, r.column, lang))
                codes = {o: float(i + 1) for i, o in enumerate(r.options)}
                names = {codes[o]: own.get(o, o) for o in r.options}
                keys = values
            # answers given by fewer than 5 people are merged, so none stands out in a row
            rare = anonymity.rare_answers(keys)
            other_code = float(len(codes) + 1) if r.kind == "choice" else 9.0
            coded = keys.map(lambda v, c=codes: np.nan if v is None or pd.isna(v) else c[v])
            if rare:
                merged = keys.isin(rare)
                if int(merged.sum()) < anonymity.MIN_CELL:
                    coded = coded.where(~merged)  # too few even together: left out
                else:
                    coded = coded.where(~merged, other_code)
                    names = {c: t for c, t in names.items() if c not in {codes[v] for v in rare}}
                    names[other_code] = _("Other (answers under 5 merged)")
            add(r.column, coded.astype(float), label, names)
        if prepared.segments:
            other = _("Other (groups under 5 merged)")
            seg = anonymity.k_anonymous_segments(prepared.segments_frame(), other)
            for col in seg.columns:
                values = seg[col]
                levels = sorted(
                    v for v in values.unique() if v not in (other, anonymity.NOT_ANSWERED)
                )
                levels += [v for v in (anonymity.NOT_ANSWERED, other) if v in set(values)]
                codes = {v: float(i + 1) for i, v in enumerate(levels)}
                vl = {
                    codes[v]: (_("(not answered)") if v == anonymity.NOT_ANSWERED else v)
                    for v in levels
                }
                add(col, values.map(codes).astype(float), item_text(m, col, lang) or col, vl)
    frame = pd.DataFrame(data)
    rng = np.random.default_rng(0)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)  # no row order
    return frame, var_labels, value_labels


def write_sav(prepared: Prepared, lang: str, path: Path) -> None:
    import pyreadstat

    frame, var_labels, value_labels = anonymised_frame(prepared, lang)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[var_labels[c] for c in frame.columns],
        variable_value_labels=value_labels,
    )


def write(
    fmt: str, report: dict[str, Any], prepared: Prepared, lang: str, out_dir: Path, stem: str
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stem}.{fmt}"
    if fmt == "json":
        path.write_text(render_json(report), encoding="utf-8")
    elif fmt == "html":
        path.write_text(render_html(report, prepared.mapping, lang), encoding="utf-8")
    elif fmt == "pdf":
        path.write_bytes(render_pdf(report, prepared.mapping, lang))
    elif fmt == "xlsx":
        path.write_bytes(render_xlsx(report, prepared.mapping, lang))
    elif fmt == "sav":
        write_sav(prepared, lang, path)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return path
