"""API tokens: a random secret shown once, stored only as its SHA-256 digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zichtbaar.orgs.models import Membership, Organisation


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")
    COMMS = "comms", _("Communications")


class TokenKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    ORGANISATION = "organisation", _("Organisation")


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Personal tokens act as one membership (and stop working
    when it is deactivated or removed); organisation tokens act for the organisation, no
    person. The secret itself is never stored: `digest` is its SHA-256, `prefix` its first
    characters, for people to recognise it by."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    kind = models.CharField(max_length=12, choices=TokenKind.choices)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="personal", membership__isnull=False)
                    | models.Q(kind="organisation", membership__isnull=True)
                ),
                name="apitoken_kind_matches_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_personal(self) -> bool:
        return self.kind == TokenKind.PERSONAL

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class ScimToken(models.Model):
    """A bearer token for SCIM provisioning (/scim/v2/), one organisation's identity provider
    (Entra ID, Okta) creating, updating and deactivating its people and teams. Stored as the
    SHA-256 of the secret, like ApiToken; the secret is shown once."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="scim_tokens")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SCIM token")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScimUser(models.Model):
    """What an identity provider calls a membership: its userName and externalId, and whether
    it deleted the person (DELETE deactivates the membership and keeps the data until erasure;
    the resource is gone for SCIM, as RFC 7644 section 3.6 asks)."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="scim")
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=254, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SCIM user")

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(models.Model):
    """The identity provider's externalId of a team it provisions."""

    team = models.OneToOneField("orgs.Team", on_delete=models.CASCADE, related_name="scim")
    external_id = models.CharField(max_length=254, blank=True)

    class Meta:
        verbose_name = _("SCIM group")

    def __str__(self) -> str:
        return self.external_id
