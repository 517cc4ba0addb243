"""Writes for moments: types, creation, the review workflow and publication."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from zichtbaar.moments.models import Moment, MomentStatus, MomentType
from zichtbaar.moments.signals import moment_link_changed, moment_published, moment_reviewed

if TYPE_CHECKING:
    from zichtbaar.orgs.models import Organisation, Team, User

TYPES_FILE = Path(__file__).with_name("types.yaml")


class TransitionError(Exception):
    """A moment cannot move from its current status to the one asked for."""


def sync_builtin_types(type_model: Any = MomentType) -> int:
    """Create or update the built-in moment types from types.yaml; returns how many exist."""
    entries = yaml.safe_load(TYPES_FILE.read_text(encoding="utf-8"))
    for position, entry in enumerate(entries):
        type_model.objects.update_or_create(
            org=None,
            key=entry["key"],
            defaults={
                "name_nl": entry["name"]["nl"],
                "name_en": entry["name"]["en"],
                "description_nl": entry["description"]["nl"],
                "description_en": entry["description"]["en"],
                "icon": entry["icon"],
                "angles": [],  # built-in types use the draft files' angles
                "position": position,
            },
        )
    return len(entries)


def create_moment_type(org: Organisation, data: dict[str, Any]) -> MomentType:
    """An organisation's own moment type; its key is made from the English name, unique per org."""
    base = slugify(data["name_en"]).replace("-", "_")[:30] or "type"
    taken = set(MomentType.objects.filter(Q(org=org) | Q(org=None)).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    kind = MomentType(org=org, key=key, position=200, **data)
    kind.full_clean()
    kind.save()
    return kind


def _set_audience(moment: Moment, teams: list[Team] | None) -> None:
    moment.audience_teams.set(teams or [])


def _set_involved(moment: Moment, teams: list[Team] | None, people: list[User] | None) -> None:
    """Who was involved: their drafts speak as insiders, everyone else's as colleagues."""
    if teams is not None:
        moment.involved_teams.set([t for t in teams if t.org_id == moment.org_id])
    if people is not None:
        moment.involved_people.set(people)


@transaction.atomic
def create_moment(
    *,
    org: Organisation,
    author: User,
    data: dict[str, Any],
    teams: list[Team] | None = None,
    submit: bool = False,
    involved_teams: list[Team] | None = None,
    involved_people: list[User] | None = None,
) -> Moment:
    """A new moment: a comms draft, or (submit=True) an employee's proposal for review.

    Its texts are in the organisation's default language unless ``data`` names another."""
    data = {"language": org.default_language, **data}
    moment = Moment(org=org, created_by=author, **data)
    if submit:
        moment.status = MomentStatus.SUBMITTED
        moment.submitted_by = author
    moment.full_clean()
    moment.save()
    _set_audience(moment, teams)
    _set_involved(moment, involved_teams, involved_people)
    if submit:
        _reviewed(moment, "submitted")
    return moment


def _reviewed(moment: Moment, outcome: str) -> None:
    transaction.on_commit(lambda: moment_reviewed.send(Moment, moment=moment, outcome=outcome))


@transaction.atomic
def update_moment(
    moment: Moment,
    data: dict[str, Any],
    teams: list[Team] | None = None,
    *,
    involved_teams: list[Team] | None = None,
    involved_people: list[User] | None = None,
) -> Moment:
    old_link = moment.link
    for field, value in data.items():
        setattr(moment, field, value)
    moment.full_clean()
    moment.save()
    _set_audience(moment, teams)
    _set_involved(moment, involved_teams, involved_people)
    if moment.link != old_link:
        # Links already in posts follow the corrected address (sharing listens).
        transaction.on_commit(lambda: moment_link_changed.send(Moment, moment=moment))
    return moment


def _transition(moment: Moment, allowed_from: set[str], to: str, **extra: Any) -> Moment:
    # A conditional UPDATE so two people clicking at once can't both move the moment.
    updated = Moment.objects.filter(pk=moment.pk, status__in=allowed_from).update(
        status=to, updated_at=timezone.now(), **extra
    )
    if not updated:
        raise TransitionError(f"{moment.status} -> {to}")
    moment.refresh_from_db()
    if to == MomentStatus.PUBLISHED:
        transaction.on_commit(lambda: moment_published.send(Moment, moment=moment))
    return moment


def publish(moment: Moment) -> Moment:
    """Publish a draft, an approved submission or an archived moment."""
    extra: dict[str, Any] = {"review_comment": ""}
    if moment.published_at is None:
        extra["published_at"] = timezone.now()
    return _transition(
        moment,
        {MomentStatus.DRAFT, MomentStatus.SUBMITTED, MomentStatus.ARCHIVED},
        MomentStatus.PUBLISHED,
        **extra,
    )


def approve(moment: Moment) -> Moment:
    """Publish a submission; only while it is still submitted (not returned meanwhile)."""
    moment = _transition(
        moment,
        {MomentStatus.SUBMITTED},
        MomentStatus.PUBLISHED,
        review_comment="",
        published_at=moment.published_at or timezone.now(),
    )
    _reviewed(moment, "approved")
    return moment


def return_to_submitter(moment: Moment, comment: str) -> Moment:
    """Send a submitted moment back with a comment; the submitter can edit and resubmit."""
    moment = _transition(
        moment, {MomentStatus.SUBMITTED}, MomentStatus.DRAFT, review_comment=comment
    )
    _reviewed(moment, "returned")
    return moment


def resubmit(moment: Moment) -> Moment:
    moment = _transition(moment, {MomentStatus.DRAFT}, MomentStatus.SUBMITTED)
    _reviewed(moment, "submitted")
    return moment


def archive(moment: Moment) -> Moment:
    return _transition(
        moment,
        {MomentStatus.DRAFT, MomentStatus.PUBLISHED, MomentStatus.SUBMITTED},
        MomentStatus.ARCHIVED,
    )
