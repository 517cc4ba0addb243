from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zichtbaar.sharing.linkedin import worker


class Command(BaseCommand):
    help = (
        "Publish the LinkedIn posts that are due, here and now (without the task worker). "
        "`runperiodic` starts the same work as background jobs; both are safe to run at once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = worker.post_due()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in done.as_dict().items()))
