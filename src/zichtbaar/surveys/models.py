"""Surveys collected in the app: the instrument frozen at creation, anonymous responses.

Anonymity by construction: a Response has no user, no e-mail address, no IP address and only the
date it was started. The resume token lives in the respondent's signed cookie; the database keeps
only its hash. Invitations keep only a hash of their token and a used flag, never a link to the
Response they led to.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zichtbaar.orgs.models import Organisation


def new_token() -> str:
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="surveys")
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    instrument = models.JSONField(_("instrument"), default=dict)
    # Bumped on every change to the instrument while the survey is a draft; frozen once opened.
    version = models.PositiveIntegerField(_("instrument version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token)
    invitation_only = models.BooleanField(_("only with an invitation"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The analysed report per language, kept with the number of responses it was made from.
    report_cache = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("survey")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title_en

    def title(self, lang: str) -> str:
        return (self.title_nl if lang == "nl" else self.title_en) or self.title_en

    @property
    def blocks(self) -> list[dict]:
        return self.instrument.get("blocks", [])

    def is_accepting(self, now=None) -> bool:  # noqa: ANN001
        now = now or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        return self.closes_at is None or now < self.closes_at


class ImportBatch(models.Model):
    """One upload of a form export: what an undo removes. No file name, no uploader: only when."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="import_batches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("import of responses")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} into survey {self.survey_id}"


class Response(models.Model):
    class Source(models.TextChoices):
        LINK = "link", _("the anonymous link")
        IMPORT = "import", _("an imported file")
        UNKNOWN = "unknown", _("not recorded (stored before sources were)")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    created = models.DateField(default=timezone.localdate)  # the day only, on purpose
    completed = models.BooleanField(default=False)
    answers = models.JSONField(default=dict)
    page = models.PositiveSmallIntegerField(default=0)  # the furthest page answered
    resume_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # where the response came from; an imported one also knows its upload (to undo it)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.LINK)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )

    class Meta:
        verbose_name = _("survey response")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(import_batch__isnull=True) | models.Q(source="import"),
                name="surveys_response_batch_only_when_imported",
            )
        ]

    def __str__(self) -> str:
        return f"response {self.pk} to survey {self.survey_id}"


class ItemRole(models.Model):
    """What one of the organisation's own numeric items does in the analysis.

    An analysis choice, not part of the questions: it may change after the survey has opened.
    Without a row an own numeric item is reported on its own.
    """

    class Role(models.TextChoices):
        REPORTED = "reported", _("Reported on its own")
        SCALE = "scale", _("Part of a scale")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="item_roles")
    item_id = models.CharField(_("item"), max_length=40)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.REPORTED)
    # the scale's key: an existing scale (engagement, ...) or one of the organisation's own
    scale = models.CharField(_("scale"), max_length=60, blank=True)
    # the name comms gave their own scale (empty for the item bank's scales)
    scale_label = models.CharField(_("scale name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("role of an own item")
        constraints = [
            models.UniqueConstraint(fields=["survey", "item_id"], name="surveys_itemrole_once"),
            models.CheckConstraint(
                condition=models.Q(role="reported", scale="")
                | (models.Q(role="scale") & ~models.Q(scale="")),
                name="surveys_itemrole_scale_with_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} of survey {self.survey_id}: {self.role} {self.scale}".strip()


class SurveyInvitation(models.Model):
    """A single-use invitation: only the hash of its token, and whether it was used."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("survey invitation")

    def __str__(self) -> str:
        return f"invitation {self.pk} to survey {self.survey_id}"
