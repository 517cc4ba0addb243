"""The effect report's one chart: shares per person per week, participants and comparison
group, with the workshop's week marked. A small hand-drawn SVG (the figures are in the table
beside it too), so it renders the same in the page and in the PDF."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 240, 48, 36, 16


def weekly_chart(weekly: list[tuple[int, float, float | None]]) -> SafeString:
    if not weekly:
        return SafeString("")
    top = max([p for _w, p, _c in weekly] + [c for _w, _p, c in weekly if c is not None] + [0.1])
    top = _nice(top)
    n = len(weekly)
    plot_w = WIDTH - PAD_LEFT - 12
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(i: int) -> float:
        return PAD_LEFT + plot_w * i / max(1, n - 1)

    def y(v: float) -> float:
        return PAD_TOP + plot_h * (1 - v / top)

    def line(values: list[float], cls: str) -> SafeString:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        return format_html('<polyline class="{}" points="{}" fill="none"/>', cls, points)

    zero = next((i for i, (w, _p, _c) in enumerate(weekly) if w == 0), 0)
    ticks = [0, top / 2, top]
    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/><text x="{}" y="{}" class="tick" text-anchor="end">{}</text>',
        (
            (
                PAD_LEFT,
                WIDTH - 12,
                f"{y(t):.1f}",
                f"{y(t):.1f}",
                PAD_LEFT - 6,
                f"{y(t) + 4:.1f}",
                number_format(t, decimal_pos=1),
            )
            for t in ticks
        ),
    )
    weeks = format_html_join(
        "",
        '<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>',
        (
            (f"{x(i):.1f}", HEIGHT - PAD_BOTTOM + 16, w)
            for i, (w, _p, _c) in enumerate(weekly)
            if w % 2 == 0
        ),
    )
    lines = line([p for _w, p, _c in weekly], "participants")
    if all(c is not None for _w, _p, c in weekly):
        lines += line([c or 0.0 for _w, _p, c in weekly], "comparison")
    label = _("Shares per person per week, before and after the workshop (week 0)")
    return format_html(
        '<svg class="effect-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '{}<line x1="{}" x2="{}" y1="{}" y2="{}" class="workshop-week"/>'
        '<text x="{}" y="{}" class="tick">{}</text>{}{}'
        '<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text></svg>',
        WIDTH,
        HEIGHT,
        label,
        grid,
        f"{x(zero):.1f}",
        f"{x(zero):.1f}",
        PAD_TOP,
        HEIGHT - PAD_BOTTOM,
        f"{x(zero) + 4:.1f}",
        PAD_TOP + 10,
        _("workshop"),
        weeks,
        lines,
        PAD_LEFT + plot_w / 2,
        HEIGHT - 4,
        _("week"),
    )


def _nice(value: float) -> float:
    for step in (0.2, 0.5, 1, 2, 5, 10, 20, 50):
        if value <= step:
            return float(step)
    return float(round(value + 0.5))
