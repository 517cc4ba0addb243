"""The anonymity rules of the dashboards: one source, `zichtbaar.orgs.anonymity`, shared with
the survey reports (so one setting changes both). Re-exported here for impact's modules."""

from __future__ import annotations

from zichtbaar.orgs.anonymity import (
    COMPLEMENTARY,
    SMALL,
    Group,
    isolating_filter,
    suppress,
    threshold,
    total_hidden,
)

__all__ = [
    "COMPLEMENTARY",
    "SMALL",
    "Group",
    "isolating_filter",
    "suppress",
    "threshold",
    "total_hidden",
]
