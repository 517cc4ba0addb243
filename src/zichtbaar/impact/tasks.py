"""Background work for impact: summing clicks per link per day."""

from __future__ import annotations

from django_tasks import task

from zichtbaar.impact.services import rollup_clicks
from zichtbaar.orgs import jobs


# Best effort: pages ask for a rollup again after ROLLUP_INTERVAL, so a queue outage is logged
# rather than breaking the page that asked.
@jobs.register("impact.rollup_clicks", best_effort=True)
@task()
def rollup_clicks_task() -> dict[str, int]:
    """Sum new clicks into ClickDaily rows (see services.rollup_clicks); for every
    organisation at once, so it has no tenant."""
    result = rollup_clicks()
    return {"clicks_read": result.clicks_read, "rows_written": result.rows_written}
