"""Plain-language conclusions from the numbers, in Dutch and English (pure, no Django).

The sentence templates are in conclusions.yaml (not gettext), so the Dutch is right from the
start. Every sentence is generated from the report's numbers; caveats always come last.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).with_name("conclusions.yaml")
SMALL_N = 100
LOW_ALPHA = 0.7


@cache
def templates() -> dict[str, Any]:
    with PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def number(value: float, lang: str, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text


def pct(value: float) -> str:
    return f"{round(100 * value):d}"


def scale_label(name: str, lang: str, labels: dict[str, dict[str, str]] | None = None) -> str:
    own = (labels or {}).get(name) or {}
    if own.get(lang):
        return own[lang]
    return templates()[lang]["scales"].get(name, name.replace("_", " "))


def barrier_label(key: str, lang: str) -> str:
    return templates()[lang]["barriers"].get(key, key.replace("_", " "))


def _join(parts: list[str], lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {templates()[lang]['and']} " + parts[-1]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def conclusions(report: dict[str, Any], lang: str) -> list[str]:
    """The plain-language sentences for a report dict (see reports.analyse)."""
    t = templates()[lang]
    labels = report.get("scale_labels") or {}
    out: list[str] = []
    n = report["n"]
    willing = report.get("willing")
    if willing and willing.get("share") is not None:
        key = "willing_yes_no" if willing.get("source") == "yes_no" else "willing_likert"
        out.append(
            t[key].format(
                pct=pct(willing["share"]),
                k=willing["k"],
                n=willing["n"],
                lo=pct(willing["ci"][0]),
                hi=pct(willing["ci"][1]),
            )
        )
    barriers = report.get("barriers") or []
    if barriers:
        named = [f"{barrier_label(b['key'], lang)} ({pct(b['share'])}%)" for b in barriers[:3]]
        out.append(t["barriers_top"].format(list=_join(named, lang)))
    ri = report.get("relative_importance")
    reg = report.get("regression")
    if reg and ri:
        names = list(ri["predictors"])
        out.append(
            t["fit"].format(
                predictors=_join([scale_label(p, lang, labels) for p in names], lang),
                r2=pct(reg["r2"]),
                r2_raw=number(reg["r2"], lang),
                n=reg["n"],
            )
        )
        ranked = sorted(names, key=lambda p: -ri["predictors"][p]["lmg"])
        top = ranked[0]
        share = pct(ri["predictors"][top]["share_of_r2"])
        if len(names) == 1:
            out.append(t["single_predictor"].format(label=_cap(scale_label(top, lang, labels))))
        elif report.get("biggest_predictor"):
            out.append(t["biggest"].format(label=_cap(scale_label(top, lang, labels)), share=share))
        else:
            unclear = []
            for d in ri["differences"]:
                if top in (d["a"], d["b"]) and d["ci"][0] <= 0 <= d["ci"][1]:
                    unclear.append(d["b"] if d["a"] == top else d["a"])
            out.append(
                t["no_biggest"].format(
                    label=scale_label(top, lang, labels),
                    share=share,
                    other=_join([scale_label(o, lang, labels) for o in unclear], lang),
                )
            )
    logit = report.get("logistic")
    if logit and ri:
        top = max(ri["predictors"], key=lambda p: ri["predictors"][p]["lmg"])
        ci = logit["odds_ratio_ci"][top]
        out.append(
            t["logistic"].format(
                label=scale_label(top, lang, labels),
                odds=number(logit["odds_ratio"][top], lang),
                lo=number(ci[0], lang),
                hi=number(ci[1], lang),
            )
        )
    for name, scale in (report.get("scales") or {}).items():
        if scale.get("alpha") is not None and scale["alpha"] < LOW_ALPHA:
            out.append(
                t["reliability_low"].format(
                    label=scale_label(name, lang, labels), alpha=number(scale["alpha"], lang)
                )
            )
    gap = report.get("gap")
    if gap:
        out.append(
            t["gap"].format(
                sharing=pct(gap["sharing_share"]),
                willing=pct(gap["willing_share"]),
                gap=pct(gap["gap"]),
                lo=pct(gap["ci"][0]),
                hi=pct(gap["ci"][1]),
            )
        )
    if report.get("suppressed_any"):
        out.append(t["segments_suppressed"])
    if n < SMALL_N:
        out.append(t["caveat_small_n"].format(n=n))
    else:
        moe = 100 * 1.96 * math.sqrt(0.25 / n)
        out.append(t["caveat_n"].format(n=n, moe=f"{moe:.0f}"))
    out.append(t["caveat_selection"])
    out.append(t["caveat_cross_sectional"])
    return [" ".join(s.split()) for s in out]
