"""Importing people from a spreadsheet (CSV): validate every row first, import only a valid file.

The two entry points:

- ``parse_people(data, org) -> ImportResult`` reads and validates a CSV file without writing.
- ``import_people(org, data, *, dry_run=False) -> ImportReport`` validates, and only when every
  row is valid, creates or updates the people (keyed by e-mail address) in short batches.

Writes are committed in batches of at most BATCH_ROWS people or BATCH_SECONDS, so that no
transaction holds SQLite's one write lock for long (a tracked-link click waits at most one
batch). A file is still all or nothing where it matters: nothing is written while one row is
invalid. If saving fails part-way, the report says how many people were saved; importing the
same file again is safe, because people are keyed by e-mail address (docs/decisions.md).

Row numbers are the ones a spreadsheet shows: the header is row 1, the first person row 2.
Messages are translated with the active language, so call these inside
``translation.override(...)`` to get a report in someone's language.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zichtbaar.orgs.csvfiles import CsvError, read_csv
from zichtbaar.orgs.models import Language, Membership, Organisation, Role, Team, User
from zichtbaar.orgs.services import (
    NeedsConsent,
    PersonData,
    get_or_create_team,
    invite,
    upsert_person,
)

MAX_ROWS = 20_000
HEADER_ROW = 1
# One batch is one transaction: at most this many people, and no new person once it has run
# this long (people cost differently: an invitation renders an e-mail). A click that arrives
# during a batch waits for the rest of it (bench/clicks.py --during-import).
BATCH_ROWS = 200
BATCH_SECONDS = 0.015
# On SQLite, between batches the import steps aside this long, so that a writer waiting for the
# lock (a click polls every few milliseconds, see sharing.services.store_click) gets it before
# the next batch does, instead of waiting behind the whole import.
BATCH_PAUSE = 0.01

# Normalised header (lower case, without spaces, hyphens and underscores) -> field.
COLUMN_ALIASES: dict[str, str] = {
    "email": "email",
    "emailadres": "email",
    "emailaddress": "email",
    "mail": "email",
    "name": "name",
    "naam": "name",
    "team": "team",
    "role": "role",
    "rol": "role",
    "language": "language",
    "taal": "language",
    "connections": "connections",
    "connecties": "connections",
    "followers": "followers",
    "volgers": "followers",
    "jobtitle": "job_title",
    "functie": "job_title",
    "functietitel": "job_title",
}

ROLE_ALIASES: dict[str, str] = {
    "employee": Role.EMPLOYEE,
    "medewerker": Role.EMPLOYEE,
    "comms": Role.COMMS,
    "communications": Role.COMMS,
    "communicatie": Role.COMMS,
    "admin": Role.ADMIN,
    "administrator": Role.ADMIN,
    "beheerder": Role.ADMIN,
}

LANGUAGE_ALIASES: dict[str, str] = {
    "nl": Language.NL,
    "nederlands": Language.NL,
    "dutch": Language.NL,
    "en": Language.EN,
    "engels": Language.EN,
    "english": Language.EN,
}

MAX_LENGTHS = {"email": 254, "name": 150, "team": 120, "job_title": 120}
MAX_COUNT = 2_147_483_647  # what a PositiveIntegerField holds everywhere

_PLAIN_NUMBER = re.compile(r"\d+")
# 1.200 / 1,200 / 1 200 / 1'200 (also with a non-breaking or narrow space), grouped by thousands.
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:([.,' \u00a0\u202f])\d{3})(?:\1\d{3})*")


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet shows it: the header is row 1
    column: str  # the field ("email", "role", ...), or "" for the file as a whole
    message: str  # translated, complete sentence that names the row


@dataclass
class ImportResult:
    """The outcome of reading and validating a file; nothing has been written yet."""

    people: list[tuple[int, PersonData]] = field(default_factory=list)  # (row, data)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # recognised fields, in file order

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    # People who already have an account (in another organisation): they get an invitation and
    # join once they accept it; nothing about them is shown here before that.
    invited: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated


# --- reading -------------------------------------------------------------------------------


def _normalise_header(value: str) -> str:
    return re.sub(r"[\s\-_]+", "", value.strip().lstrip("\ufeff").lower())


def _shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- validating one value ------------------------------------------------------------------


def _parse_count(value: str) -> int | None:
    """A non-negative whole number, allowing thousand separators; None if not one."""
    value = value.strip()
    if _PLAIN_NUMBER.fullmatch(value) or _GROUPED_NUMBER.fullmatch(value):
        return int(re.sub(r"\D", "", value))
    return None


def _count_error(row: int, column: str, value: str) -> str:
    stripped = value.strip()
    if stripped.startswith("-") and _parse_count(stripped[1:]) is not None:
        if column == "followers":
            return _("Row %(row)d: the number of followers cannot be negative (“%(value)s”).") % {
                "row": row,
                "value": _shorten(value),
            }
        return _("Row %(row)d: the number of connections cannot be negative (“%(value)s”).") % {
            "row": row,
            "value": _shorten(value),
        }
    if column == "followers":
        return _("Row %(row)d: “%(value)s” is not a whole number of followers.") % {
            "row": row,
            "value": _shorten(value),
        }
    return _("Row %(row)d: “%(value)s” is not a whole number of connections.") % {
        "row": row,
        "value": _shorten(value),
    }


def _too_long(row: int, column: str, limit: int) -> str:
    messages = {
        "email": _("Row %(row)d: the e-mail address is longer than %(limit)d characters."),
        "name": _("Row %(row)d: the name is longer than %(limit)d characters."),
        "team": _("Row %(row)d: the team name is longer than %(limit)d characters."),
        "job_title": _("Row %(row)d: the job title is longer than %(limit)d characters."),
    }
    return messages[column] % {"row": row, "limit": limit}


# --- the parser ----------------------------------------------------------------------------


def parse_people(data: Any, org: Organisation | None = None) -> ImportResult:
    """Read a CSV file (bytes, text or a file object) and validate every row. Writes nothing.

    ``org`` is accepted for symmetry with ``import_people``; empty languages are left empty
    so that ``upsert_person`` uses the organisation's default for new people.
    """
    result = ImportResult()
    try:
        table = read_csv(data)
    except CsvError as exc:  # empty, not text, or not CSV
        result.errors.append(RowError(exc.row, "", exc.message))
        return result
    header_row, header = table.header_row, table.header
    # Map column positions to fields; report unknown and repeated columns.
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        key = COLUMN_ALIASES.get(_normalise_header(title))
        if key is None:
            if title.strip():
                unknown.append(title.strip())
        elif key in positions:
            result.errors.append(
                RowError(
                    header_row,
                    key,
                    _("Row %(row)d: the column “%(column)s” appears more than once.")
                    % {"row": header_row, "column": title.strip()},
                )
            )
        else:
            positions[key] = index
    result.columns = [k for k, _i in sorted(positions.items(), key=lambda item: item[1])]
    if unknown:
        result.warnings.append(
            ngettext(
                "This column is not recognised and was ignored: %(columns)s.",
                "These columns are not recognised and were ignored: %(columns)s.",
                len(unknown),
            )
            % {"columns": ", ".join(f"“{_shorten(u, 40)}”" for u in unknown)}
        )
    if "email" not in positions:
        result.errors.append(
            RowError(
                header_row,
                "email",
                _(
                    "Row %(row)d: the file has no e-mail column. The first row must hold the "
                    "column names, one of them “email” (or “e-mailadres”)."
                )
                % {"row": header_row},
            )
        )
    if result.errors:
        return result

    seen: dict[str, int] = {}
    data_rows = 0
    for row, record in table.numbered():  # blank rows are left out but keep their numbers
        data_rows += 1
        if data_rows > MAX_ROWS:
            result.errors.append(
                RowError(
                    row,
                    "",
                    _(
                        "Row %(row)d: the file has more than %(max)s people. Split it into "
                        "files of at most %(max)s rows."
                    )
                    % {"row": row, "max": number_format(MAX_ROWS, force_grouping=True)},
                )
            )
            break
        person = _parse_row(row, record, positions, seen, result.errors)
        if person is not None:
            result.people.append((row, person))

    if not data_rows and not result.errors:
        result.errors.append(
            RowError(
                header_row,
                "",
                _("The file has column names but no people: add one person per row."),
            )
        )
    return result


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _parse_row(
    row: int,
    record: list[str],
    positions: dict[str, int],
    seen: dict[str, int],
    errors: list[RowError],
) -> PersonData | None:
    def cell(key: str) -> str:
        index = positions.get(key)
        if index is None or index >= len(record):
            return ""
        # Control characters (NUL, line breaks in a quoted cell) become spaces: PostgreSQL cannot
        # store NUL, and a name or team is one line.
        return " ".join(_CONTROL.sub(" ", record[index]).split())

    before = len(errors)

    def error(column: str, message: str) -> None:
        errors.append(RowError(row, column, message))

    email = cell("email")
    if not email:
        error("email", _("Row %(row)d: the e-mail address is missing.") % {"row": row})
    elif len(email) > MAX_LENGTHS["email"]:
        error("email", _too_long(row, "email", MAX_LENGTHS["email"]))
    else:
        try:
            validate_email(email)
        except ValidationError:
            error(
                "email",
                _("Row %(row)d: “%(value)s” is not a valid e-mail address.")
                % {"row": row, "value": _shorten(email)},
            )
        else:
            key = email.lower()
            if key in seen:
                error(
                    "email",
                    _("Row %(row)d: the e-mail address “%(value)s” is also in row %(first)d.")
                    % {"row": row, "value": _shorten(email), "first": seen[key]},
                )
            else:
                seen[key] = row

    for column in ("name", "team", "job_title"):
        if len(cell(column)) > MAX_LENGTHS[column]:
            error(column, _too_long(row, column, MAX_LENGTHS[column]))

    role_value = cell("role")
    # An empty role keeps an existing person's role (new people become employees).
    role = ROLE_ALIASES.get(role_value.lower(), "") if role_value else None
    if role == "":
        error(
            "role",
            _(
                "Row %(row)d: “%(value)s” is not a known role. Use employee, comms or admin "
                "(or medewerker, communicatie or beheerder)."
            )
            % {"row": row, "value": _shorten(role_value)},
        )

    language_value = cell("language")
    language = ""
    if language_value:
        normalised = language_value.lower()
        normalised = re.sub(r"^(nl|en)[-_][a-z]{2}$", r"\1", normalised)  # nl-NL, en_GB
        language = LANGUAGE_ALIASES.get(normalised, "")
        if not language:
            error(
                "language",
                _("Row %(row)d: “%(value)s” is not a known language. Use nl or en.")
                % {"row": row, "value": _shorten(language_value)},
            )

    counts: dict[str, int | None] = {}
    for column in ("connections", "followers"):
        value = cell(column)
        counts[column] = None
        if value:
            number = _parse_count(value)
            if number is None:
                error(column, _count_error(row, column, value))
            elif number > MAX_COUNT:
                error(
                    column,
                    _("Row %(row)d: “%(value)s” is too large a number.")
                    % {"row": row, "value": _shorten(value)},
                )
            else:
                counts[column] = number

    if len(errors) > before:
        return None
    return PersonData(
        email=email.lower(),
        name=cell("name"),
        team=cell("team"),
        role=role,
        language=language,
        connections=counts["connections"],
        followers=counts["followers"],
        job_title=cell("job_title"),
    )


# --- new teams -----------------------------------------------------------------------------

# Rows named per new team on the confirmation screen; the rest is a count.
NEW_TEAM_ROWS = 10
# How alike (difflib's ratio, 0..1, case ignored) a new team name and an existing one must be
# for "did you mean ...?": catches "Clowd"/"Cloud" and "Marketting"/"Marketing", not "HR"/"IT".
SUGGESTION_CUTOFF = 0.75
# Suggestions for at most this many new teams: a file that brings more is a first import, where
# there is little to misspell, and comparing every pair would take long.
MAX_SUGGESTED = 200


@dataclass(frozen=True)
class NewTeam:
    """A team the file names that the organisation does not have: the import would create it."""

    name: str
    rows: list[int]  # the first NEW_TEAM_ROWS rows that use it
    count: int  # how many rows use it
    suggestion: str = ""  # a close existing team name ("did you mean ...?"), or ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "count": self.count,
            "suggestion": self.suggestion,
        }


def new_teams(org: Organisation, result: ImportResult) -> list[NewTeam]:
    """The teams ``result`` names that ``org`` does not have yet, in file order, each with the
    rows that use it and, for a near miss of an existing team ("Clowd"), that team's name."""
    existing = list(Team.objects.filter(org=org).values_list("name", flat=True))
    known = set(existing)
    by_lower = {name.lower(): name for name in existing}
    rows: dict[str, list[int]] = {}
    for row, person in result.people:
        if person.team and person.team not in known:
            rows.setdefault(person.team, []).append(row)
    found = []
    candidates = list(by_lower)
    for index, (name, used_in) in enumerate(rows.items()):
        close = (
            difflib.get_close_matches(name.lower(), candidates, n=1, cutoff=SUGGESTION_CUTOFF)
            if index < MAX_SUGGESTED
            else []
        )
        found.append(
            NewTeam(
                name=name,
                rows=used_in[:NEW_TEAM_ROWS],
                count=len(used_in),
                suggestion=by_lower[close[0]] if close else "",
            )
        )
    return found


