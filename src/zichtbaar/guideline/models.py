"""The positive guideline, its versions and acknowledgements, and the check's rules and lists."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zichtbaar.orgs.models import Organisation


def _in_language(obj: object, field: str) -> str:
    lang = (get_language() or "nl")[:2]
    value = getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_nl", "")
    return value or getattr(obj, f"{field}_en", "")


class GuidelineVersion(models.Model):
    """One version of an organisation's guideline; published versions are never edited."""

    org = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="guideline_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    intro_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    summary_nl = models.TextField(
        _("'Yes, you may' summary (Dutch)"),
        help_text=_("Five short lines, one per line."),
        blank=True,
    )
    summary_en = models.TextField(_("'Yes, you may' summary (English)"), blank=True)
    # A minor version (a typo, a title, clearer wording) keeps the acknowledgements of the
    # versions before it valid; a major one asks everyone to read it again. See
    # selectors.acknowledgement_baseline, the one place that decides.
    minor = models.BooleanField(_("minor change (no re-read)"), default=False)
    change_note_nl = models.TextField(_("what changed (Dutch)"), blank=True)
    change_note_en = models.TextField(_("what changed (English)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guideline version")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["org", "number"], name="guideline_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.org} v{self.number}"

    @property
    def title(self) -> str:
        return _in_language(self, "title")

    @property
    def intro(self) -> str:
        return _in_language(self, "intro")

    @property
    def change_note(self) -> str:
        return _in_language(self, "change_note")

    @property
    def summary_lines(self) -> list[str]:
        return [
            line.strip(" -*•")
            for line in _in_language(self, "summary").splitlines()
            if line.strip()
        ]


class GuidelineSection(models.Model):
    version = models.ForeignKey(GuidelineVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("key"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    encouraged_nl = models.TextField(_("what is encouraged (Dutch, Markdown)"))
    encouraged_en = models.TextField(_("what is encouraged (English, Markdown)"))
    avoid_nl = models.TextField(_("what to avoid (Dutch, Markdown)"), blank=True)
    avoid_en = models.TextField(_("what to avoid (English, Markdown)"), blank=True)

    class Meta:
        verbose_name = _("guideline section")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="guideline_section_unique_key")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def title(self) -> str:
        return _in_language(self, "title")

    @property
    def encouraged(self) -> str:
        return _in_language(self, "encouraged")

    @property
    def avoid(self) -> str:
        return _in_language(self, "avoid")


class Acknowledgement(models.Model):
    """Who acknowledged which version, and when (kept for every version)."""

    version = models.ForeignKey(
        GuidelineVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="acknowledgement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.version}"


class Severity(models.TextChoices):
    TIP = "tip", _("Tip")
    CHANGE = "change", _("Please change")


class Rule(models.Model):
    """An organisation's setting for one of the check's rules (codes are fixed by the checker)."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="check_rules")
    code = models.CharField(_("rule"), max_length=40)
    enabled = models.BooleanField(_("on"), default=True)
    severity = models.CharField(_("severity"), max_length=6, choices=Severity.choices)
    section = models.SlugField(_("guideline section"), max_length=40, blank=True)
    blocking = models.BooleanField(
        _("blocking"),
        default=False,
        help_text=_(
            "Sharing is not possible while this finding stands (instead of a confirmation)."
        ),
    )

    class Meta:
        verbose_name = _("rule")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="rule_unique_code")]

    def __str__(self) -> str:
        return self.code


class ConfidentialTerm(models.Model):
    """A project code name, unannounced product or other term that must not be posted."""

    org = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="confidential_terms"
    )
    term = models.CharField(_("term"), max_length=200)

    class Meta:
        verbose_name = _("confidential term")
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["org", "term"], name="term_unique")]

    def __str__(self) -> str:
        return self.term


class Client(models.Model):
    """The client register: who may be named in posts, and until when."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(_("name"), max_length=200)
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("Other names, separated by |"))
    may_be_named = models.BooleanField(_("may be named"), default=False)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("client")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="client_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split("|") if a.strip()]


class QuietPeriod(models.Model):
    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="quiet_periods")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("quiet period")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.reason


def new_revision() -> str:
    return uuid.uuid4().hex


class CheckSettings(models.Model):
    """The organisation's settings for the check, besides rules and lists."""

    org = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="check_settings"
    )
    max_hashtags = models.PositiveSmallIntegerField(_("most hashtags in a post"), default=5)
    internal_hosts = models.TextField(
        _("internal hosts"),
        blank=True,
        help_text=_(
            "One per line, e.g. intranet.example.nl or *.internal. Links to them get a finding."
        ),
    )
    allowed_hosts = models.TextField(
        _("allowed hosts"),
        blank=True,
        help_text=_("One per line. When filled in, links to other hosts get a finding."),
    )
    disclosure_required = models.BooleanField(_("people must say they work here"), default=False)
    disclosure_phrases = models.TextField(
        _("phrases that count as saying so"), blank=True, help_text=_("One per line.")
    )
    # A new random value on every change to rules, terms, clients or settings: cached indexes
    # are keyed by it (random, so a restored or rolled-back database can't reuse an old key).
    revision = models.CharField(max_length=32, default=new_revision)

    class Meta:
        verbose_name = _("check settings")

    def __str__(self) -> str:
        return f"check settings of {self.org}"


class RuleHit(models.Model):
    """How often a rule fired when people shared, per day: counts only, never who."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "code", "day"], name="rulehit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.day}: {self.count}"
