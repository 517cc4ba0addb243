"""Numbers as people read them: grouped digits in their language, fractions as percentages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats

register = template.Library()

# Filters take whatever a template hands them (Any) and catch the errors of what is no number.


@register.filter
def num(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return formats.number_format(round(float(value)), force_grouping=True)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def pct(fraction: Any) -> str:
    """0.05 -> "5"; 0.075 -> "7.5" (or "7,5" in Dutch)."""
    try:
        value = round(float(fraction) * 100, 2)
    except (TypeError, ValueError):
        return ""
    if value == int(value):
        return str(int(value))
    return formats.number_format(value, decimal_pos=1 if value * 10 == int(value * 10) else 2)


@register.filter
def times(value: Any) -> str:
    """A ratio as "31" or "2.5"."""
    try:
        ratio = float(value)
    except (TypeError, ValueError):
        return ""
    if ratio >= 10:
        return formats.number_format(round(ratio), force_grouping=True)
    return formats.number_format(round(ratio, 1), decimal_pos=1)


@register.filter
def get(mapping: Any, key: str) -> object:
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return ""
