"""zichtbaar import_clients --org SLUG FILE.csv"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from zichtbaar.guideline import services
from zichtbaar.guideline.management.commands.import_terms import ListImportCommand
from zichtbaar.guideline.services import ListReport
from zichtbaar.orgs.models import Organisation


class Command(ListImportCommand):
    help = "The client register from CSV: name, aliases (|-separated), may_be_named, until. All or nothing."

    def run_import(self, org: Organisation, data: bytes, options: dict[str, Any]) -> ListReport:
        return services.import_clients(org, data)

    def summary(self, report: ListReport) -> str:
        return translation.ngettext(
            "%(added)d client added, %(updated)d updated.",
            "%(added)d clients added, %(updated)d updated.",
            report.added,
        ) % {"added": report.added, "updated": report.updated}
