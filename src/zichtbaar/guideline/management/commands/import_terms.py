"""zichtbaar import_terms --org SLUG [--replace] FILE"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zichtbaar.guideline import services
from zichtbaar.guideline.services import ListReport
from zichtbaar.orgs.commands import organisation
from zichtbaar.orgs.models import Organisation


class ListImportCommand(BaseCommand):
    """Reads a file for one organisation, imports it all or nothing, reports per row."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True)
        parser.add_argument("--lang", choices=["nl", "en"])
        parser.add_argument("file")

    def run_import(self, org: Organisation, data: bytes, options: dict[str, Any]) -> ListReport:
        raise NotImplementedError

    def summary(self, report: ListReport) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        org = organisation(options["org"])
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        with translation.override(options["lang"] or org.default_language):
            report = self.run_import(org, data, options)
            if not report.ok:
                for error in report.errors:
                    self.stderr.write(error)
                raise CommandError(translation.gettext("Nothing was imported."))
            self.stdout.write(self.summary(report))


class Command(ListImportCommand):
    help = "Add confidential terms (one a line, or a CSV with a `term` column). All or nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--replace", action="store_true", help="replace the whole list")

    def run_import(self, org: Organisation, data: bytes, options: dict[str, Any]) -> ListReport:
        return services.import_terms(org, data, replace=options["replace"])

    def summary(self, report: ListReport) -> str:
        return translation.ngettext("%(n)d term added.", "%(n)d terms added.", report.added) % {
            "n": report.added
        }
