"""The reach model: what the networks of people are worth, with every assumption named.

This module is pure arithmetic (no database): the selectors collect the figures, this module
turns them into estimates, and the pages show the `Assumptions` next to every estimate.
docs/impact.md explains the model for people who read rather than code.

Figures
-------
network of a person
    Their first-degree connections. When `count_followers` is on, the larger of connections
    and followers: on LinkedIn connections follow you by default, so followers already include
    most connections and adding both would count people twice.
potential reach
    The sum of the networks in scope: the seed's "50 employees x 500 connections = 25,000
    potential contact moments". People who know several colleagues are counted more than once.
estimated unique reach
    Corrected for overlap between colleagues' networks (colleagues know each other and share
    contacts: former colleagues, clients, the sector). The largest network counts in full; of
    every other network a share `overlap` is assumed to be known already:

        unique = largest + (1 - overlap) * (potential - largest)

    so it is never above the potential (overlap 0) and never below the largest single network
    (overlap 1).
estimated views of one post
    A network times the organic reach rate: a typical organic post is seen by a single-digit
    percentage of the author's connections. Unverified blog figures, so a range and a setting.
    For a group, "if everyone posts once" is the potential reach times the rate: views, so a
    contact who sees two colleagues' posts counts twice, as on LinkedIn's own statistics.
compared with the company page
    Potential reach divided by the organisation's LinkedIn page followers.

The interactive sum (`the_sum`) is the honest version for everyone to read: every figure it
derives (the people who see a post, the comparison with the company page) starts from the
overlap-corrected estimate, and that estimate is bounded by reality: never more than the
networks added up, never more than LinkedIn has members (`LINKEDIN_MEMBERS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# One person's network: LinkedIn's maximum and the typical figure used when someone doesn't
# know theirs. They live in orgs (the onboarding asks for the number; orgs may not import
# impact) and are re-exported here, so the reach maths reads them from one place.
from zichtbaar.orgs.network import MAX_CONNECTIONS as MAX_CONNECTIONS
from zichtbaar.orgs.network import TYPICAL_CONNECTIONS as TYPICAL_CONNECTIONS
from zichtbaar.orgs.network import TYPICAL_CONNECTIONS_SOURCE as TYPICAL_CONNECTIONS_SOURCE

# The defaults; an organisation overrides them in its ReachSettings (impact.models).
DEFAULT_OVERLAP = 0.3
# Stored and compared in English, shown translated (`Assumptions.source_text`).
DEFAULT_SOURCE = gettext_noop(
    "LinkedIn (2016): employees have on average about 10x more first-degree connections than "
    "their company has followers. Organic reach of a post: single-digit percentages of one's "
    "connections, from unverified marketing blogs; a conservative range."
)

# The reality bound of every "different people" figure: LinkedIn's own count of members
# worldwide ("more than 1 billion members in more than 200 countries and territories",
# LinkedIn, November 2023). No sum of LinkedIn networks reaches more people than that. The
# round lower bound on purpose: the estimate may be too low, never too high.
LINKEDIN_MEMBERS = 1_000_000_000
LINKEDIN_MEMBERS_SOURCE = gettext_noop(
    "LinkedIn: more than 1 billion members worldwide (November 2023)."
)

# The interactive sum's inputs: at least one colleague, at most a million (more than all but a
# handful of employers in the world have people); per person at most LinkedIn's maximum of
# connections.
SUM_MAX_PEOPLE = 1_000_000
SUM_MAX_CONNECTIONS = MAX_CONNECTIONS


@dataclass(frozen=True)
class Assumptions:
    """Every parameter of the model; the UI shows them next to the figures they produce."""

    organic_reach_low: float
    organic_reach_high: float
    overlap: float
    count_followers: bool
    source: str

    def __post_init__(self) -> None:
        for name in ("organic_reach_low", "organic_reach_high", "overlap"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.organic_reach_low > self.organic_reach_high:
            raise ValueError("organic_reach_low must not exceed organic_reach_high")

    @classmethod
    def defaults(cls) -> Assumptions:
        low, high = getattr(settings, "ORGANIC_REACH_RANGE", (0.05, 0.08))
        return cls(
            organic_reach_low=float(low),
            organic_reach_high=float(high),
            overlap=float(getattr(settings, "REACH_OVERLAP", DEFAULT_OVERLAP)),
            count_followers=True,
            source=DEFAULT_SOURCE,
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def source_text(self) -> str:
        """The source in the reader's language: the default is translated, an organisation's
        own text is shown as comms wrote it."""
        if not self.source.strip() or self.source.strip() == DEFAULT_SOURCE:
            return gettext(DEFAULT_SOURCE)
        return self.source


def network(connections: int, followers: int, assumptions: Assumptions) -> int:
    """The audience of one person's post."""
    return max(connections, followers) if assumptions.count_followers else connections


def potential(networks: Iterable[int]) -> int:
    """The naive sum: every network counted in full."""
    return sum(networks)


def unique_reach(total: int, largest: int, overlap: float) -> int:
    """Overlap-corrected estimate from the potential (`total`) and the largest network.

    Never above `total`, never below `largest` (for 0 <= overlap <= 1 and largest <= total).
    """
    if total <= 0:
        return 0
    largest = min(max(largest, 0), total)
    overlap = min(max(overlap, 0.0), 1.0)
    estimate = largest + (1.0 - overlap) * (total - largest)
    return max(largest, min(total, round(estimate)))


