"""Tenants and people: organisations, teams, memberships, profiles and invitations."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    COMMS = "comms", _("Communications")
    ADMIN = "admin", _("Administrator")
    # Runs workshops (workshops/); granted by comms, in each organisation the trainer serves.
    TRAINER = "trainer", _("Trainer")


class Barrier(models.TextChoices):
    RELEVANCE = "relevance", _("I don't know what is relevant to share")
    PERMISSION = "permission", _("I'm not sure it is allowed or appreciated")
    VALUE = "value", _("I don't think my post makes a difference")
    NONE = "none", _("Nothing really holds me back")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person; signs in with an e-mail address (no user names)."""

    username = None  # type: ignore[assignment]  # no user names: AbstractUser declares a field
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    # Our manager (users by e-mail); the stubs type AbstractUser.objects as its own manager.
    objects = UserManager()  # type: ignore[misc,assignment]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def first_name_or_email(self) -> str:
        return (self.name.split() or [self.email.split("@")[0]])[0]


class Organisation(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    default_language = models.CharField(
        _("default language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    formal_tone = models.BooleanField(
        _("formal tone"), default=False, help_text=_("Address people with 'u' in Dutch drafts.")
    )
    linkedin_followers = models.PositiveIntegerField(
        _("LinkedIn company page followers"), default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("team")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EMPLOYEE)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "org"], name="membership_unique_user_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org} ({self.role})"

    @property
    def is_comms(self) -> bool:
        return self.role in (Role.COMMS, Role.ADMIN)

    @property
    def runs_workshops(self) -> bool:
        return self.role in (Role.TRAINER, Role.COMMS, Role.ADMIN)


class VoiceLength(models.TextChoices):
    SHORT = "short", _("Short and to the point")
    LONG = "long", _("Longer, with the story")


class VoiceAddress(models.TextChoices):
    INFORMAL = "je", _("Informal (je, you)")
    FORMAL = "u", _("Formal (u)")


class Profile(models.Model):
    """What a person tells us about themselves; the same in every organisation they belong to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    expertise = models.JSONField(_("expertise tags"), default=list, blank=True)
    connections = models.PositiveIntegerField(_("LinkedIn connections"), default=0)
    followers = models.PositiveIntegerField(_("LinkedIn followers"), default=0)
    barrier = models.CharField(
        _("what holds you back most"), max_length=12, choices=Barrier.choices, blank=True
    )
    consent_tracking = models.BooleanField(_("count clicks on my links"), default=False)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    # The person's own voice for their drafts (see compose.voice). Explicit choices win over
    # what is read from their own posts; the posts are private and never shown to anyone else.
    voice_length = models.CharField(
        _("length of my posts"), max_length=5, choices=VoiceLength.choices, blank=True
    )
    voice_formal = models.CharField(
        _("how I address readers"), max_length=3, choices=VoiceAddress.choices, blank=True
    )
    voice_emoji = models.BooleanField(_("an emoji now and then"), default=False)
    voice_question = models.BooleanField(_("end with a question to my readers"), default=False)
    voice_sign_off = models.CharField(_("my sign-off"), max_length=80, blank=True)
    own_posts = models.JSONField(_("my own LinkedIn posts"), default=list, blank=True)

    class Meta:
        verbose_name = _("profile")

    def __str__(self) -> str:
        return f"profile of {self.user}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EMPLOYEE)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return self.email


class ImportJob(models.Model):
    """A people import started in the web interface; runs in the background with a status.

    A worker claims the job with a conditional UPDATE and holds a lease it renews with every
    batch it commits; a job whose lease ran out belonged to a worker that died and is taken up
    again where it stopped (``done`` rows are committed), or failed after MAX_ATTEMPTS. The
    uploaded file is wiped as soon as the job ends, either way (orgs/tasks.py).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        # The file is valid but would create teams the organisation does not have yet: nothing
        # is written until comms confirm them (or cancel); see `new_teams`.
        CONFIRM = "confirm", _("Waiting for your confirmation")
        DONE = "done", _("Done")
        # Not "nothing was imported": a job that fails part-way keeps the batches it committed.
        FAILED = "failed", _("Stopped")
        CANCELLED = "cancelled", _("Cancelled")

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.NL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Teams the file names that do not exist yet: [{"name", "rows" (the first few), "count",
    # "suggestion" (a close existing name, or "")}], shown for one confirmation.
    new_teams = models.JSONField(default=list, blank=True)
    # The new team names comms confirmed; the import creates no other team.
    confirmed_teams = models.JSONField(default=list, blank=True)
    asked_at = models.DateTimeField(null=True, blank=True)  # when it started waiting for them
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=32, blank=True)  # the running worker's token
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("people import")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def is_working(self) -> bool:
        """Queued or running: the status page keeps polling (not while it waits for a person)."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
