"""Numbers as people read them: grouped digits in their language, fractions as percentages."""

from __future__ import annotations

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def num(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        return formats.number_format(round(float(value)), force_grouping=True)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


@register.filter
def pct(fraction: object) -> str:
    """0.05 -> "5"; 0.075 -> "7.5" (or "7,5" in Dutch)."""
    try:
        value = round(float(fraction) * 100, 2)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if value == int(value):
        return str(int(value))
    return formats.number_format(value, decimal_pos=1 if value * 10 == int(value * 10) else 2)


@register.filter
def times(value: object) -> str:
    """A ratio as "31" or "2.5"."""
    try:
        ratio = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if ratio >= 10:
        return formats.number_format(round(ratio), force_grouping=True)
    return formats.number_format(round(ratio, 1), decimal_pos=1)


@register.filter
def get(mapping: object, key: str) -> object:
    try:
        return mapping[key]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        return ""
