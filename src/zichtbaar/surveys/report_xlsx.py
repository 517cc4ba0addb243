"""The XLSX of an analysed survey (openpyxl): a summary sheet, then one sheet per table.

Every cell goes through `orgs.exports.xlsx_append`, so an answer that looks like a formula stays
text. The texts are the HTML report's (`report_context.context`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from zichtbaar.orgs import exports

from . import conclusions, itembank
from .mapping import Mapping
from .report_context import context
from .report_text import answer_labels, barrier_text, item_text

Sheet = Callable[[str, list[str], list[list[Any]]], None]


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
        _barrier_sheet(sheet, report, mapping, lang)
        if report["scales"]:
            _scale_sheets(sheet, report, ctx, lang)
        _model_sheets(sheet, report)
        _segment_sheet(sheet, report, ctx)
        _own_item_sheet(sheet, report, mapping, lang)
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


def _barrier_sheet(sheet: Sheet, report: dict[str, Any], mapping: Mapping, lang: str) -> None:
    """The Barriers sheet: each barrier's share with its interval."""
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


def _scale_sheets(
    sheet: Sheet,
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


def _model_sheets(sheet: Sheet, report: dict[str, Any]) -> None:
    """The linear and logistic regression and relative importance sheets (those computed)."""
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


def _segment_sheet(sheet: Sheet, report: dict[str, Any], ctx: dict[str, Any]) -> None:
    """The Segments sheet: willingness and scale means per group, small groups hidden."""
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


def _own_item_sheet(sheet: Sheet, report: dict[str, Any], mapping: Mapping, lang: str) -> None:
    """The Own questions sheet, one row per answer (only when the survey has own items)."""
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
