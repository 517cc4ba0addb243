"""Charts of the comms dashboard as server-rendered SVG: the same picture in a page, an e-mail
or a PDF.

Written as SVG directly rather than through matplotlib: these are bars and ticks, and drawing
them by hand takes well under a millisecond where matplotlib took 100-200 ms per chart, which
made the first view after every new share slow (docs/decisions.md, "Dashboard speed").

Every chart has a visible title, an SVG <title> and <desc> (read by screen readers: what the
chart shows and its main figures in words), text kept as text and formatted in the reader's
language (a decimal comma and grouped thousands in Dutch), colours with enough contrast, and
the page puts its data table one click away. Counts get whole-number ticks, percentages stop at
100%. Hidden groups (anonymity threshold) get no bar but the word "hidden" and why. A chart
with nothing to show has no picture but a sentence (`Chart.empty`). A week that is not over
(the running week) or only partly in the period is hatched and said to be partial, so it never
reads as a fall. User data (team and moment names) is escaped text, never markup.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zichtbaar.impact.anonymity import Group

BRAND = "#0e5e5a"  # 7.4:1 on white
BRAND_LIGHT = "#d7e9e7"  # the partial week's fill, under BRAND stripes
ACCENT = "#a34f00"  # clicks; 5.1:1 on white
ACCENT_LIGHT = "#f5e1cf"
INK = "#1c2b2b"
MUTED = "#4d5f5f"  # 6.6:1 on white
GRID = "#d5dede"
WIDTH = 720  # viewBox width; the page scales the SVG to its column
FONT = 13
CHAR = 8.0  # a generous average character width at FONT px, for laying out labels


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    desc: str
    svg: SafeString
    empty: str = ""  # set when there is nothing to draw: the sentence shown instead
    note: str = ""  # a legend line under the chart (e.g. what hatching means)


def number(value: float, decimals: int = 0) -> str:
    """A figure as the reader's language writes it: 17,758 / 17.758; 2.5 / 2,5."""
    if decimals:
        return formats.number_format(round(value, decimals), decimals, force_grouping=True)
    return formats.number_format(round(value), force_grouping=True)


def percentage(value: float) -> str:
    return _("%(n)s%%") % {"n": number(value)}


def ticks(top: float, *, most: int = 5, cap: int | None = None) -> list[int]:
    """Whole-number ticks from 0 on a 1-2-5 step, covering `top`; never above `cap`.

    0 -> [0, 1]; 3 -> [0, 1, 2, 3]; 54 -> [0, 20, 40, 60]; a percentage of 93 -> 0..100.
    """
    top = max(0.0, float(top))
    if top <= 0:
        return [0, 1]
    raw = top / most
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    high = math.ceil(top / step) * step  # steps of 1-2-5 divide 100, so a cap of 100 is a tick
    if cap is not None:
        high = min(high, cap)
    return list(range(0, int(high) + 1, int(step)))


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _hatch(pattern_id: str, colour: str, light: str) -> str:
    return (
        f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{light}"/>'
        f'<rect width="2.5" height="6" fill="{colour}"/></pattern>'
    )


