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
    assert r.unique_reach_estimate == 500 + round(0.7 * 24_500)
    assert not r.capped_by_members


def test_the_sum_by_hand_every_figure_from_the_different_people():
    # 50 colleagues x 500 connections, overlap 30%, organic reach 5-8%, 800 page followers:
    #   potential       50 x 500                      = 25,000
    #   different       500 + (1 - 0.3) x 24,500      = 500 + 17,150 = 17,650
    #   see a post      17,650 x 5% = 882.5 -> 882;  17,650 x 8% = 1,412
    #   company page    17,650 / 800                  = 22.06 (not 25,000 / 800 = 31.25)
    r = reach.the_sum(50, 500, 800, A)
    assert (r.potential_reach, r.unique_reach_estimate) == (25_000, 17_650)
    assert r.views_if_everyone_posts == (882, 1_412)
    assert r.times_company == pytest.approx(22.0625)


def test_a_million_people_with_thirty_thousand_connections_stop_at_linkedins_members():
    # 1,000,000 x 30,000 = 30,000,000,000 contact moments; overlap-corrected that would be
    # 30,000 + 0.7 x 29,999,970,000 = 21,000,009,000 "different people", more than twice the
    # world's population. The bound: LinkedIn's 1,000,000,000 members.
    r = reach.the_sum(1_000_000, 30_000, 800, A)
    assert r.potential_reach == 30_000_000_000
    assert r.overlap_corrected == 21_000_009_000
    assert r.unique_reach_estimate == reach.LINKEDIN_MEMBERS == 1_000_000_000
    assert r.capped_by_members
    assert r.views_if_everyone_posts == (50_000_000, 80_000_000)
    assert r.times_company == pytest.approx(1_250_000)


def test_the_sum_is_never_more_than_the_networks_added_up():
    alone = reach.the_sum(1, 640, 0, A)
    assert alone.unique_reach_estimate == alone.potential_reach == 640
    no_overlap = reach.the_sum(3, 400, 0, reach.Assumptions(**{**A.as_dict(), "overlap": 0.0}))
    assert no_overlap.unique_reach_estimate == no_overlap.cap == 1_200
    assert alone.times_company is None  # no company page figure: no comparison


def test_nobody_or_no_connections_reach_no_one_and_say_nothing_about_the_page():
    for people, connections in ((0, 500), (50, 0)):
        r = reach.the_sum(people, connections, 800, A)
        assert r.unique_reach_estimate == 0 and r.views_if_everyone_posts == (0, 0)


def test_a_typical_network_is_one_constant_shared_with_the_onboarding():
    from zichtbaar.orgs import network

    assert reach.TYPICAL_CONNECTIONS is network.TYPICAL_CONNECTIONS == 500
    assert reach.MAX_CONNECTIONS == network.MAX_CONNECTIONS == 30_000
    assert reach.typical_views(A) == (25, 40)  # 500 x 5% .. 500 x 8%


def test_the_default_source_is_shown_in_the_readers_language_and_an_own_source_as_written():
    from django.utils import translation

    default = reach.Assumptions(**{**A.as_dict(), "source": reach.DEFAULT_SOURCE})
    empty = reach.Assumptions(**{**A.as_dict(), "source": ""})
    with translation.override("en"):
        assert default.source_text == empty.source_text == reach.DEFAULT_SOURCE
    assert A.source_text == "x"
    with translation.override("nl"):  # passes once the Dutch catalogue is compiled (merge)
        assert default.source_text != reach.DEFAULT_SOURCE
        assert "LinkedIn" in default.source_text


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


@given(
    st.integers(min_value=1, max_value=reach.SUM_MAX_PEOPLE),
    st.integers(min_value=0, max_value=reach.SUM_MAX_CONNECTIONS),
    st.integers(min_value=0, max_value=10_000_000),
    overlaps,
)
def test_the_sum_is_bounded_by_reality_and_derives_everything_from_it(
    people, connections, followers, overlap
):
    a = reach.Assumptions(**{**A.as_dict(), "overlap": overlap})
    r = reach.the_sum(people, connections, followers, a)
    assert r.potential_reach == people * connections
    honest = r.unique_reach_estimate
    assert connections <= honest <= min(people * connections, reach.LINKEDIN_MEMBERS)
    assert honest == min(r.overlap_corrected, r.cap)
    assert r.views_if_everyone_posts == reach.views_per_post(honest, a)
    assert r.views_if_everyone_posts[1] <= honest
    if followers:
        assert r.times_company == pytest.approx(honest / followers)


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
