"""The dashboard's SVG charts: honest axes, partial weeks, empty states, the reader's numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from zichtbaar.impact import charts
from zichtbaar.impact.anonymity import Group
from zichtbaar.impact.dashboard_parts import Week, trend, week_starts


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def tick_labels(svg: str) -> list[str]:
    """The texts of the axis ticks (drawn in the muted colour, figures only)."""
    return re.findall(r'fill="#4d5f5f"[^>]*>([\d.,%]+)</text>', svg)


def test_ticks_are_whole_numbers_on_a_one_two_five_step():
    assert charts.ticks(0) == [0, 1]
    assert charts.ticks(3) == [0, 1, 2, 3]
    assert charts.ticks(54) == [0, 20, 40, 60]
    assert charts.ticks(17_758) == [0, 5000, 10000, 15000, 20000]
    assert all(isinstance(t, int) for t in charts.ticks(0.4))


def test_percentages_stop_at_one_hundred():
    assert charts.ticks(93, cap=100) == [0, 20, 40, 60, 80, 100]
    groups = [
        Group(key=i, label=f"Team {i}", people=10, values={"participation": v})
        for i, v in enumerate([100, 90, 40])
    ]
    chart = charts.bars(
        "chart-teams", groups, "participation", title="t", unit="People (%)", k=5, percent=True
    )
    labels = tick_labels(str(chart.svg))
    assert labels[-1] == "100%"
    assert "120%" not in str(chart.svg)


def test_a_team_with_no_shares_gets_a_sentence_not_an_axis_of_fractions():
    today = dt.date(2026, 12, 2)
    weeks = trend(week_starts(today - dt.timedelta(days=89), today), {}, {})
    chart = charts.trend(weeks)
    assert chart.empty == "No shares or clicks in this period yet."
    assert "0.006" not in str(chart.svg) and "<svg" not in str(chart.svg)
    assert charts.bars("chart-types", [], "shares", title="t", unit="Shares", k=5).empty


def test_small_counts_get_whole_number_ticks():
    today = dt.date(2026, 12, 6)  # a Sunday: every week complete
    starts = week_starts(today - dt.timedelta(days=27), today)
    chart = charts.trend(trend(starts, {0: 1, 2: 2}, {1: 3}, starts[0], today))
    labels = tick_labels(str(chart.svg))
    assert labels and all(re.fullmatch(r"\d+", t) for t in labels), labels
    assert not chart.note  # no partial week


def test_the_running_week_is_hatched_and_said_to_be_so_far():
    today = dt.date(2026, 12, 2)  # a Wednesday: three days of the week so far
    start = dt.date(2026, 11, 9)  # a Monday
    weeks = trend(week_starts(start, today), {0: 9, 1: 8, 2: 9, 3: 2}, {3: 1}, start, today)
    assert [w.partial for w in weeks] == [False, False, False, True]
    assert weeks[-1].days == 3
    chart = charts.trend(weeks)
    svg = str(chart.svg)
    assert svg.count('fill="url(#chart-trend-hatch') == 2  # the week's shares and clicks
    assert "this week so far" in chart.note
    assert "This week so far: 2 shares and 1 clicks." in chart.desc
    assert "the busiest week had 9 shares" in chart.desc


def test_a_period_starting_mid_week_says_its_first_week_is_partial():
    today = dt.date(2026, 12, 6)  # Sunday
    start = dt.date(2026, 11, 12)  # a Thursday
    weeks = trend(week_starts(start, today), {0: 1, 1: 5}, {}, start, today)
    assert weeks[0].days == 4 and weeks[0].partial and not weeks[-1].partial
    assert "first week" in charts.trend(weeks).note


def test_dutch_charts_write_a_decimal_comma_and_group_thousands():
    with translation.override("nl"):
        assert charts.number(17_758) == "17.758"
        assert charts.number(2.5, 1) == "2,5"
        chart = charts.reach_bars([("Potentieel bereik", 37_742), ("Klikken", 412)], title="t")
        svg = str(chart.svg)
        assert ">37.742</text>" in svg and "10.000" in svg
        assert "37.742" in chart.desc
    with translation.override("en"):
        chart = charts.reach_bars([("Potential reach", 37_742), ("Clicks", 412)], title="t")
        assert ">37,742</text>" in str(chart.svg)


def test_hidden_groups_say_why_and_names_stay_text():
    groups = [
        Group(key=1, label="<b>Sales</b> $\\frac{a}{b}$", people=12, values={"shares": 30}),
        Group(key=2, label="Tiny", people=3, values={"shares": 4}, hidden="small"),
    ]
    chart = charts.bars("chart-types", groups, "shares", title="t", unit="Shares", k=5)
    svg = str(chart.svg)
    assert "&lt;b&gt;Sales&lt;/b&gt; $\\frac{a}{b}$" in svg and "<b>" not in svg
    assert "hidden: fewer than 5 people" in svg
    assert "Tiny: hidden: fewer than 5 people" in chart.desc
    assert ">4</text>" not in svg  # a hidden group's figure is never drawn


def test_drawing_is_cheap_enough_for_every_first_view():
    """No timing assert (bench/dashboard.py prints those): a year of weeks draws without
    matplotlib and gives one self-contained SVG."""
    today = dt.date(2026, 12, 2)
    starts = week_starts(today - dt.timedelta(days=364), today)
    weeks = [Week(s, i * 37, i * 5) for i, s in enumerate(starts)]
    svg = str(charts.trend(weeks).svg)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and '<title id="chart-trend-title">' in svg
