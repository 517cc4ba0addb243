"""Moments: concrete occasions to post about, with their facts, audience and embargo."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zichtbaar.orgs.models import Language, Organisation, Team


class MomentType(models.Model):
    """A kind of moment. Built-in types have no organisation; comms can add their own."""

    org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="moment_types"
    )
    key = models.SlugField(_("key"), max_length=40)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    icon = models.CharField(_("icon"), max_length=20, default="dot")
    angles = models.JSONField(_("default angles"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("moment type")
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["org", "key"], name="momenttype_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_nl if (get_language() or "nl").startswith("nl") else self.name_en

    @property
    def description(self) -> str:
        lang = get_language() or "nl"
        return self.description_nl if lang.startswith("nl") else self.description_en


class MomentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class MomentQuerySet(models.QuerySet["Moment"]):
    def for_org(self, org: Organisation) -> MomentQuerySet:
        return self.filter(org=org)

    def shareable_now(self) -> MomentQuerySet:
        now = timezone.now()
        return self.filter(status=MomentStatus.PUBLISHED).filter(
            Q(shareable_from__isnull=True) | Q(shareable_from__lte=now),
            Q(shareable_until__isnull=True) | Q(shareable_until__gte=now),
        )

    def visible_to(self, team_id: int | None) -> MomentQuerySet:
        """Moments whose audience includes a person of this team."""
        if team_id is None:
            return self.filter(audience_everyone=True)
        return self.filter(Q(audience_everyone=True) | Q(audience_teams__id=team_id)).distinct()


# The texts a moment has per language: the main fields are in ``Moment.language``; the other
# language's texts (optional) are in ``Moment.translations``.
TEXT_FIELDS = ("title", "what_happened", "facts_who", "facts_what", "facts_where")
MAX_TAGS = 5
MAX_TAG_LENGTH = 40


@dataclass(frozen=True)
class MomentText:
    """A moment's texts in one language, and which language that is."""

    language: str
    title: str
    what_happened: str
    facts_who: str = ""
    facts_what: str = ""
    facts_where: str = ""


class Moment(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="moments")
    type = models.ForeignKey(MomentType, on_delete=models.PROTECT, verbose_name=_("type"))
    title = models.CharField(_("title"), max_length=160)
    what_happened = models.TextField(_("what happened"))
    facts_who = models.CharField(_("who"), max_length=300, blank=True)
    facts_what = models.CharField(_("what"), max_length=300, blank=True)
    facts_where = models.CharField(_("where"), max_length=200, blank=True)
    language = models.CharField(
        _("language of the texts"), max_length=2, choices=Language.choices, default=Language.NL
    )
    # {"en": {"title": ..., "what_happened": ..., "facts_who": ...}}: the other language, optional.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    involved_teams = models.ManyToManyField(
        Team, blank=True, verbose_name=_("teams involved"), related_name="involved_in"
    )
    involved_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, verbose_name=_("people involved"), related_name="+"
    )
    tags = models.JSONField(_("hashtags"), default=list, blank=True)
    # What a colleague who suggested the moment tells comms; never part of any post or draft.
    note_to_comms = models.TextField(_("note to communications"), blank=True)
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    link = models.URLField(_("link"), max_length=500, blank=True)
    image = models.ImageField(_("image"), upload_to="moments/%Y/%m/", blank=True)
    audience_everyone = models.BooleanField(_("everyone in the organisation"), default=True)
    audience_teams = models.ManyToManyField(
        Team, blank=True, verbose_name=_("teams"), related_name="moments"
    )
    shareable_from = models.DateTimeField(_("shareable from"), null=True, blank=True)
    shareable_until = models.DateTimeField(_("shareable until"), null=True, blank=True)
    client_name = models.CharField(_("client"), max_length=160, blank=True)
    client_may_be_named = models.BooleanField(_("the client may be named"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MomentStatus.choices, default=MomentStatus.DRAFT
    )
    review_comment = models.TextField(_("comment for the submitter"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MomentQuerySet.as_manager()

    class Meta:
        verbose_name = _("moment")
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["org", "status", "-happened_on"])]

    def __str__(self) -> str:
        return self.title

    def _translation(self, language: str | None) -> dict[str, object] | None:
        # Read defensively: the field is JSON (the admin can write any shape into it).
        stored = self.translations if isinstance(self.translations, dict) else {}
        other = stored.get(language or "")
        return other if isinstance(other, dict) else None

    def text(self, language: str | None) -> MomentText:
        """The texts in this language when the moment has them, else in the moment's own
        language (never a mix: all fields come from one language)."""
        other = self._translation(language) if language != self.language else None
        if other and other.get("title") and other.get("what_happened"):
            return MomentText(
                language=str(language), **{f: str(other.get(f) or "") for f in TEXT_FIELDS}
            )
        return MomentText(self.language, *(getattr(self, f) for f in TEXT_FIELDS))

    @property
    def local(self) -> MomentText:
        """The texts for the language of the page or e-mail being made (the person's)."""
        return self.text((get_language() or "nl")[:2])

    @property
    def languages(self) -> list[str]:
        """The languages the moment is written in, its own first."""
        stored = self.translations if isinstance(self.translations, dict) else {}
        return [self.language] + [
            code
            for code in stored
            if code != self.language
            and (texts := self._translation(code))
            and texts.get("title")
            and texts.get("what_happened")
        ]

    def hashtags(self) -> list[str]:
        tags = self.tags if isinstance(self.tags, list) else []
        return [str(tag) for tag in tags][:MAX_TAGS]

    @property
    def is_embargoed(self) -> bool:
        return self.shareable_from is not None and self.shareable_from > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.shareable_until is not None and self.shareable_until < timezone.now()
