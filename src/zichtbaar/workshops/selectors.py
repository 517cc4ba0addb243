"""Reads of a workshop: the room (counts only, for the projector) and the effect report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from zichtbaar.impact import reach
from zichtbaar.impact import selectors as impact_selectors
from zichtbaar.orgs import anonymity
from zichtbaar.orgs.models import Barrier, Membership
from zichtbaar.sharing.models import Share
from zichtbaar.workshops import effect as stats
from zichtbaar.workshops.models import Participant, Phase, SurveyAnswer, Workshop

# The poll's answers, in the order the projector shows them.
POLL_CHOICES = (Barrier.RELEVANCE, Barrier.PERMISSION, Barrier.VALUE, Barrier.NONE)


def workshops_of(org_id: int) -> QuerySet[Workshop]:
    return Workshop.objects.filter(org_id=org_id).annotate(people=Count("participants"))


def workshop_of(org_id: int, workshop_id: int) -> Workshop | None:
    return Workshop.objects.filter(org_id=org_id, pk=workshop_id).first()


def _clean(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:12]


def open_workshop_by_code(code: str) -> Workshop | None:
    """For joining: only a workshop that is still open."""
    return (
        Workshop.objects.filter(code=_clean(code), closed_at__isnull=True)
        .select_related("org")
        .first()
    )


def workshop_by_code(code: str) -> Workshop | None:
    """For a participant's own page, also after the workshop (follow-ups, the after-survey)."""
    return Workshop.objects.filter(code=_clean(code)).select_related("org").first()


def participant_of(workshop: Workshop, membership: Membership) -> Participant | None:
    return Participant.objects.filter(workshop=workshop, membership=membership).first()


@dataclass
class Poll:
    answered: int
    counts: list[tuple[str, str, int]]  # (value, label, count), in POLL_CHOICES order
    shown: bool  # only once `anonymity.threshold()` people answered

    @property
    def largest(self) -> int:
        return max((n for _v, _l, n in self.counts), default=0)


@dataclass
class Room:
    """What the projector shows: counts, never names or texts."""

    joined: int
    poll: Poll
    sum: reach.Reach | None
    connections_given: int
    connections_unknown: int
    acknowledged: int
    writing: int
    shared: int
    next_picked: int
    threshold: int
    version: str = field(default="")  # changes whenever any figure changes

    def as_json(self) -> dict[str, object]:
        return {
            "joined": self.joined,
            "poll_answered": self.poll.answered,
            "poll": {v: n for v, _l, n in self.poll.counts} if self.poll.shown else None,
            "connections": self.sum.connections if self.sum else 0,
            "acknowledged": self.acknowledged,
            "writing": self.writing,
            "shared": self.shared,
            "next_picked": self.next_picked,
            "version": self.version,
        }


