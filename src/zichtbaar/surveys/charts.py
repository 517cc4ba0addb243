"""SVG charts of a survey report (matplotlib, object API: no pyplot state, thread-safe)."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

INK = "#1f2937"
ACCENT = "#0f766e"
MUTED = "#94a3b8"
GRID = "#e5e7eb"
RC: Any = {
    # Labels can be user data (own items' answers, imported scale names): "$" stays text.
    "text.parse_math": False,
    "text.usetex": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "zichtbaar",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


def _svg(fig: Figure, title: str) -> str:
    """An <img> with the SVG as a data URI: no external asset, no clashing ids in one page,
    and WeasyPrint draws it with its SVG renderer."""
    raw = _raw_svg(fig, title)
    data = base64.b64encode(raw.encode("utf-8")).decode("ascii")
    return f'<img class="chart-img" src="data:image/svg+xml;base64,{data}" alt="{_escape(title)}">'


def _raw_svg(fig: Figure, title: str) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # an accessible name; fixed ids so the same data gives the same file
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_escape(title)}" ', 1)
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _figure(rows: int) -> Figure:
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.4, max(2.2, 0.38 * rows + 0.9)))
        fig.add_subplot(1, 1, 1)
    return fig


def interval_bars(
    labels: Sequence[str],
    values: Sequence[float],
    intervals: Sequence[Sequence[float]],
    title: str,
    xlabel: str,
    percent: bool = True,
    highlight: int | None = None,
) -> str:
    """Horizontal bars with interval whiskers, first label on top."""
    with matplotlib.rc_context(RC):
        fig = _figure(len(labels))
        ax = fig.axes[0]
        k = 100 if percent else 1
        ys = list(range(len(labels)))[::-1]
        colors = [ACCENT if highlight in (None, i) else MUTED for i in range(len(labels))]
        vals = [k * v for v in values]
        ax.barh(ys, vals, color=colors, height=0.6)
        # The interval is drawn where it lies, not as whiskers around the bar: a bootstrap
        # percentile interval need not contain the estimate (whiskers would be negative).
        intervals = [
            [v if iv[0] is None else iv[0], v if iv[1] is None else iv[1]]
            for v, iv in zip(values, intervals, strict=True)
        ]
        lo = [k * iv[0] for iv in intervals]
        hi = [k * iv[1] for iv in intervals]
        ax.hlines(ys, lo, hi, colors=INK, lw=1)
        ax.plot(lo + hi, ys + ys, linestyle="none", marker="|", markersize=7, color=INK)
        ax.set_yticks(ys, [_wrap(label) for label in labels])
        ax.set_xlabel(xlabel)
        upper = max([k * iv[1] for iv in intervals] + [k * 0.01])
        ax.set_xlim(0, 100 if percent else upper * 1.15)
        ax.grid(axis="x", color=GRID, lw=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for y, v, iv in zip(ys, vals, intervals, strict=True):
            ax.text(
                k * iv[1] + (1.5 if percent else upper * 0.02),
                y,
                f"{v:.0f}%" if percent else f"{v:.2f}",
                fontsize=8,
                color=INK,
                va="center",
            )
        return _svg(fig, title)


def distribution(labels: Sequence[str], counts: Sequence[int], title: str, ylabel: str) -> str:
    """Vertical bars of answer counts (a Likert item)."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(6.4, 2.6))
        ax = fig.add_subplot(1, 1, 1)
        total = max(sum(counts), 1)
        xs = list(range(len(labels)))
        colors = [ACCENT if i >= len(labels) - 2 else MUTED for i in xs]
        ax.bar(xs, [100 * c / total for c in counts], color=colors, width=0.65)
        ax.set_xticks(xs, [_wrap(label, 14) for label in labels])
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", color=GRID, lw=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for x, c in zip(xs, counts, strict=True):
            ax.text(x, 100 * c / total + 1, f"{100 * c / total:.0f}%", ha="center", fontsize=8)
        return _svg(fig, title)


def _wrap(text: str, width: int = 38) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)