# --- importing -----------------------------------------------------------------------------


def import_people(
    org: Organisation,
    data: Any,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    invited_by: User | None = None,
    start: int = 0,
    committed: Callable[[int, ImportReport], None] | None = None,
) -> ImportReport:
    """Validate ``data`` (a CSV file as bytes/text/file object, or an ``ImportResult``) and,
    only when every row is valid, create or update everyone, one short transaction per batch.

    With ``dry_run`` nothing is written; ``created``/``updated``/``invited`` say what would
    happen. Someone whose account exists but is not in ``org`` is invited, never added.
    ``progress(done, total)`` is called every 1,000 people while importing.

    ``start`` skips the first people of the file: an earlier attempt committed them.
    ``committed(done, report)`` runs inside each batch's transaction, as its last write, with
    the number of people handled so far (``start`` included) and this call's counts; if it
    raises, that batch is rolled back and the exception propagates. If saving a batch fails,
    the report holds an error and the counts of the batches committed before it.
    """
    result = data if isinstance(data, ImportResult) else parse_people(data, org)
    report = ImportReport(
        errors=list(result.errors), warnings=list(result.warnings), dry_run=dry_run
    )
    if not result.ok:
        return report

    if dry_run:
        emails = [person.email for _row, person in result.people]
        existing = _existing_emails(org, emails)
        accounts = _accounts(emails) - existing
        report.updated = sum(1 for _row, person in result.people if person.email in existing)
        report.invited = sum(1 for _row, person in result.people if person.email in accounts)
        report.created = len(result.people) - report.updated - report.invited
        return report

    total = len(result.people)
    # Inside an outer transaction (the command line, tests) batches are savepoints and the lock
    # is held anyway: stepping aside would only make the import slower.
    db = transaction.get_connection()
    step_aside = db.vendor == "sqlite" and not db.in_atomic_block
    done = start
    row = HEADER_ROW
    while done < total:
        batch = ImportReport()
        try:
            with transaction.atomic():
                started = time.monotonic()
                end = min(done + BATCH_ROWS, total)
                index = done
                while index < end and (index == done or time.monotonic() - started < BATCH_SECONDS):
                    row, person = result.people[index]  # the row is named if saving fails
                    _save_person(org, person, batch, invited_by)
                    index += 1
                totals = ImportReport(
                    created=report.created + batch.created,
                    updated=report.updated + batch.updated,
                    invited=report.invited + batch.invited,
                )
                if committed:
                    committed(index, totals)
        except DatabaseError as exc:
            # Earlier batches are committed: the report says so instead of pretending otherwise.
            report.errors.append(
                RowError(
                    row,
                    "",
                    _("Row %(row)d could not be saved: %(error)s") % {"row": row, "error": exc},
                )
            )
            return report
        report.created, report.updated, report.invited = (
            totals.created,
            totals.updated,
            totals.invited,
        )
        for mark in range((done // 1000 + 1) * 1000, index + 1, 1000):
            if progress:
                progress(mark, total)
        done = index
        if done < total and step_aside:
            time.sleep(BATCH_PAUSE)
    return report


def _save_person(
    org: Organisation, person: PersonData, report: ImportReport, invited_by: User | None
) -> None:
    try:
        _membership, created = upsert_person(org, person)
    except NeedsConsent:
        invite(
            org=org,
            email=person.email,
            role=person.role or Role.EMPLOYEE,
            team=get_or_create_team(org, person.team),
            invited_by=invited_by,
        )
        report.invited += 1
        return
    if created:
        report.created += 1
    else:
        report.updated += 1


def _accounts(emails: list[str]) -> set[str]:
    """The addresses that already have an account (in any organisation)."""
    found: set[str] = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        accounts = User.objects.filter(email__in=chunk).values_list("email", flat=True)
        found.update(email.lower() for email in accounts)
    return found


def _existing_emails(org: Organisation, emails: list[str]) -> set[str]:
    if org.pk is None:
        return set()
    found: set[str] = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found.update(
            Membership.objects.filter(org=org, user__email__in=chunk).values_list(
                "user__email", flat=True
            )
        )
    return found
