from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zichtbaar.nudges import digests
from zichtbaar.orgs import jobs
from zichtbaar.orgs.commands import organisation


class Command(BaseCommand):
    help = (
        "Queue the digest for everyone in an organisation who is due. With --force: for "
        "everyone who receives e-mail nudges. Still at most once per person and period, "
        "however often it runs. A worker (db_worker or rqworker) sends them, starting with "
        "the first 500 people while the rest are rendered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--force", action="store_true", help="ignore schedules and caps")
        parser.add_argument(
            "--background",
            action="store_true",
            help="hand the rendering to the workers too: one job per 500 people, so every "
            "running worker renders at once",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = organisation(options["org"])
        if options["background"]:
            jobs.enqueue("nudges.queue_digests", org.pk, options["force"])
            self.stdout.write(f"Handed the digests for {org.slug} to the workers.")
            return

        def progress(done: int, total: int) -> None:
            if options["verbosity"] and total > digests.DIGEST_CHUNK:
                self.stderr.write(f"  {done:,} of {total:,} people", ending="\n")

        queued = digests.queue_digests(org, force=options["force"], progress=progress)
        self.stdout.write(f"Queued {queued} digest(s) for {org.slug}.")