def views_per_post(network_size: int, assumptions: Assumptions) -> tuple[int, int]:
    """(low, high) estimate of the people who see one post to a network of this size."""
    return (
        round(network_size * assumptions.organic_reach_low),
        round(network_size * assumptions.organic_reach_high),
    )


def times_company(potential_reach: int, company_followers: int) -> float | None:
    """How many times larger the people's reach is than the company page's; None if unknown."""
    if company_followers <= 0:
        return None
    return potential_reach / company_followers


@dataclass(frozen=True)
class Reach:
    """Reach figures for a group of people (an organisation, a team, or an imagined group)."""

    people: int
    connections: int
    followers: int
    potential_reach: int
    largest_network: int
    unique_reach_estimate: int
    views_per_post_estimate: tuple[int, int]  # one post of a person with the average network
    views_if_everyone_posts: tuple[int, int]  # one post each: potential reach x organic rate
    company_followers: int
    times_company: float | None
    assumptions: Assumptions

    @property
    def average_network(self) -> int:
        return round(self.potential_reach / self.people) if self.people else 0

    def as_json(self) -> dict[str, object]:
        """The keys `zichtbaar reach --json` prints, exactly these."""
        low, high = self.views_per_post_estimate
        return {
            "people": self.people,
            "connections": self.connections,
            "followers": self.followers,
            "potential_reach": self.potential_reach,
            "unique_reach_estimate": self.unique_reach_estimate,
            "views_per_post_estimate": {"low": low, "high": high},
            "company_followers": self.company_followers,
            "assumptions": self.assumptions.as_dict(),
        }


def estimate(
    *,
    people: int,
    connections: int,
    followers: int,
    potential_reach: int,
    largest_network: int,
    company_followers: int,
    assumptions: Assumptions,
) -> Reach:
    """All estimates from the sums a selector computed in the database."""
    unique = unique_reach(potential_reach, largest_network, assumptions.overlap)
    average = round(potential_reach / people) if people else 0
    return Reach(
        people=people,
        connections=connections,
        followers=followers,
        potential_reach=potential_reach,
        largest_network=min(largest_network, potential_reach),
        unique_reach_estimate=unique,
        views_per_post_estimate=views_per_post(average, assumptions),
        views_if_everyone_posts=views_per_post(potential_reach, assumptions),
        company_followers=company_followers,
        times_company=times_company(potential_reach, company_followers),
        assumptions=assumptions,
    )


def for_networks(
    networks: list[tuple[int, int]], company_followers: int, assumptions: Assumptions
) -> Reach:
    """Estimates for explicit (connections, followers) pairs, one per person."""
    sizes = [network(c, f, assumptions) for c, f in networks]
    return estimate(
        people=len(networks),
        connections=sum(c for c, _ in networks),
        followers=sum(f for _, f in networks),
        potential_reach=potential(sizes),
        largest_network=max(sizes, default=0),
        company_followers=company_followers,
        assumptions=assumptions,
    )


def typical_views(assumptions: Assumptions) -> tuple[int, int]:
    """What one post of a person with the typical network reaches: the figure shown, labelled
    as an estimate, to someone whose own number is unknown or 0."""
    return views_per_post(TYPICAL_CONNECTIONS, assumptions)


@dataclass(frozen=True)
class Sum:
    """The interactive sum: the naive figure, then honest estimates all derived from one
    overlap-corrected, reality-bounded figure."""

    people: int
    average_network: int
    potential_reach: int  # people x average connections: every network counted in full
    overlap_corrected: int  # before the reality bound
    unique_reach_estimate: int  # after it: the honest "different people"
    cap: int  # the bound that applied: min(potential reach, LinkedIn's members)
    capped_by_members: bool  # the overlap-corrected figure was more than LinkedIn has members
    views_if_everyone_posts: tuple[int, int]  # different people x organic reach
    company_followers: int
    times_company: float | None  # different people / company page followers
    assumptions: Assumptions

    @property
    def members(self) -> int:
        return LINKEDIN_MEMBERS


def the_sum(
    people: int, average_connections: int, company_followers: int, assumptions: Assumptions
) -> Sum:
    """The interactive sum: people x average connections, then the honest estimates.

    Everyone is imagined with the average network, so the largest network is the average.
    The different people are overlap-corrected and then bounded by reality: never more than
    the networks added up, never more than LinkedIn has members. Every figure after that (the
    people who see a post if everyone shares one, the comparison with the company page) is
    derived from that bounded figure, never from the naive total.
    """
    people = max(people, 0)
    average_connections = max(average_connections, 0)
    total = people * average_connections
    corrected = unique_reach(total, average_connections if people else 0, assumptions.overlap)
    cap = min(total, LINKEDIN_MEMBERS)
    honest = min(corrected, cap)
    return Sum(
        people=people,
        average_network=average_connections,
        potential_reach=total,
        overlap_corrected=corrected,
        unique_reach_estimate=honest,
        cap=cap,
        capped_by_members=corrected > LINKEDIN_MEMBERS,
        views_if_everyone_posts=views_per_post(honest, assumptions),
        company_followers=company_followers,
        times_company=times_company(honest, company_followers),
        assumptions=assumptions,
    )
