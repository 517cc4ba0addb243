"""The anonymity threshold and complementary suppression: the one source for every figure about
people, on the dashboards (impact) and in the survey reports (surveys). Pure: no models.

A figure is shown only when it rests on at least `threshold()` people (the setting
ANONYMITY_THRESHOLD, env ZICHTBAAR_ANONYMITY_THRESHOLD, 5 by default, never below 3).
Free-text comments need `text_threshold()` writers: twice the threshold (10 by default), as
engagement-survey vendors do. When one group of a table is hidden and the table's total is
shown, the hidden group could be worked out as the total minus the visible groups; so more
groups are hidden (the smallest first) until the hidden groups together rest on at least
`threshold()` different people and there are at least two of them. Every hidden cell carries
its reason, so the page can say why.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings

SMALL = "small"  # the group itself has fewer people than the threshold
COMPLEMENTARY = "complementary"  # hidden so a small group can't be recovered from the total
DIFFERENCING = "differencing"  # differs from a released group by fewer than threshold people
MINIMUM = 3  # below this no threshold protects anyone, whatever the setting says
TEXT_FACTOR = 2  # comments identify their writers more easily than numbers do


def threshold() -> int:
    """The fewest people a shown figure may rest on, read at call time (so tests and a
    changed setting apply everywhere at once)."""
    return max(MINIMUM, int(getattr(settings, "ANONYMITY_THRESHOLD", 5)))


def text_threshold() -> int:
    """The fewest writers of free-text comments before any comment is shown."""
    return TEXT_FACTOR * threshold()


@dataclass
class Group:
    """One row of a table: a label, its figures and the people it rests on.

    `members` (ids) lets overlapping groups (moments shared by the same person) be combined
    honestly; without it `people` is used and groups are taken to be disjoint (teams).
    """

    key: Hashable
    label: str
    people: int
    values: dict[str, Any] = field(default_factory=dict)
    members: frozenset[int] | None = None
    hidden: str | None = None  # None, SMALL, COMPLEMENTARY or DIFFERENCING

    @property
    def visible(self) -> bool:
        return self.hidden is None


def population(groups: Sequence[Group], overlapping: bool = False) -> int:
    """How many different people a set of groups rests on (a lower bound when unknown)."""
    if groups and all(g.members is not None for g in groups):
        union: set[int] = set()
        for g in groups:
            union |= g.members or frozenset()
        return len(union)
    if overlapping:
        # The same person may be in several groups: only the largest group is certain.
        return max((g.people for g in groups), default=0)
    return sum(g.people for g in groups)


G = TypeVar("G", bound=Group)


def complement(groups: list[G], enough: Callable[[list[G]], bool]) -> list[G]:
    """Complementary suppression: while some groups are hidden and `enough(hidden)` is false,
    hide the smallest visible non-empty group too (the survey reports add differencing to
    `enough`). Returns `groups`."""
    hidden = [g for g in groups if g.hidden]
    while hidden and not enough(hidden):
        candidates = sorted(
            (g for g in groups if g.visible and g.people > 0), key=lambda g: (g.people, str(g.key))
        )
        if not candidates:
            break
        candidates[0].hidden = COMPLEMENTARY
        hidden.append(candidates[0])
    return groups


def suppress(
    groups: list[Group], k: int | None = None, *, overlapping: bool = False
) -> list[Group]:
    """Mark small groups hidden, then add complementary suppression; returns `groups`.

    `overlapping`: one person can be in several groups (moments, moment types) and the
    groups carry no `members`; the hidden groups then count as resting on only as many
    people as the largest of them, so one group of at least k people is always among them.
    """
    k = threshold() if k is None else k
    for g in groups:
        g.hidden = SMALL if 0 < g.people < k else None
    return complement(
        groups, lambda hidden: len(hidden) >= 2 and population(hidden, overlapping) >= k
    )


def total_hidden(people: int, k: int | None = None) -> bool:
    """A total (or any figure about a whole scope) rests on `people`."""
    k = threshold() if k is None else k
    return 0 < people < k


def isolating_filter(selected: int, everyone: int, k: int | None = None) -> bool:
    """True when a filter picks out fewer than k people, or leaves fewer than k outside it.

    The second half matters as much: the organisation's figure minus the team's figure would
    otherwise describe the few people outside the team.
    """
    k = threshold() if k is None else k
    rest = everyone - selected
    return selected < k or 0 < rest < k


def differs_too_little(
    group: frozenset[int], released: frozenset[int], k: int | None = None
) -> bool:
    """True when two sets of people differ by 1 to k-1 people (their symmetric difference):
    comparing the two figures would describe those few."""
    k = threshold() if k is None else k
    return 0 < len(group ^ released) < k
