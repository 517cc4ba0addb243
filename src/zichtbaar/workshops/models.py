"""A workshop, its participants, and the optional pre/post answers (paired, not named)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zichtbaar.moments.models import Moment, MomentType
from zichtbaar.orgs.models import Barrier, Membership, Organisation, Team

# Letters and digits that can't be mistaken for one another on a projector (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


class Step(models.IntegerChoices):
    WELCOME = 0, _("Welcome")
    POLL = 1, _("What holds you back?")
    SUM = 2, _("The room's sum")
    GUIDELINE = 3, _("Yes, you may")
    FIRST_POST = 4, _("Your first post")
    NEXT_MOMENT = 5, _("My next moment")
    DONE = 6, _("Thank you")


class Workshop(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("date"))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="workshops_given",
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="+", verbose_name=_("teams"))
    invited = models.ManyToManyField(
        Membership, blank=True, related_name="workshop_invitations", verbose_name=_("invited")
    )
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code)
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.WELCOME)
    moment = models.ForeignKey(
        Moment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moment for the first post"),
    )
    with_survey = models.BooleanField(
        _("short survey before and after"),
        default=False,
        help_text=_("Three questions at the start and six weeks later, paired but not named."),
    )
    step_changed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Participant(models.Model):
    """One person in one workshop. Their answers are theirs: the projector shows counts only."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="workshop_places"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    barrier = models.CharField(max_length=12, choices=Barrier.choices, blank=True)
    # None: not answered; the person may say "I don't know" (counted with a typical figure).
    connections = models.PositiveIntegerField(null=True, blank=True)
    connections_unknown = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    writing_at = models.DateTimeField(null=True, blank=True)
    next_type = models.ForeignKey(
        MomentType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("the kind of moment I'd like to share next"),
    )
    followups_off = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("participant")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "membership"], name="participant_once_per_workshop"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership} in {self.workshop}"


class Followup(models.Model):
    """One of the three gentle follow-ups (after 1, 2 and 4 weeks); queued once."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="followups")
    week = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    queued_at = models.DateTimeField(null=True, blank=True)
    skipped = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "week"], name="followup_once_a_week")
        ]

    def __str__(self) -> str:
        return f"follow-up after {self.week} weeks for {self.participant_id}"


class Phase(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")


class SurveyAnswer(models.Model):
    """The short pre/post survey. No person: only a pairing key (a keyed hash of workshop and
    person, recomputed, never stored next to the person), so the two answers of one person can
    be paired and nothing else about who answered is kept."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="answers")
    pair = models.CharField(max_length=64)
    phase = models.CharField(max_length=6, choices=Phase.choices)
    willingness = models.PositiveSmallIntegerField()  # 1-5
    confidence = models.PositiveSmallIntegerField()  # 1-5
    barrier = models.CharField(max_length=12, choices=Barrier.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "pair", "phase"], name="surveyanswer_once_per_phase"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phase} answer in workshop {self.workshop_id}"
