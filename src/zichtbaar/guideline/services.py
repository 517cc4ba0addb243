"""Writes for the guideline and the check: versions, acknowledgements, rules, lists, hit counts."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zichtbaar.guideline.models import (
    Acknowledgement,
    CheckSettings,
    Client,
    ConfidentialTerm,
    GuidelineSection,
    GuidelineVersion,
    RuleHit,
    new_revision,
)
from zichtbaar.orgs.csvfiles import CsvError, decode, read_csv, sniff_delimiter

if TYPE_CHECKING:
    from zichtbaar.guideline.checker import Verdict
    from zichtbaar.guideline.checking import CheckResult
    from zichtbaar.orgs.models import Organisation, User

MAX_TERMS = 50_000
TERM_HEADERS = ("term", "begrip", "woord")


def bump_revision(org: Organisation) -> None:
    """Rules, lists or settings changed: cached term and client indexes must be rebuilt."""
    CheckSettings.objects.get_or_create(org=org)
    CheckSettings.objects.filter(org=org).update(revision=new_revision())


def acknowledge(user: User, version: GuidelineVersion) -> Acknowledgement:
    ack, _ = Acknowledgement.objects.get_or_create(user=user, version=version)
    return ack


@transaction.atomic
def new_version(
    org: Organisation, author: User | None, based_on: GuidelineVersion | None = None
) -> GuidelineVersion:
    """A new draft version, copied from the given (or latest) one so comms edit rather than retype."""
    latest = (
        GuidelineVersion.objects.select_for_update().filter(org=org).order_by("-number").first()
    )
    based_on = based_on or latest
    number = (latest.number + 1) if latest else 1
    fields = ("title_nl", "title_en", "intro_nl", "intro_en", "summary_nl", "summary_en")
    version = GuidelineVersion.objects.create(
        org=org,
        number=number,
        created_by=author,
        **(
            {f: getattr(based_on, f) for f in fields}
            if based_on
            else {"title_nl": "Onze richtlijn", "title_en": "Our guideline"}
        ),
    )
    if based_on:
        GuidelineSection.objects.bulk_create(
            [
                GuidelineSection(
                    version=version,
                    key=s.key,
                    position=s.position,
                    title_nl=s.title_nl,
                    title_en=s.title_en,
                    encouraged_nl=s.encouraged_nl,
                    encouraged_en=s.encouraged_en,
                    avoid_nl=s.avoid_nl,
                    avoid_en=s.avoid_en,
                )
                for s in based_on.sections.all()
            ]
        )
    return version


VERSION_FIELDS = (
    "title_nl",
    "title_en",
    "intro_nl",
    "intro_en",
    "summary_nl",
    "summary_en",
    "minor",
    "change_note_nl",
    "change_note_en",
)
SECTION_FIELDS = (
    "key",
    "position",
    "title_nl",
    "title_en",
    "encouraged_nl",
    "encouraged_en",
    "avoid_nl",
    "avoid_en",
)


@transaction.atomic
def create_version(
    org: Organisation,
    author: User | None,
    values: dict[str, Any],
    sections: list[dict[str, Any]],
) -> GuidelineVersion:
    """A new draft from what comms filled in on the "New version" form (nothing before that)."""
    latest = (
        GuidelineVersion.objects.select_for_update().filter(org=org).order_by("-number").first()
    )
    version = GuidelineVersion.objects.create(
        org=org,
        number=(latest.number + 1) if latest else 1,
        created_by=author,
        **{f: values[f] for f in VERSION_FIELDS if f in values},
    )
    GuidelineSection.objects.bulk_create(
        [
            GuidelineSection(version=version, **{f: s[f] for f in SECTION_FIELDS if f in s})
            for s in sections
        ]
    )
    return version


def can_be_minor(version: GuidelineVersion) -> bool:
    """Only a version after a published one can be minor: the first is always read."""
    return GuidelineVersion.objects.filter(
        org_id=version.org_id, published_at__isnull=False, number__lt=version.number or 2**31
    ).exists()


def publish_version(version: GuidelineVersion, *, minor: bool | None = None) -> GuidelineVersion:
    """Publish a draft. Major (the default): everyone reads it once before their next share.
    Minor: acknowledgements of earlier versions stay valid (see selectors.acknowledgement_baseline).
    """
    if version.published_at is None:
        if minor is not None:
            version.minor = minor
        if version.minor and not can_be_minor(version):
            version.minor = False
        version.published_at = timezone.now()
        version.save(update_fields=["published_at", "minor"])
    return version


@transaction.atomic
def load_guideline(
    org: Organisation, data: dict[str, Any], author: User | None = None
) -> GuidelineVersion:
    """Create and publish a version from the YAML structure of demo/guideline.yaml."""
    latest = GuidelineVersion.objects.filter(org=org).order_by("-number").first()
    version = GuidelineVersion.objects.create(
        org=org,
        number=(latest.number + 1) if latest else 1,
        created_by=author,
        title_nl=data["title"]["nl"],
        title_en=data["title"]["en"],
        intro_nl=data.get("intro", {}).get("nl", ""),
        intro_en=data.get("intro", {}).get("en", ""),
        summary_nl="\n".join(data["summary"]["nl"]),
        summary_en="\n".join(data["summary"]["en"]),
    )
    GuidelineSection.objects.bulk_create(
        [
            GuidelineSection(
                version=version,
                key=s["key"],
                position=i,
                title_nl=s["title"]["nl"],
                title_en=s["title"]["en"],
                encouraged_nl=s["encouraged"]["nl"],
                encouraged_en=s["encouraged"]["en"],
                avoid_nl=s.get("avoid", {}).get("nl", ""),
                avoid_en=s.get("avoid", {}).get("en", ""),
            )
            for i, s in enumerate(data["sections"])
        ]
    )
    return publish_version(version)


def record_hits(org_id: int, verdict: Verdict | CheckResult) -> None:
    """Count which rules fired at the moment someone shared (counts per day, never who)."""
    today = timezone.localdate()
    for code in sorted({f.code for f in verdict.findings}):
        hit, _ = RuleHit.objects.get_or_create(org_id=org_id, code=code, day=today)
        RuleHit.objects.filter(pk=hit.pk).update(count=F("count") + 1)


# --- lists --------------------------------------------------------------------------------------


@dataclass
class ListReport:
    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_terms(data: bytes | str) -> tuple[list[str], list[str]]:
    """Terms from one-per-line text or a CSV with a `term` column. Returns (terms, errors)."""
    errors: list[str] = []
    terms: list[str] = []
    try:
        text, _encoding = decode(data)
    except CsvError as exc:
        return [], [exc.message]
    first = next((line for line in text.splitlines() if line.strip()), "")
    header = next(csv.reader([first], delimiter=sniff_delimiter(first)), [""])
    if header and header[0].strip().lower() in TERM_HEADERS:
        try:
            table = read_csv(text)
        except CsvError as exc:
            return [], [exc.message]
        index = next((i for i, h in enumerate(table.header) if h.lower() in TERM_HEADERS), 0)
        rows = [
            (number, cells[index].strip() if index < len(cells) else "")
            for number, cells in table.numbered()
        ]
    else:
        # One term per line, not CSV: a term may hold a comma ("Van Dijk, Partners").
        rows = [(i, line.strip()) for i, line in enumerate(text.splitlines(), start=1)]
    for row, term in rows:
        if not term or term.startswith("#"):
            continue
        if len(term) > 200:
            errors.append(
                _("Row %(row)d: a term can be at most %(max)d characters.")
                % {"row": row, "max": 200}
            )
        else:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        errors.append(_("The list has more than %(max)d terms.") % {"max": MAX_TERMS})
    if not terms and not errors:
        errors.append(_("The file holds no terms."))
    return list(dict.fromkeys(terms)), errors


@transaction.atomic
def import_terms(org: Organisation, data: bytes | str, *, replace: bool = False) -> ListReport:
    """Add (or with replace=True: replace) confidential terms. All or nothing."""
    terms, errors = parse_terms(data)
    report = ListReport(errors=errors)
    if errors:
        return report
    if replace:
        ConfidentialTerm.objects.filter(org=org).delete()
    existing = set(ConfidentialTerm.objects.filter(org=org).values_list("term", flat=True))
    new = [ConfidentialTerm(org=org, term=t) for t in terms if t not in existing]
    ConfidentialTerm.objects.bulk_create(new, batch_size=2000)
    report.added = len(new)
    bump_revision(org)
    return report


YES = {"yes", "ja", "y", "j", "1", "true", "waar"}
NO = {"no", "nee", "n", "0", "false", "onwaar", ""}


@transaction.atomic
def import_clients(org: Organisation, data: bytes | str) -> ListReport:
    """The client register from CSV: name, aliases (|-separated), may_be_named, until. All or nothing."""
    report = ListReport()
    try:
        table = read_csv(data)
    except CsvError as exc:
        report.errors.append(exc.message)
        return report
    headers = {h.lower(): h for h in table.header}
    aliases = {
        "name": ("name", "naam"),
        "aliases": ("aliases", "aliassen", "alias"),
        "may_be_named": ("may_be_named", "mag_genoemd", "mag genoemd worden", "toestemming"),
        "until": ("until", "tot"),
    }
    column = {k: next((headers[a] for a in v if a in headers), None) for k, v in aliases.items()}
    if column["name"] is None:
        report.errors.append(_("Row 1: the file needs a column “name”."))
        return report
    rows: list[tuple[str, str, bool, date | None]] = []
    seen: dict[str, int] = {}
    for number, row in table.records():  # blank rows are left out, numbers as in the sheet
        name = (row.get(column["name"]) or "").strip()
        if not name:
            report.errors.append(_("Row %(row)d: the name is empty.") % {"row": number})
            continue
        if len(name) > 200:  # Client.name's length
            report.errors.append(
                _("Row %(row)d: a name can be at most %(max)d characters.")
                % {"row": number, "max": 200}
            )
            continue
        key = name.casefold()
        if key in seen:
            report.errors.append(
                _("Row %(row)d: “%(name)s” is also in row %(other)d.")
                % {"row": number, "name": name, "other": seen[key]}
            )
        seen[key] = number
        flag = (
            (row.get(column["may_be_named"]) or "").strip().lower()
            if column["may_be_named"]
            else ""
        )
        if flag not in YES | NO:
            report.errors.append(
                _("Row %(row)d: “%(value)s” is not yes or no.") % {"row": number, "value": flag}
            )
        until_text = (row.get(column["until"]) or "").strip() if column["until"] else ""
        until = None
        if until_text:
            for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
                try:
                    until = datetime.strptime(until_text, fmt).date()
                    break
                except ValueError:
                    continue
            else:
                report.errors.append(
                    _("Row %(row)d: “%(value)s” is not a date (use 2026-12-31).")
                    % {"row": number, "value": until_text}
                )
        alias_text = (row.get(column["aliases"]) or "").strip() if column["aliases"] else ""
        rows.append((name, alias_text, flag in YES, until))
    if not rows and not report.errors:
        report.errors.append(_("The file holds no clients."))
    if report.errors:
        return report
    existing = {c.name.casefold(): c for c in Client.objects.filter(org=org)}
    for name, alias_text, may, until in rows:
        found = existing.get(name.casefold())
        if found:
            found.aliases, found.may_be_named, found.until = alias_text, may, until
            found.save(update_fields=["aliases", "may_be_named", "until"])
            report.updated += 1
        else:
            Client.objects.create(
                org=org, name=name, aliases=alias_text, may_be_named=may, until=until
            )
            report.added += 1
    bump_revision(org)
    return report
