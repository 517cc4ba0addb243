"""`zichtbaar import_people --org SLUG [--create-org NAME] [--create-teams] [--lang nl|en]
[--dry-run] FILE.csv`"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zichtbaar.orgs.importing import NewTeam, import_people, new_teams, parse_people
from zichtbaar.orgs.models import Language, Organisation


class Command(BaseCommand):
    help = (
        "Import people from a CSV file (columns: email, name, team, role, language, "
        "connections, followers, job_title; English or Dutch column names). Every row is "
        "checked first: if any row is wrong, nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file, or - to read standard input.")
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument(
            "--create-org",
            metavar="NAME",
            help="Create the organisation with this name (and the --org slug) if it does not exist.",
        )
        parser.add_argument(
            "--create-teams",
            action="store_true",
            help="Create the teams the file names that the organisation does not have yet "
            "(without it, such a file imports nothing and lists them, so a typo does not "
            "become a team).",
        )
        parser.add_argument(
            "--lang",
            choices=Language.values,
            help="Language of the report (default: the organisation's default language).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report, but save nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data = self._read(options["file"])
        slug = options["org"]
        org = Organisation.objects.filter(slug=slug).first()
        lang = options["lang"] or (org.default_language if org else Language.NL)

        with translation.override(lang):
            if org is None and not options["create_org"]:
                raise CommandError(
                    _(
                        "There is no organisation “%(slug)s”. Check the slug, or add "
                        '--create-org "Name" to create it.'
                    )
                    % {"slug": slug}
                )
            # Every row is checked first (a dry run, rolled back, also for a new organisation);
            # only a valid file creates the organisation and then writes people in short
            # batches, so the click path never waits behind one long transaction.
            created_org = org is None
            with transaction.atomic():
                probe = org or self._create_org(slug, options["create_org"])
                parsed = parse_people(data, probe)
                report = import_people(probe, parsed, dry_run=True)
                found = new_teams(probe, parsed) if report.ok else []
                transaction.set_rollback(True)
            # As in the web import, a team the organisation does not have yet ("Clowd" next to
            # "Cloud") is created only when asked for; a new organisation has nothing to
            # misspell, so its first file may bring every team.
            self._list_new_teams(found)
            asks = bool(found) and not (created_org or options["create_teams"])
            if asks and options["dry_run"]:
                self.stdout.write(
                    _(
                        "Without --create-teams the import would stop at the new teams: "
                        "correct the names, or add --create-teams."
                    )
                )
            elif asks:
                raise CommandError(
                    ngettext(
                        "The file names %(count)d team that does not exist yet. Nothing was "
                        "imported. Correct the name, or add --create-teams to create it.",
                        "The file names %(count)d teams that do not exist yet. Nothing was "
                        "imported. Correct the names, or add --create-teams to create them.",
                        len(found),
                    )
                    % {"count": len(found)}
                )
            if report.ok and not options["dry_run"]:
                if org is None:
                    org = self._create_org(slug, options["create_org"])
                result = parse_people(data, org)
                big = len(result.people) > 1000 or self.stderr.isatty()
                report = import_people(org, result, progress=self._progress if big else None)
            org = org or probe

            for warning in report.warnings:
                self.stderr.write(_("Warning: %(warning)s") % {"warning": warning})
            if not report.ok:
                for error in report.errors:
                    self.stderr.write(error.message)
                raise CommandError(
                    ngettext(
                        "%(count)d problem found. Nothing was imported.",
                        "%(count)d problems found. Nothing was imported.",
                        len(report.errors),
                    )
                    % {"count": len(report.errors)}
                )
            if created_org:
                self.stdout.write(
                    (
                        _("The organisation “%(name)s” (%(slug)s) would be created.")
                        if options["dry_run"]
                        else _("Created the organisation “%(name)s” (%(slug)s).")
                    )
                    % {"name": org.name, "slug": org.slug}
                )
            numbers = {"count": report.total, "created": report.created, "updated": report.updated}
            if options["dry_run"]:
                message = ngettext(
                    "Dry run: %(count)d person would be imported: %(created)d new, %(updated)d updated. Nothing was saved.",
                    "Dry run: %(count)d people would be imported: %(created)d new, %(updated)d updated. Nothing was saved.",
                    report.total,
                )
            else:
                message = ngettext(
                    "Imported %(count)d person: %(created)d new, %(updated)d updated.",
                    "Imported %(count)d people: %(created)d new, %(updated)d updated.",
                    report.total,
                )
            self.stdout.write(self.style.SUCCESS(message % numbers))
            if report.invited:
                self.stdout.write(
                    ngettext(
                        "%(n)d person already has an account elsewhere: they get an invitation and join once they accept it.",
                        "%(n)d people already have an account elsewhere: they get an invitation and join once they accept it.",
                        report.invited,
                    )
                    % {"n": report.invited}
                )

    def _list_new_teams(self, found: list[NewTeam]) -> None:
        for team in found:
            rows = ", ".join(str(row) for row in team.rows) + (
                "…" if team.count > len(team.rows) else ""
            )
            line = ngettext(
                "New team “%(name)s”: %(count)d person (row %(rows)s).",
                "New team “%(name)s”: %(count)d people (rows %(rows)s).",
                team.count,
            ) % {"name": team.name, "count": team.count, "rows": rows}
            if team.suggestion:
                line += " " + _("Did you mean “%(suggestion)s”? That team already exists.") % {
                    "suggestion": team.suggestion
                }
            self.stdout.write(line)

    def _read(self, path: str) -> bytes:
        if path == "-":
            return sys.stdin.buffer.read()
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc

    def _create_org(self, slug: str, name: str) -> Organisation:
        try:
            validate_slug(slug)
        except ValidationError as exc:
            raise CommandError(
                _("“%(slug)s” cannot be used as a slug: use letters, digits, - and _ only.")
                % {"slug": slug}
            ) from exc
        return Organisation.objects.create(slug=slug, name=name.strip() or slug)

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(
            _("%(done)s of %(total)s people imported…")
            % {
                "done": number_format(done, force_grouping=True),
                "total": number_format(total, force_grouping=True),
            }
        )
