"""The effect report's statistics: a hand computation, generated data with a known effect and
with none, reproducibility, and the paired tests."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation

from zichtbaar.workshops import effect
from zichtbaar.workshops.effect import Group, difference_in_differences


def test_a_small_case_by_hand():
    # Participants: 8 weeks before, 6 after. Rates before 1, 0, 0.5; after 2, 1, 1.
    # Their change: 1, 1, 0.5 -> mean 5/6. Comparison: 1 and 1 before, 1 and 1 after -> 0.
    participants = Group(before=(8, 0, 4), after=(12, 6, 6))
    comparison = Group(before=(8, 8), after=(6, 6))
    e = difference_in_differences(participants, comparison)
    assert e.estimate == pytest.approx(5 / 6)
    assert e.before_participants == pytest.approx(0.5)
    assert e.after_participants == pytest.approx(4 / 3)
    assert e.before_comparison == pytest.approx(1.0)
    assert e.after_comparison == pytest.approx(1.0)
    # Every bootstrap sample of the participants averages changes between 0.5 and 1.
    assert 0.5 <= e.low <= e.estimate <= e.high <= 1.0


def test_the_comparison_group_takes_away_a_rise_everyone_saw():
    participants = Group(before=(8, 8, 8), after=(12, 12, 12))  # 1 -> 2 a week
    comparison = Group(before=(8, 8, 8, 8), after=(12, 12, 12, 12))  # the same rise
    e = difference_in_differences(participants, comparison)
    assert e.estimate == pytest.approx(0.0)
    assert e.direction == "unclear"


def _generated(rng, people: int, base: float, trend: float, lift: float) -> Group:
    before = rng.poisson(base * effect.BEFORE_WEEKS, size=people)
    after = rng.poisson((base + trend + lift) * effect.AFTER_WEEKS, size=people)
    return Group(before=tuple(int(x) for x in before), after=tuple(int(x) for x in after))


def test_a_known_effect_is_found_and_its_interval_covers_the_truth():
    rng = np.random.default_rng(7)
    truth = 0.5
    participants = _generated(rng, 60, base=0.3, trend=0.1, lift=truth)
    comparison = _generated(rng, 200, base=0.3, trend=0.1, lift=0.0)
    e = difference_in_differences(participants, comparison)
    assert e.low <= truth <= e.high
    assert e.direction == "more"
    with translation.override("en"):
        assert "more often" in e.sentence()
        assert "No clear change" not in e.sentence()


def test_no_effect_is_not_claimed():
    rng = np.random.default_rng(11)
    participants = _generated(rng, 40, base=0.3, trend=0.1, lift=0.0)
    comparison = _generated(rng, 150, base=0.3, trend=0.1, lift=0.0)
    e = difference_in_differences(participants, comparison)
    assert e.low < 0 < e.high
    assert e.direction == "unclear"
    with translation.override("en"):
        assert e.sentence().startswith("No clear change")
    with translation.override("nl"):
        assert e.sentence().startswith("Geen duidelijke verandering")


def test_the_interval_is_reproducible():
    rng = np.random.default_rng(3)
    participants = _generated(rng, 30, base=0.2, trend=0.0, lift=0.2)
    comparison = _generated(rng, 30, base=0.2, trend=0.0, lift=0.0)
    first = difference_in_differences(participants, comparison)
    second = difference_in_differences(participants, comparison)
    assert (first.low, first.high) == (second.low, second.high)


def test_without_a_comparison_group_the_sentence_says_so():
    participants = Group(before=(0, 0, 0, 0, 0), after=(6, 6, 12, 6, 6))
    e = difference_in_differences(participants, None)
    assert not e.has_comparison
    assert e.direction == "more"
    with translation.override("en"):
        assert "Without a comparison group" in e.sentence()


def test_mcnemar_on_discordant_pairs():
    # 8 people named a barrier before and not after; nobody the other way: p = 2 * 0.5^8.
    before = [True] * 10
    after = [False] * 8 + [True] * 2
    result = effect.mcnemar(before, after)
    assert result.pairs == 10
    assert result.p_value == pytest.approx(2 * 0.5**8)
    assert result.before == 1.0 and result.after == pytest.approx(0.2)


def test_wilcoxon_on_paired_likert_answers():
    rises = effect.wilcoxon([2] * 10, [3] * 10)
    assert rises.p_value < 0.01
    same = effect.wilcoxon([3] * 6, [3] * 6)
    assert same.p_value == 1.0
