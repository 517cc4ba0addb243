from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from zichtbaar.nudges import services


class Command(BaseCommand):
    help = (
        "Queue what is due (digests, moment prompts, reminders, welcomes, chat announcements), "
        "put back messages of workers that died, and start deliveries. Run it from cron every "
        "few minutes; it is safe to run as often as you like."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            done = services.run_periodic()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in done.items()))