def _svg(key: str, title: str, desc: str, height: float, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'class="chart-svg" role="img" aria-labelledby="{key}-title {key}-desc" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{FONT}" fill="{INK}">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(desc)}</desc>'
        f"<defs>{_hatch(f'{key}-hatch', BRAND, BRAND_LIGHT)}"
        f"{_hatch(f'{key}-hatch-clicks', ACCENT, ACCENT_LIGHT)}</defs>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 (every text is escaped)


def _empty(key: str, title: str, sentence: str) -> Chart:
    return Chart(key, title, sentence, mark_safe(""), empty=sentence)


def _hidden_text(group: Group, k: int) -> str:
    return (
        _("hidden: fewer than %(k)s people") % {"k": k}
        if group.hidden == "small"
        else _("hidden, protects a small group")
    )


# --- the weekly trend -----------------------------------------------------------------------


class WeekRow(Protocol):
    """One week of the trend (the dashboard's ``Week``)."""

    @property
    def start(self) -> dt.date: ...
    @property
    def shares(self) -> int: ...
    @property
    def clicks(self) -> int: ...
    @property
    def partial(self) -> bool: ...


def _panel(
    key: str,
    values: Sequence[int],
    partial: Sequence[bool],
    *,
    top_y: float,
    height: float,
    left: float,
    label: str,
    colour: str,
) -> list[str]:
    """One panel of vertical bars with whole-number ticks; partial weeks hatched."""
    out: list[str] = []
    marks = ticks(max(values, default=0), most=4)
    high = marks[-1] or 1
    plot_w = WIDTH - left - 8
    slot = plot_w / max(1, len(values))
    bottom = top_y + height
    out.append(_text(left, top_y - 8, label, font_weight="bold"))
    for m in marks:
        y = bottom - m / high * height
        out.append(
            f'<line x1="{left:.1f}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID if m else MUTED}"/>'
        )
        out.append(_text(left - 6, y + 4, number(m), text_anchor="end", fill=MUTED))
    for i, (v, part) in enumerate(zip(values, partial, strict=True)):
        h = v / high * height
        x = left + i * slot + slot * 0.15
        hatch = f"{key}-hatch" if colour == BRAND else f"{key}-hatch-clicks"
        fill = f"url(#{hatch})" if part else colour
        stroke = f' stroke="{colour}" stroke-dasharray="3 2"' if part else ""
        if v:
            out.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{h:.1f}" fill="{fill}"{stroke}/>'
            )
    return out


def trend(weeks: Sequence[WeekRow], *, title: str | None = None) -> Chart:
    """Shares and clicks per week: two panels of bars sharing the weeks.

    A partial week (the running one, or the first when the period starts mid-week) is hatched
    and named in the legend, so a week that isn't over never looks like a drop.
    """
    key = "chart-trend"
    title = title or _("Shares and clicks per week")
    shares = [w.shares for w in weeks]
    clicks = [w.clicks for w in weeks]
    if not any(shares) and not any(clicks):
        return _empty(key, title, _("No shares or clicks in this period yet."))
    partial = [bool(w.partial) for w in weeks]
    labels = [formats.date_format(w.start, "j M") for w in weeks]
    left = 16 + CHAR * max(len(number(max(shares))), len(number(max(clicks))), 1)
    panel_h = 120
    body: list[str] = []
    body += _panel(
        key, shares, partial, top_y=28, height=panel_h, left=left, label=_("Shares"), colour=BRAND
    )
    second = 28 + panel_h + 48
    body += _panel(
        key,
        clicks,
        partial,
        top_y=second,
        height=panel_h,
        left=left,
        label=_("Clicks"),
        colour=ACCENT,
    )
    slot = (WIDTH - left - 8) / max(1, len(weeks))
    step = max(1, -(-len(weeks) // 8))  # at most 8 dates, so they never overlap
    base = second + panel_h
    for i in range(0, len(weeks), step):
        body.append(
            _text(left + (i + 0.5) * slot, base + 18, labels[i], text_anchor="middle", fill=MUTED)
        )
    height = base + 28
    note = ""
    if partial and partial[-1]:
        note = _("Hatched: this week so far, not a whole week.")
        if partial[0] and len(partial) > 1:
            note = _(
                "Hatched: this week so far, and the first week, which only partly falls in "
                "this period."
            )
    elif partial and partial[0]:
        note = _("Hatched: the first week, which only partly falls in this period.")
    so_far = ""
    if partial and partial[-1]:
        so_far = " " + _("This week so far: %(shares)s shares and %(clicks)s clicks.") % {
            "shares": number(shares[-1]),
            "clicks": number(clicks[-1]),
        }
    full = [i for i, p in enumerate(partial) if not p] or list(range(len(weeks)))
    desc = (
        _(
            "%(weeks)s weeks from %(first)s. In total %(shares)s shares and %(clicks)s clicks; "
            "the busiest week had %(most)s shares."
        )
        % {
            "weeks": number(len(weeks)),
            "first": labels[0] if labels else "",
            "shares": number(sum(shares)),
            "clicks": number(sum(clicks)),
            "most": number(max(shares[i] for i in full)),
        }
        + so_far
    )
    return Chart(key, title, desc, _svg(key, title, desc, height, body), note=note)


# --- horizontal bars ------------------------------------------------------------------------


def _hbars(
    key: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, float, str, bool, str]],
    *,
    unit: str,
    cap: int | None = None,
) -> SafeString:
    """rows: (label, value, value text, hidden, colour). The figure is written after the bar."""
    longest = max((len(label) for label, *_rest in rows), default=4)
    left = min(340.0, 14 + CHAR * longest)
    fits = int((left - 14) // CHAR)  # longer labels are cut with "…" (the <desc> has them whole)
    right = 16 + CHAR * max(
        (len(text) for _l, _v, text, hidden, _c in rows if not hidden), default=4
    )
    plot_w = WIDTH - left - right
    marks = ticks(max((v for _l, v, _t, _h, _c in rows), default=0), cap=cap)
    high = marks[-1] or 1
    row_h = 30
    top = 8
    bottom = top + row_h * len(rows)
    body: list[str] = []
    for m in marks:
        x = left + m / high * plot_w
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" '
            f'stroke="{GRID if m else MUTED}"/>'
        )
        label = percentage(m) if cap == 100 else number(m)
        body.append(_text(x, bottom + 17, label, text_anchor="middle", fill=MUTED))
    for i, (label, value, text, hidden, colour) in enumerate(rows):
        y = top + i * row_h
        mid = y + row_h / 2 + 4.5
        shown = label if len(label) <= fits else label[: fits - 1].rstrip() + "…"
        body.append(_text(left - 8, mid, shown, text_anchor="end"))
        w = 0.0 if hidden else value / high * plot_w
        if w:
            body.append(
                f'<rect x="{left:.1f}" y="{y + 6:.1f}" width="{w:.1f}" height="{row_h - 12}" '
                f'fill="{colour}"/>'
            )
        body.append(
            _text(
                left + w + 6,
                mid,
                text,
                fill=MUTED if hidden else INK,
                font_style="italic" if hidden else "normal",
            )
        )
    body.append(_text(left + plot_w / 2, bottom + 38, unit, text_anchor="middle"))
    return _svg(key, title, desc, bottom + 48, body)


