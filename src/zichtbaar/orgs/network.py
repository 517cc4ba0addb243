"""The two facts about one person's LinkedIn network that every layer needs.

They live in orgs, the lowest layer, because the onboarding (orgs) asks for the number of
connections and the reach model (impact.reach, which re-exports them) computes with them; orgs
may never import impact. docs/impact.md ("A typical network") explains both figures.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

# LinkedIn's own maximum of first-degree connections per member (LinkedIn Help, "Connection
# limits"). Inputs above it are refused with this figure in the message.
MAX_CONNECTIONS = 30_000

# The estimate used when a person doesn't know their number (or has none yet): an assumption,
# not a measurement, and always shown as "about 500, an estimate". 500 is the seed research's own
# example (50 employees x 500 connections) and the point where LinkedIn stops counting on a
# profile ("500+"), so it is the figure people see on most colleagues' profiles. Nobody outside
# LinkedIn can measure the real average, so keep it round and modest.
TYPICAL_CONNECTIONS = 500
TYPICAL_CONNECTIONS_SOURCE = gettext_noop(
    "A typical network of about 500 connections is an assumption, not a measurement: it is the "
    "example of the research this app is built on (50 colleagues × 500 connections), and the "
    "point from which LinkedIn shows “500+” on a profile."
)