def _poll(barriers: list[str], threshold: int) -> Poll:
    counted = Counter(barriers)
    labels = dict(Barrier.choices)
    return Poll(
        answered=len(barriers),
        counts=[(str(v), str(labels[v]), counted.get(v, 0)) for v in POLL_CHOICES],
        shown=len(barriers) >= threshold,
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def room(workshop: Workshop) -> Room:
    """The room in three queries: the participants' answers, the shares, the assumptions."""
    rows = list(
        Participant.objects.filter(workshop=workshop).values(
            "membership__user_id",
            "barrier",
            "connections",
            "connections_unknown",
            "acknowledged_at",
            "writing_at",
            "next_type_id",
        )
    )
    threshold = anonymity.threshold()
    networks = [(r["connections"], 0) for r in rows if r["connections"] is not None]
    assumptions = impact_selectors.reach_settings_for(workshop.org).assumptions()
    the_sum = (
        reach.for_networks(networks, workshop.org.linkedin_followers, assumptions)
        if networks
        else None
    )
    shared = 0
    if workshop.moment_id:
        users = [r["membership__user_id"] for r in rows]
        shared = (
            Share.objects.filter(
                moment_id=workshop.moment_id,
                user_id__in=users,
                shared_at__gte=_start_of(workshop.held_on),
            )
            .values("user_id")
            .distinct()
            .count()
        )
    result = Room(
        joined=len(rows),
        poll=_poll([r["barrier"] for r in rows if r["barrier"]], threshold),
        sum=the_sum,
        connections_given=len(networks),
        connections_unknown=sum(1 for r in rows if r["connections_unknown"]),
        acknowledged=sum(1 for r in rows if r["acknowledged_at"]),
        writing=sum(1 for r in rows if r["writing_at"]),
        shared=shared,
        next_picked=sum(1 for r in rows if r["next_type_id"]),
        threshold=threshold,
    )
    result.version = "-".join(
        str(x)
        for x in (
            workshop.step,
            workshop.moment_id,
            result.joined,
            result.poll.answered,
            *(n for _v, _l, n in result.poll.counts),
            result.sum.connections if result.sum else 0,
            result.connections_unknown,
            result.acknowledged,
            result.writing,
            result.shared,
            result.next_picked,
        )
    )
    return result


# The effect report ---------------------------------------------------------------------------


@dataclass
class Report:
    workshop: Workshop
    ready: bool  # six weeks have passed
    days_to_go: int
    effect: stats.Effect | None
    too_few: bool  # fewer participants than the anonymity threshold
    comparison_too_few: bool
    weekly: list[tuple[int, float, float | None]]  # (week relative to the workshop, P, C)
    willingness: stats.PairedTest | None = None
    confidence: stats.PairedTest | None = None
    barrier_named: stats.PairedTest | None = None
    survey_pairs: int = 0


def _weekly_counts(user_ids: list[int], org_id: int, start: datetime, weeks: int) -> dict:
    """Shares per (user, week index) from `start`, `weeks` weeks long."""
    end = start + timedelta(weeks=weeks)
    counts: dict[tuple[int, int], int] = Counter()
    for user_id, at in Share.objects.filter(
        org_id=org_id, user_id__in=user_ids, shared_at__gte=start, shared_at__lt=end
    ).values_list("user_id", "shared_at"):
        counts[(user_id, (at - start) // timedelta(weeks=1))] += 1
    return counts


def comparison_group(workshop: Workshop, participant_user_ids: list[int]) -> list[int]:
    """Colleagues of the same teams (the workshop's teams, else the participants' teams) who
    did not take part."""
    team_ids = list(workshop.teams.values_list("id", flat=True))
    if not team_ids:
        team_ids = list(
            Membership.objects.filter(
                org_id=workshop.org_id, user_id__in=participant_user_ids, team__isnull=False
            )
            .values_list("team_id", flat=True)
            .distinct()
        )
    return list(
        Membership.objects.filter(org_id=workshop.org_id, is_active=True, team_id__in=team_ids)
        .exclude(user_id__in=participant_user_ids)
        .values_list("user_id", flat=True)
    )


def report(workshop: Workshop, today: date | None = None) -> Report:
    today = today or timezone.localdate()
    held = _start_of(workshop.held_on)
    after_end = workshop.held_on + timedelta(weeks=stats.AFTER_WEEKS)
    days_to_go = max(0, (after_end - today).days)
    participants = list(
        Participant.objects.filter(workshop=workshop).values_list("membership__user_id", flat=True)
    )
    threshold = anonymity.threshold()
    comparison = comparison_group(workshop, participants)
    result = Report(
        workshop=workshop,
        ready=days_to_go == 0,
        days_to_go=days_to_go,
        effect=None,
        too_few=len(participants) < threshold,
        comparison_too_few=len(comparison) < threshold,
        weekly=[],
    )
    if result.too_few:
        return result
    start = held - timedelta(weeks=stats.BEFORE_WEEKS)
    weeks = stats.BEFORE_WEEKS + stats.AFTER_WEEKS
    counts = _weekly_counts(participants + comparison, workshop.org_id, start, weeks)

    def group(users: list[int]) -> stats.Group:
        before = tuple(sum(counts.get((u, w), 0) for w in range(stats.BEFORE_WEEKS)) for u in users)
        after = tuple(
            sum(counts.get((u, w), 0) for w in range(stats.BEFORE_WEEKS, weeks)) for u in users
        )
        return stats.Group(before=before, after=after)

    if result.ready:
        result.effect = stats.difference_in_differences(
            group(participants), None if result.comparison_too_few else group(comparison)
        )
    for w in range(weeks):
        p = sum(counts.get((u, w), 0) for u in participants) / len(participants)
        c = (
            sum(counts.get((u, w), 0) for u in comparison) / len(comparison)
            if not result.comparison_too_few
            else None
        )
        result.weekly.append((w - stats.BEFORE_WEEKS, p, c))
    _survey(workshop, result, threshold)
    return result


def _survey(workshop: Workshop, result: Report, threshold: int) -> None:
    if not workshop.with_survey:
        return
    answers: dict[str, dict[str, SurveyAnswer]] = {}
    for a in SurveyAnswer.objects.filter(workshop=workshop):
        answers.setdefault(a.pair, {})[a.phase] = a
    pairs = [(p[Phase.BEFORE], p[Phase.AFTER]) for p in answers.values() if len(p) == 2]
    result.survey_pairs = len(pairs)
    if len(pairs) < threshold:
        return
    result.willingness = stats.wilcoxon(
        [b.willingness for b, _a in pairs], [a.willingness for _b, a in pairs]
    )
    result.confidence = stats.wilcoxon(
        [b.confidence for b, _a in pairs], [a.confidence for _b, a in pairs]
    )
    result.barrier_named = stats.mcnemar(
        [b.barrier != Barrier.NONE for b, _a in pairs],
        [a.barrier != Barrier.NONE for _b, a in pairs],
    )
