from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from zichtbaar.nudges import services
from zichtbaar.orgs.commands import organisation


class Command(BaseCommand):
    help = (
        "Queue the digest for everyone in an organisation who is due. With --force: for "
        "everyone who receives e-mail nudges. Still at most once per person and period, "
        "however often it runs. A worker (db_worker or rqworker) sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--force", action="store_true", help="ignore schedules and caps")

    def handle(self, *args: Any, **options: Any) -> None:
        org = organisation(options["org"])
        with transaction.atomic():
            queued = services.queue_digests(org, force=options["force"])
        self.stdout.write(f"Queued {queued} digest(s) for {org.slug}.")
