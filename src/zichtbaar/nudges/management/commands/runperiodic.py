from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from zichtbaar.nudges import periodic
from zichtbaar.orgs.tasks import recover_stuck_imports
from zichtbaar.sharing.linkedin.worker import start_due as start_linkedin_posts
from zichtbaar.sharing.services import drain_click_spool


class Command(BaseCommand):
    help = (
        "Queue what is due (digests, moment prompts, reminders, welcomes, chat announcements), "
        "put back messages and imports of workers that died, store clicks the database refused "
        "earlier, and start deliveries. Run it from cron every few minutes; it is safe to run "
        "as often as you like."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            done = periodic.run_periodic()
        # Each in its own short transactions, outside the one above.
        imports = recover_stuck_imports()
        done["imports_resumed"] = imports["resumed"]
        done["imports_failed"] = imports["failed"]
        done["clicks_from_spool"] = drain_click_spool()
        # LinkedIn posts whose chosen time has come (docs/linkedin.md), as background jobs.
        done["linkedin_post_jobs"] = start_linkedin_posts()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in done.items()))
