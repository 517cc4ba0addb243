"""zichtbaar import_clients --org SLUG FILE.csv"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zichtbaar.guideline import services
from zichtbaar.orgs.models import Organisation


class Command(BaseCommand):
    help = "The client register from CSV: name, aliases (|-separated), may_be_named, until. All or nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True)
        parser.add_argument("--lang", choices=["nl", "en"])
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"There is no organisation “{options['org']}”.")
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        with translation.override(options["lang"] or org.default_language):
            report = services.import_clients(org, data)
            if not report.ok:
                for error in report.errors:
                    self.stderr.write(error)
                raise CommandError(translation.gettext("Nothing was imported."))
            self.stdout.write(
                translation.ngettext(
                    "%(added)d client added, %(updated)d updated.",
                    "%(added)d clients added, %(updated)d updated.",
                    report.added,
                )
                % {"added": report.added, "updated": report.updated}
            )
