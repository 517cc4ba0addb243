"""Reads for the employee home page, which brings together moments, drafts, the guideline and
the reach model: that is why it sits above all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zichtbaar.impact import reach
from zichtbaar.impact.selectors import reach_settings_for

if TYPE_CHECKING:
    from zichtbaar.orgs.models import Organisation, Profile


@dataclass(frozen=True)
class YourReach:
    network_size: int
    low: int  # people who see one post, low estimate
    high: int
    rates: tuple[int, int]  # the assumed organic reach, in percent (low, high)
    # For a network of 0 (unknown, or none yet): a typical network, shown as an estimate,
    # never a "0 to 0" sentence.
    typical: int = reach.TYPICAL_CONNECTIONS
    typical_low: int = 0
    typical_high: int = 0


def your_reach(profile: Profile, org: Organisation) -> YourReach:
    """One person's reach, with the same model and the organisation's own assumptions as the
    impact pages."""
    assumptions = reach_settings_for(org).assumptions()
    size = reach.network(profile.connections, profile.followers, assumptions)
    low, high = reach.views_per_post(size, assumptions)
    rates = (
        round(assumptions.organic_reach_low * 100),
        round(assumptions.organic_reach_high * 100),
    )
    typical_low, typical_high = reach.typical_views(assumptions)
    return YourReach(size, low, high, rates, reach.TYPICAL_CONNECTIONS, typical_low, typical_high)
