"""Background work for impact: summing clicks per link per day."""

from __future__ import annotations

from django_tasks import task


@task()
def rollup_clicks_task() -> dict[str, int]:
    """Sum new clicks into ClickDaily rows (see services.rollup_clicks)."""
    from zichtbaar.impact.services import rollup_clicks

    result = rollup_clicks()
    return {"clicks_read": result.clicks_read, "rows_written": result.rows_written}
