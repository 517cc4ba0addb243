"""Charts as server-rendered SVG (matplotlib): the same picture in a page, an e-mail or a PDF.

Every chart has a visible title, an SVG <title> and <desc> (read by screen readers: what the
chart shows and its main figures in words), text kept as text, colours with enough contrast,
and the page puts its data table one click away. Hidden groups (anonymity threshold) get no
bar but the word "hidden" and why. A chart is a pure function of its data and language, so
rendered SVG is cached under a hash of both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.cache import cache
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zichtbaar.impact.anonymity import Group

BRAND = "#0e5e5a"  # 7.4:1 on white
ACCENT = "#a34f00"  # clicks; 5.1:1 on white
INK = "#1c2b2b"
MUTED = "#4d5f5f"
GRID = "#d5dede"
CACHE_SECONDS = 24 * 3600
# Labels are user data (team and moment type names): "$...$" must stay text, never mathtext
# (a team called "Sales $\frac$ EMEA" made the whole dashboard fail). Texts take this when
# they are created, so drawing and saving both run inside it.
TEXT_RC: Any = {"text.parse_math": False, "text.usetex": False}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    desc: str
    svg: SafeString


def _n(value: float) -> str:
    return formats.number_format(round(value), force_grouping=True)


def _figure(width: float, height: float):  # noqa: ANN202
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=72)
    fig.patch.set_facecolor("white")
    return fig


def _style(ax) -> None:  # noqa: ANN001
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=11)
    ax.set_axisbelow(True)


def _svg(fig, key: str, title: str, desc: str) -> SafeString:  # noqa: ANN001
    import matplotlib

    with matplotlib.rc_context(
        {**TEXT_RC, "svg.fonttype": "none", "svg.hashsalt": key, "font.family": "DejaVu Sans"}
    ):
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    raw = buf.getvalue()
    raw = raw[raw.index("<svg") :]
    raw = re.sub(r"<metadata>.*?</metadata>", "", raw, flags=re.S)
    view_box = re.search(r'viewBox="([^"]+)"', raw)
    body = raw[raw.index(">") + 1 :]
    # Ids are unique per page: several charts share one document.
    body = re.sub(r'\bid="', f'id="{key}-', body)
    body = body.replace("url(#", f"url(#{key}-").replace('xlink:href="#', f'xlink:href="#{key}-')
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="{view_box.group(1) if view_box else "0 0 600 300"}" class="chart-svg" '
        f'role="img" aria-labelledby="{key}-title {key}-desc">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + body)  # noqa: S308 (matplotlib's own output, our escaped text)


def _cached(key: str, data: object, draw: Callable[[], Chart]) -> Chart:
    digest = hashlib.sha256(
        json.dumps([key, get_language(), data], default=str, sort_keys=True).encode()
    ).hexdigest()[:32]
    cache_key = f"zichtbaar:chart:{digest}"
    try:
        hit = cache.get(cache_key)
    except Exception:
        hit = None
    if hit is not None:
        return Chart(hit["key"], hit["title"], hit["desc"], mark_safe(hit["svg"]))  # noqa: S308
    import matplotlib

    with matplotlib.rc_context(TEXT_RC):
        chart = draw()
    with contextlib.suppress(Exception):  # a cache outage only costs a re-render
        cache.set(
            cache_key,
            {"key": chart.key, "title": chart.title, "desc": chart.desc, "svg": str(chart.svg)},
            CACHE_SECONDS,
        )
    return chart


def _hidden_text(group: Group, k: int) -> str:
    return (
        _("hidden: fewer than %(k)s people") % {"k": k}
        if group.hidden == "small"
        else _("hidden, protects a small group")
    )


class WeekRow(Protocol):
    """One week of the trend (the dashboard's ``Week``)."""

    @property
    def start(self) -> dt.date: ...
    @property
    def shares(self) -> int: ...
    @property
    def clicks(self) -> int: ...


def trend(weeks: Sequence[WeekRow], *, title: str | None = None) -> Chart:
    """Shares and clicks per week: two panels sharing the weeks."""
    title = title or _("Shares and clicks per week")
    data = [(str(w.start), w.shares, w.clicks) for w in weeks]

    def draw() -> Chart:
        labels = [formats.date_format(w.start, "j M") for w in weeks]
        shares = [w.shares for w in weeks]
        clicks = [w.clicks for w in weeks]
        fig = _figure(9, 4.6)
        top, bottom = fig.subplots(2, 1, sharex=True)
        x = list(range(len(weeks)))
        top.bar(x, shares, color=BRAND, width=0.7)
        top.set_ylabel(_("Shares"), color=INK, fontsize=11)
        bottom.plot(x, clicks, color=ACCENT, marker="o", linewidth=2)
        bottom.fill_between(x, clicks, color=ACCENT, alpha=0.12)
        bottom.set_ylabel(_("Clicks"), color=INK, fontsize=11)
        from matplotlib.ticker import MaxNLocator

        for ax in (top, bottom):
            _style(ax)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(axis="y", color=GRID)
            ax.set_ylim(bottom=0)
        step = max(1, -(-len(x) // 8))  # at most 8 dates, so they never overlap
        bottom.set_xticks(x[::step], labels[::step])
        if shares and max(shares) > 0:
            best = max(range(len(shares)), key=lambda i: shares[i])
            top.annotate(
                _n(shares[best]),
                (best, shares[best]),
                ha="center",
                va="bottom",
                fontsize=10,
                color=INK,
            )
        fig.tight_layout()
        desc = _(
            "%(weeks)s weeks from %(first)s. In total %(shares)s shares and %(clicks)s clicks; "
            "the busiest week had %(most)s shares."
        ) % {
            "weeks": len(weeks),
            "first": labels[0] if labels else "",
            "shares": _n(sum(shares)),
            "clicks": _n(sum(clicks)),
            "most": _n(max(shares, default=0)),
        }
        return Chart("chart-trend", title, desc, _svg(fig, "chart-trend", title, desc))

    return _cached("trend", data, draw)


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
    data = [(g.label, g.hidden, g.values.get(value)) for g in groups]

    def draw() -> Chart:
        labels = [g.label for g in groups]
        values = [0 if g.hidden else float(g.values.get(value) or 0) for g in groups]
        fig = _figure(9, max(1.6, 0.55 * len(groups) + 0.9))
        ax = fig.subplots()
        y = list(range(len(groups)))[::-1]
        ax.barh(y, values, color=BRAND, height=0.6)
        ax.set_yticks(y, labels)
        _style(ax)
        ax.grid(axis="x", color=GRID)
        top = max(values, default=0) or 1
        if percent:
            top = max(top, 100)
        ax.set_xlim(0, top * 1.25)
        ax.set_xlabel(unit, color=INK, fontsize=11)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for yi, g, v in zip(y, groups, values, strict=True):
            text = _hidden_text(g, k) if g.hidden else (_n(v) + ("%" if percent else ""))
            ax.text(
                v + top * 0.01,
                yi,
                text,
                va="center",
                fontsize=10,
                color=MUTED if g.hidden else INK,
                style="italic" if g.hidden else "normal",
            )
        fig.tight_layout()
        parts = [
            f"{g.label}: {_hidden_text(g, k) if g.hidden else _n(v) + ('%' if percent else '')}"
            for g, v in zip(groups, values, strict=True)
        ]
        desc = f"{unit}. " + "; ".join(parts) + "."
        return Chart(key, title, desc, _svg(fig, key, title, desc))

    return _cached(key, data, draw)


def reach_bars(items: Sequence[tuple[str, int]], *, title: str) -> Chart:
    """Potential against realised reach: labelled bars with their figures."""
    data = list(items)

    def draw() -> Chart:
        labels = [label for label, _v in items]
        values = [v for _l, v in items]
        fig = _figure(9, 0.6 * len(items) + 1.0)
        ax = fig.subplots()
        y = list(range(len(items)))[::-1]
        colours = [BRAND] * (len(items) - 1) + [ACCENT]
        ax.barh(y, values, color=colours, height=0.6)
        ax.set_yticks(y, labels)
        _style(ax)
        ax.grid(axis="x", color=GRID)
        top = max(values, default=0) or 1
        ax.set_xlim(0, top * 1.3)
        ax.set_xlabel(_("People"), color=INK, fontsize=11)
        for yi, v in zip(y, values, strict=True):
            ax.text(v + top * 0.01, yi, _n(v), va="center", fontsize=10, color=INK)
        fig.tight_layout()
        desc = "; ".join(f"{label}: {_n(v)}" for label, v in items) + "."
        return Chart("chart-reach", title, desc, _svg(fig, "chart-reach", title, desc))

    return _cached("reach", data, draw)
