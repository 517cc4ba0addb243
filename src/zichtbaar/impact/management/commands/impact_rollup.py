"""`zichtbaar impact_rollup`: sum new clicks per link per day (for cron, or after an import)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zichtbaar.impact.services import rollup_clicks


class Command(BaseCommand):
    help = "Sum the clicks that arrived since the last run into daily rows per tracked link."

    def handle(self, *args: Any, **options: Any) -> None:
        result = rollup_clicks()
        self.stdout.write(
            f"{result.clicks_read} clicks read, {result.rows_written} daily rows written, "
            f"up to click {result.last_click_id}."
        )
