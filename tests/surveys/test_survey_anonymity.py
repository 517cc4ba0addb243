"""Segment anonymity: no group under 5 in any output; differencing refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zichtbaar.surveys import anonymity, generator, study
from zichtbaar.surveys.anonymity import AnonymityRefused, DifferencingGuard
from zichtbaar.surveys.mapping import parse_mapping, prepare


def _guard(n: int) -> DifferencingGuard:
    guard = DifferencingGuard()
    guard.release(range(n))
    return guard


def test_small_group_is_hidden_with_a_complementary_one():
    values = pd.Series(["A"] * 20 + ["B"] * 12 + ["C"] * 7 + ["D"] * 3)
    cells = {c.value: c for c in anonymity.suppress_breakdown(values, _guard(len(values)))}
    assert cells["D"].suppressed and cells["D"].reason == "small"
    # D alone could be found as total - A - B - C; C (the smallest visible) is hidden too
    assert cells["C"].suppressed and cells["C"].reason == "complementary"
    assert not cells["A"].suppressed and not cells["B"].suppressed


def test_missing_values_are_a_group_under_the_same_rules():
    values = pd.Series(["A"] * 30 + [None] * 2)
    cells = anonymity.suppress_breakdown(values, _guard(32))
    # the two people without an answer, and A (30 = 32 - 2, a difference of 2) are both hidden
    assert all(c.suppressed for c in cells)


def test_a_group_that_differs_from_the_total_by_fewer_than_five_is_refused():
    values = pd.Series(["A"] * 40 + ["B"] * 2)
    cells = {c.value: c for c in anonymity.suppress_breakdown(values, _guard(42))}
    assert cells["A"].suppressed and cells["A"].reason == "differencing"


def test_differencing_between_filter_combinations_is_refused():
    segments = pd.DataFrame(
        {
            "team": ["Sales"] * 12 + ["Support"] * 10,
            "tenure": ["new"] * 2 + ["old"] * 10 + ["new"] * 5 + ["old"] * 5,
        }
    )
    guard = _guard(len(segments))
    sales = anonymity.filter_rows(segments, {"team": "Sales"}, guard)
    assert len(sales) == 12
    # Sales & old differs from Sales by the 2 new people in Sales: refused
    with pytest.raises(AnonymityRefused) as refused:
        anonymity.filter_rows(segments, {"team": "Sales", "tenure": "old"}, guard)
    assert refused.value.reason == "differencing"
    with pytest.raises(AnonymityRefused) as small:
        anonymity.filter_rows(segments, {"team": "Sales", "tenure": "new"}, guard)
    assert small.value.reason == "small"
    # a combination far enough from everything released is answered
    assert len(anonymity.filter_rows(segments, {"tenure": "old"}, guard)) == 15


def test_comments_need_ten_writers():
    assert anonymity.visible_comments(pd.Series(["a"] * 9 + [None] * 20)) is None
    shown = anonymity.visible_comments(pd.Series([f"c{i}" for i in range(10)]), seed=1)
    assert shown is not None and sorted(shown) == sorted(f"c{i}" for i in range(10))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", None]), min_size=5, max_size=80))
def test_no_visible_cell_under_five_and_no_recoverable_hidden_group(labels):
    values = pd.Series(labels, dtype=object)
    cells = anonymity.suppress_breakdown(values, _guard(len(values)))
    visible = [c for c in cells if not c.suppressed]
    hidden = [c for c in cells if c.suppressed]
    assert all(c.n >= 5 for c in visible)
    if hidden and visible:
        assert sum(c.n for c in hidden) >= 5
    for c in visible:
        assert len(values) - c.n == 0 or len(values) - c.n >= 5


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["x", "y", "z", "w"]), st.sampled_from(["1", "2", "3"])),
        min_size=5,
        max_size=60,
    )
)
def test_row_level_segments_are_k_anonymous(rows):
    frame = pd.DataFrame(rows, columns=["team", "tenure"])
    out = anonymity.k_anonymous_segments(frame, "other")
    if len(out.columns):
        assert int(out.value_counts().min()) >= 5
        for col in out.columns:
            assert int(out[col].value_counts().min()) >= 5


def test_the_demo_report_shows_no_group_under_five():
    demo = generator.generate()
    report = study.analyse(prepare(demo.frame, parse_mapping(demo.mapping)), seed=1)
    cells = [c for seg in report["segments"].values() for c in seg]
    assert any(c["suppressed"] for c in cells)  # Legal (3 people) is hidden
    for c in cells:
        if c["suppressed"]:
            assert "n" not in c and "willing_share" not in c and "means" not in c
        else:
            assert c["n"] >= 5
    legal = next(c for c in report["segments"]["team"] if c["value"] == "Legal")
    assert legal["suppressed"]


def test_a_report_needs_five_responses():
    demo = generator.generate(n=4, seed=1)
    with pytest.raises(study.TooFewResponses):
        study.analyse(prepare(demo.frame, parse_mapping(demo.mapping)))


def test_guard_sets_are_compared_by_members_not_size():
    guard = DifferencingGuard()
    guard.release(range(10))
    assert guard.problem(range(10, 20)) is None  # same size, other people: fine
    assert guard.problem(range(3, 13)) is None  # 3 out, 3 in: 6 people differ
    assert guard.problem(range(2, 12)) == "differencing"  # 2 out, 2 in: 4 people differ
    assert guard.problem(np.r_[0:9, 15]) == "differencing"  # 1 out, 1 in
