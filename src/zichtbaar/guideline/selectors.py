"""Reads for the guideline and the check: the published version and the check's context."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

from zichtbaar.guideline.models import (
    Acknowledgement,
    CheckSettings,
    Client,
    ConfidentialTerm,
    GuidelineSection,
    GuidelineVersion,
    QuietPeriod,
    Rule,
    RuleHit,
)

if TYPE_CHECKING:
    from zichtbaar.guideline.checker import CheckContext, ClientIndex, TermIndex
    from zichtbaar.moments.models import Moment
    from zichtbaar.orgs.models import Organisation, User

# Rules that stop sharing unless comms say otherwise: LinkedIn refuses longer posts, and an
# embargo is a promise the organisation made to someone else.
DEFAULT_BLOCKING = {"form.too_long", "embargo"}

# Where each rule is explained, by section key (the demo guideline uses these keys).
DEFAULT_SECTIONS = {
    "personal_data": "personal_data",
    "confidential": "confidential",
    "client": "clients",
    "embargo": "timing",
    "quiet_period": "timing",
    "link": "links",
    "form": "share_your_work",
    "form.not_personal": "be_yourself",
    "similar": "be_yourself",
    "disclosure": "transparency",
}


def default_section(code: str) -> str:
    return DEFAULT_SECTIONS.get(code) or DEFAULT_SECTIONS.get(code.split(".")[0], "")


def published_version(org_id: int) -> GuidelineVersion | None:
    return (
        GuidelineVersion.objects.filter(org_id=org_id, published_at__isnull=False)
        .order_by("-number")
        .first()
    )


def published_sections(org_id: int) -> list[GuidelineSection]:
    """The sections of the organisation's published guideline, in reading order (none if none)."""
    version = published_version(org_id)
    return list(version.sections.all()) if version is not None else []


def versions_of(org_id: int) -> QuerySet[GuidelineVersion]:
    return GuidelineVersion.objects.filter(org_id=org_id).order_by("-number")


def acknowledgement_baseline(org_id: int) -> GuidelineVersion | None:
    """The oldest version whose acknowledgement still counts: the newest published major one.

    The one place that decides who has read "the current guideline": having acknowledged this
    version or any later published one. A minor version (published with "no re-read") keeps
    the acknowledgements of the versions before it valid; a major one starts over. The first
    published version is always major (services.publish_version); should only minor ones
    exist, the oldest published one counts.
    """
    published = GuidelineVersion.objects.filter(org_id=org_id, published_at__isnull=False)
    return (
        published.filter(minor=False).order_by("-number").first()
        or published.order_by("number").first()
    )


def _valid_acknowledgements(org_id: int, baseline: GuidelineVersion) -> QuerySet[Acknowledgement]:
    return Acknowledgement.objects.filter(
        version__org_id=org_id,
        version__published_at__isnull=False,
        version__number__gte=baseline.number,
    )


def needs_acknowledgement(user: User, org_id: int) -> GuidelineVersion | None:
    """The published version this person still has to read, if any (None: all set).

    Answers "has this person acknowledged the current guideline?" for every caller (compose,
    the guideline page): acknowledging the current version, or an earlier one that a minor
    change kept valid, counts.
    """
    version = published_version(org_id)
    if version is None:
        return None
    baseline = acknowledgement_baseline(org_id) or version
    if _valid_acknowledgements(org_id, baseline).filter(user=user).exists():
        return None
    return version


def has_acknowledged_current(user: User, org_id: int) -> bool:
    """True when the person needs no (re-)read before sharing."""
    return needs_acknowledgement(user, org_id) is None


def up_to_date_count(org_id: int) -> int:
    """How many people's acknowledgement counts for the current guideline (a count, no names)."""
    baseline = acknowledgement_baseline(org_id)
    if baseline is None:
        return 0
    return _valid_acknowledgements(org_id, baseline).values("user").distinct().count()


@dataclass(frozen=True)
class SectionChange:
    key: str
    title: str


@dataclass
class GuidelineChanges:
    """What differs between two versions: computed from their sections, plus comms' notes."""

    since: GuidelineVersion | None  # the version compared with
    added: list[SectionChange] = field(default_factory=list)
    changed: list[SectionChange] = field(default_factory=list)
    removed: list[SectionChange] = field(default_factory=list)
    intro_changed: bool = False
    summary_changed: bool = False
    title_changed: bool = False
    notes: list[tuple[int, str]] = field(default_factory=list)  # (version number, note)

    @property
    def any(self) -> bool:
        return bool(
            self.added
            or self.changed
            or self.removed
            or self.intro_changed
            or self.summary_changed
            or self.title_changed
            or self.notes
        )


_SECTION_TEXTS = ("title_nl", "title_en", "encouraged_nl", "encouraged_en", "avoid_nl", "avoid_en")


