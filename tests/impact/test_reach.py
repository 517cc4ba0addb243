"""The reach model: the seed's arithmetic and the properties of the overlap estimate."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from zichtbaar.impact import reach
from zichtbaar.impact.models import ReachSettings

A = reach.Assumptions(
    organic_reach_low=0.05, organic_reach_high=0.08, overlap=0.3, count_followers=True, source="x"
)


def test_fifty_people_with_five_hundred_connections_is_twenty_five_thousand():
    r = reach.the_sum(50, 500, 800, A)
    assert r.potential_reach == 25_000
    assert r.views_per_post_estimate == (25, 40)
    assert r.unique_reach_estimate == 500 + round(0.7 * 24_500)
    assert r.times_company == pytest.approx(25_000 / 800)


def test_explicit_networks_add_up_to_the_same_sum():
    r = reach.for_networks([(500, 0)] * 50, 0, A)
    assert (r.people, r.connections, r.potential_reach) == (50, 25_000, 25_000)
    assert r.times_company is None  # no company page figure: no comparison


def test_followers_count_when_larger_and_never_twice():
    assert reach.network(400, 900, A) == 900
    assert reach.network(400, 100, A) == 400
    no_followers = reach.Assumptions(**{**A.as_dict(), "count_followers": False})
    assert reach.network(400, 900, no_followers) == 400


def test_one_person_has_no_overlap():
    assert reach.unique_reach(640, 640, 0.9) == 640


@pytest.mark.parametrize("field", ["organic_reach_low", "overlap"])
def test_assumptions_outside_zero_to_one_are_refused(field):
    with pytest.raises(ValueError):
        reach.Assumptions(**{**A.as_dict(), field: 1.5})


networks = st.lists(st.integers(min_value=0, max_value=30_000), min_size=1, max_size=60)
overlaps = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@given(networks, overlaps)
def test_unique_reach_is_between_the_largest_network_and_the_potential(sizes, overlap):
    estimate = reach.unique_reach(sum(sizes), max(sizes), overlap)
    assert max(sizes) <= estimate <= sum(sizes)


@given(networks, overlaps, overlaps)
def test_more_overlap_never_means_more_unique_reach(sizes, a, b):
    low, high = sorted((a, b))
    assert reach.unique_reach(sum(sizes), max(sizes), high) <= reach.unique_reach(
        sum(sizes), max(sizes), low
    )


@given(networks, st.integers(min_value=0, max_value=30_000), overlaps)
def test_another_colleague_never_lowers_unique_reach(sizes, extra, overlap):
    before = reach.unique_reach(sum(sizes), max(sizes), overlap)
    after = reach.unique_reach(sum(sizes) + extra, max(*sizes, extra), overlap)
    assert after >= before - 1  # rounding


@given(st.integers(min_value=1, max_value=100_000), st.integers(min_value=0, max_value=30_000))
def test_the_sum_is_people_times_connections(people, connections):
    r = reach.the_sum(people, connections, 0, A)
    assert r.potential_reach == people * connections
    assert connections <= r.unique_reach_estimate <= people * connections or connections == 0


def test_the_command_prints_exactly_the_documented_keys(acme, alice, bob, carol):
    out = StringIO()
    call_command("reach", "--org", "acme", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == [
        "people",
        "connections",
        "followers",
        "potential_reach",
        "unique_reach_estimate",
        "views_per_post_estimate",
        "company_followers",
        "assumptions",
    ]
    assert data["people"] == 3
    assert data["connections"] == data["potential_reach"] == 1200
    assert data["company_followers"] == 800
    assert data["unique_reach_estimate"] == 400 + round(0.7 * 800)
    assert data["assumptions"]["overlap"] == 0.3


def test_the_command_uses_the_organisations_own_assumptions_and_teams(acme, alice, bob, carol):
    ReachSettings.objects.create(
        org=acme, organic_reach_low=0.01, organic_reach_high=0.02, overlap=0.0, source="ours"
    )
    out = StringIO()
    call_command("reach", "--org", "acme", "--team", "Engineering", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["people"] == 1
    assert data["views_per_post_estimate"] == {"low": 4, "high": 8}
    assert data["assumptions"]["source"] == "ours"
    text = StringIO()
    call_command("reach", "--org", "acme", stdout=text)
    assert "1200" in text.getvalue()


def test_the_command_names_unknown_organisations_and_teams(acme):
    with pytest.raises(CommandError, match="nope"):
        call_command("reach", "--org", "nope", "--json")
    with pytest.raises(CommandError, match="Teams"):
        call_command("reach", "--org", "acme", "--team", "Nope", "--json")
