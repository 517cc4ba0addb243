"""The anonymity threshold and complementary suppression, as rules and on the dashboard."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zichtbaar.impact import anonymity
from zichtbaar.impact.anonymity import COMPLEMENTARY, SMALL, Group


def groups(*sizes):
    return [Group(key=i, label=f"T{i}", people=n) for i, n in enumerate(sizes)]


def test_a_small_group_alone_takes_the_next_smallest_with_it():
    a, b, c = anonymity.suppress(groups(10, 8, 4), k=5)
    assert (a.hidden, b.hidden, c.hidden) == (None, COMPLEMENTARY, SMALL)


def test_small_groups_that_together_reach_the_threshold_need_no_more():
    result = anonymity.suppress(groups(10, 2, 2, 2), k=5)
    assert [g.hidden for g in result] == [None, SMALL, SMALL, SMALL]


def test_nothing_small_hides_nothing():
    assert all(g.visible for g in anonymity.suppress(groups(5, 7, 0), k=5))


def test_overlapping_groups_count_different_people_not_memberships():
    # One person shared two moments alone: together they still rest on one person.
    moments = [
        Group(key=1, label="m1", people=1, members=frozenset({1})),
        Group(key=2, label="m2", people=1, members=frozenset({1})),
        Group(key=3, label="m3", people=5, members=frozenset({2, 3, 4, 5, 6})),
    ]
    anonymity.suppress(moments, k=5)
    assert [g.hidden for g in moments] == [SMALL, SMALL, COMPLEMENTARY]


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=12))
def test_hidden_groups_are_never_recoverable_from_the_total(sizes):
    k = 5
    result = anonymity.suppress(groups(*sizes), k=k)
    hidden = [g for g in result if g.hidden]
    nonempty_visible = [g for g in result if g.visible and g.people > 0]
    assert all(g.hidden == SMALL for g in result if 0 < g.people < k)
    # Total minus the visible groups is the sum of the hidden ones: it must rest on at least
    # k people spread over at least two groups, or the total itself is too small to show.
    if hidden:
        enough = len(hidden) >= 2 and sum(g.people for g in hidden) >= k
        assert enough or (not nonempty_visible and anonymity.total_hidden(sum(sizes), k))


@pytest.mark.parametrize(
    ("selected", "everyone", "refused"),
    [(4, 100, True), (5, 100, False), (96, 100, True), (95, 100, False), (100, 100, False)],
)
def test_a_filter_isolating_few_people_inside_or_outside_is_refused(selected, everyone, refused):
    assert anonymity.isolating_filter(selected, everyone, k=5) is refused


def test_the_threshold_is_never_below_three(settings):
    settings.ANONYMITY_THRESHOLD = 1
    assert anonymity.threshold() == 3
    settings.ANONYMITY_THRESHOLD = 7
    assert anonymity.threshold() == 7


def test_overlapping_groups_without_members_always_hide_one_group_of_enough_people():
    result = anonymity.suppress(groups(9, 6, 2, 2, 2), k=5, overlapping=True)
    assert [g.hidden for g in result] == [None, COMPLEMENTARY, SMALL, SMALL, SMALL]


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=12))
def test_overlapping_hidden_groups_rest_on_enough_people_for_certain(sizes):
    result = anonymity.suppress(groups(*sizes), k=5, overlapping=True)
    hidden = [g for g in result if g.hidden]
    if hidden and any(g.visible and g.people > 0 for g in result) is False:
        return  # everything hidden: only the total remains, under its own threshold
    assert not hidden or max(g.people for g in hidden) >= 5
