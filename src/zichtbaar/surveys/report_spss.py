"""The SPSS .sav of a survey's anonymised responses (pyreadstat): the mapped answers only,
with variable and value labels; rare answers and small segments merged so no one stands out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.utils import translation
from django.utils.translation import gettext as _

from . import anonymity, conclusions, itembank
from .analysis import scale_score
from .mapping import Prepared
from .report_text import answer_labels, barrier_text, item_text

_SPSS_NAME = re.compile(r"[^A-Za-z0-9_.]")
# SPSS measurement levels (pyreadstat's variable_measure)
NOMINAL, ORDINAL, SCALE = "nominal", "ordinal", "scale"


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
) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[float, str]], dict[str, str]]:
    """The mapped answers only, segments k-anonymised; with variable and value labels and each
    variable's SPSS measurement level: agreement items ordinal, scale scores scale, choices,
    yes/no, barriers and groups nominal."""
    m = prepared.mapping
    taken: set[str] = set()
    data: dict[str, Any] = {}
    var_labels: dict[str, str] = {}
    value_labels: dict[str, dict[float, str]] = {}
    measures: dict[str, str] = {}

    def add(
        col: str,
        values: pd.Series,
        label: str,
        vlabels: dict[float, str] | None = None,
        measure: str = NOMINAL,
    ) -> None:
        name = spss_name(col, taken)
        data[name] = values.to_numpy(dtype=float)
        var_labels[name] = label[:250]
        measures[name] = measure
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
                ORDINAL,
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
                add(col, items[col], item_text(m, col, lang) or col, bank_values(col), ORDINAL)
        for s in m.scales:
            label = conclusions._cap(conclusions.scale_label(s.name, lang, {s.name: s.label}))
            add(
                f"score_{s.name}",
                scale_score(prepared.scales[s.name]),
                _("Scale score (item mean): %(name)s") % {"name": label},
                measure=SCALE,
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
                # labelled points (a rating) are ordered categories; a bare number is a scale
                points = bank_values(r.column)
                add(r.column, values, label, points, ORDINAL if points else SCALE)
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
    return frame, var_labels, value_labels, measures


def write_sav(prepared: Prepared, lang: str, path: Path) -> None:
    import pyreadstat

    frame, var_labels, value_labels, measures = anonymised_frame(prepared, lang)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=[var_labels[c] for c in frame.columns],
        variable_value_labels=value_labels,
        variable_measure=measures,
    )
