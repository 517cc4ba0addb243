"""How a survey report writes its figures and texts in a language: numbers, shares and
intervals, the text of an item, its answer labels and a barrier's name.

Shared by every format (HTML and PDF, XLSX, SPSS); the numbers come from `study.analyse`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import conclusions, itembank
from .mapping import Mapping
from .study import fmt_pct_ci


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