def _text(obj: object, name: str) -> str:
    # Browsers send a textarea's line breaks as CRLF: the same text must not count as changed.
    return (getattr(obj, name) or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _same(a: object, b: object, fields: tuple[str, ...]) -> bool:
    return all(_text(a, f) == _text(b, f) for f in fields)


def compare_versions(old: GuidelineVersion, new: GuidelineVersion) -> GuidelineChanges:
    """Sections added, changed (any text, either language) and removed, matched by key."""
    before = {s.key: s for s in old.sections.all()}
    after = {s.key: s for s in new.sections.all()}
    return GuidelineChanges(
        since=old,
        added=[SectionChange(k, s.title) for k, s in after.items() if k not in before],
        changed=[
            SectionChange(k, s.title)
            for k, s in after.items()
            if k in before and not _same(before[k], s, _SECTION_TEXTS)
        ],
        removed=[SectionChange(k, s.title) for k, s in before.items() if k not in after],
        intro_changed=not _same(old, new, ("intro_nl", "intro_en")),
        summary_changed=not _same(old, new, ("summary_nl", "summary_en")),
        title_changed=not _same(old, new, ("title_nl", "title_en")),
    )


def previous_published(version: GuidelineVersion) -> GuidelineVersion | None:
    """The published version before this one (for a draft: the current one)."""
    return (
        GuidelineVersion.objects.filter(
            org_id=version.org_id, published_at__isnull=False, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


def changes_for_reader(user: User, org_id: int) -> GuidelineChanges | None:
    """What changed since the version this person last acknowledged, when they must re-read.

    None when they need not read, or never read any version (then everything is new). The
    notes are comms' "what changed" of every published version after theirs, newest first.
    """
    current = needs_acknowledgement(user, org_id)
    if current is None:
        return None
    last = (
        Acknowledgement.objects.filter(
            user=user, version__org_id=org_id, version__published_at__isnull=False
        )
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    if last is None or last.version.number >= current.number:
        return None
    changes = compare_versions(last.version, current)
    between = GuidelineVersion.objects.filter(
        org_id=org_id,
        published_at__isnull=False,
        number__gt=last.version.number,
        number__lte=current.number,
    ).order_by("-number")
    changes.notes = [(v.number, v.change_note) for v in between if v.change_note.strip()]
    return changes


def settings_of(org: Organisation) -> CheckSettings:
    found, _ = CheckSettings.objects.get_or_create(org=org)
    return found


def rules_of(org_id: int) -> dict[str, Rule]:
    return {rule.code: rule for rule in Rule.objects.filter(org_id=org_id)}


def clients_of(org_id: int) -> QuerySet[Client]:
    return Client.objects.filter(org_id=org_id).order_by("name")


def term_count(org_id: int) -> int:
    return ConfidentialTerm.objects.filter(org_id=org_id).count()


def hit_counts(org_id: int, since: datetime | None = None) -> list[tuple[str, int]]:
    """Which rules fired most often when people shared: counts only, never who."""
    qs = RuleHit.objects.filter(org_id=org_id)
    if since is not None:
        qs = qs.filter(day__gte=since.date())
    rows = qs.values("code").annotate(n=Sum("count")).order_by("-n", "code")
    return [(r["code"], r["n"]) for r in rows]


# Term and client indexes are built once per organisation and revision, per process.
_indexes: dict[tuple[int, str], tuple[TermIndex, ClientIndex]] = {}
_lock = threading.Lock()


def indexes_for(org_id: int, revision: str) -> tuple[TermIndex, ClientIndex]:
    from zichtbaar.guideline.checker import ClientEntry, ClientIndex, TermIndex

    key = (org_id, revision)
    with _lock:
        found = _indexes.get(key)
    if found is not None:
        return found
    terms = TermIndex.build(
        ConfidentialTerm.objects.filter(org_id=org_id).values_list("term", flat=True)
    )
    clients = ClientIndex.build(
        ClientEntry(
            name=c.name, aliases=tuple(c.alias_list), may_be_named=c.may_be_named, until=c.until
        )
        for c in Client.objects.filter(org_id=org_id)
    )
    with _lock:
        for old in [k for k in _indexes if k[0] == org_id]:
            del _indexes[old]
        _indexes[key] = (terms, clients)
    return terms, clients


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def check_context(
    org: Organisation,
    *,
    language: str,
    moment: Moment | None = None,
    offered_texts: tuple[str, ...] = (),
    colleague_texts: tuple[str, ...] = (),
    now: datetime | None = None,
) -> CheckContext:
    """Everything the pure checker needs to know about this organisation and moment."""
    from zichtbaar.guideline.checker import CODES, CheckContext, RuleConfig

    now = now or timezone.now()
    check_settings = settings_of(org)
    terms, clients = indexes_for(org.pk, check_settings.revision)
    rules: dict[str, Any] = {}
    stored = rules_of(org.pk)
    for code in CODES:
        rule = stored.get(code)
        if rule is None:
            rules[code] = RuleConfig(
                code=code, section=default_section(code), blocking=code in DEFAULT_BLOCKING
            )
        else:
            rules[code] = RuleConfig(
                code=code,
                enabled=rule.enabled,
                severity=rule.severity,
                section=rule.section or default_section(code),
                blocking=rule.blocking,
            )
    quiet = tuple(
        (timezone.localtime(p.starts_at), timezone.localtime(p.ends_at), p.reason)
        for p in QuietPeriod.objects.filter(org=org, ends_at__gte=now, starts_at__lte=now)
    )
    own_host = urlsplit(settings.SITE_URL).hostname or ""
    return CheckContext(
        language=language,
        rules=rules,
        terms=terms,
        clients=clients,
        today=timezone.localdate(now),
        now=timezone.localtime(now),
        # Local times: the messages name the hour people know ("from 10:00"), not UTC.
        shareable_from=_local(moment.shareable_from) if moment else None,
        shareable_until=_local(moment.shareable_until) if moment else None,
        moment_client_may_be_named=moment.client_may_be_named if moment else None,
        moment_client_name=moment.client_name if moment else "",
        quiet_periods=quiet,
        internal_hosts=_lines(check_settings.internal_hosts),
        allowed_hosts=_lines(check_settings.allowed_hosts),
        own_hosts=(own_host,) if own_host else (),
        max_hashtags=check_settings.max_hashtags,
        template_texts=offered_texts,
        colleague_texts=colleague_texts,
        disclosure_required=check_settings.disclosure_required,
        disclosure_phrases=_lines(check_settings.disclosure_phrases),
        org_name=org.name,
    )
