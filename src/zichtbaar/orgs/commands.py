"""Helpers for management commands that act on one organisation."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zichtbaar.orgs.models import Organisation


def organisation(slug: str) -> Organisation:
    """The organisation with this slug, or a CommandError that says so."""
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(_("There is no organisation “%(slug)s”.") % {"slug": slug})
    return org