def bars(
    key: str,
    groups: Sequence[Group],
    value: str,
    *,
    title: str,
    unit: str,
    k: int,
    percent: bool = False,
) -> Chart:
    """Horizontal bars for one figure per group; hidden groups say so instead of a bar."""
    values = [0.0 if g.hidden else float(g.values.get(value) or 0) for g in groups]  # type: ignore[arg-type]
    if not groups or (not any(values) and not any(g.hidden for g in groups)):
        return _empty(key, title, _("Nothing in this period."))
    fmt = percentage if percent else number
    texts = [
        _hidden_text(g, k) if g.hidden else fmt(v) for g, v in zip(groups, values, strict=True)
    ]
    rows = [
        (g.label, min(v, 100.0) if percent else v, t, bool(g.hidden), BRAND)
        for g, v, t in zip(groups, values, texts, strict=True)
    ]
    desc = f"{unit}. " + "; ".join(f"{g.label}: {t}" for g, t in zip(groups, texts, strict=True))
    desc += "."
    svg = _hbars(key, title, desc, rows, unit=unit, cap=100 if percent else None)
    return Chart(key, title, desc, svg)


def reach_bars(items: Sequence[tuple[str, int]], *, title: str) -> Chart:
    """Potential against realised reach: labelled bars with their figures (clicks in accent)."""
    key = "chart-reach"
    if not any(v for _l, v in items):
        return _empty(key, title, _("No reach to show yet: nobody in scope has a network size."))
    rows = [
        (label, float(v), number(v), False, ACCENT if i == len(items) - 1 else BRAND)
        for i, (label, v) in enumerate(items)
    ]
    desc = "; ".join(f"{label}: {number(v)}" for label, v in items) + "."
    return Chart(key, title, desc, _hbars(key, title, desc, rows, unit=_("People")))
