"""System checks for the LinkedIn settings (`zichtbaar check`, and every `migrate`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core import checks

from zichtbaar.sharing import linkedin

WARN_BEFORE = timedelta(days=30)


@checks.register(checks.Tags.compatibility)
def linkedin_version(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not linkedin.configured():
        return []
    version = settings.ZICHTBAAR_LINKEDIN_VERSION
    try:
        sunset = date.fromisoformat(settings.ZICHTBAAR_LINKEDIN_VERSION_SUNSET)
    except ValueError:
        return [
            checks.Warning(
                "ZICHTBAAR_LINKEDIN_VERSION_SUNSET is not a date (YYYY-MM-DD).",
                id="zichtbaar.W301",
            )
        ]
    today = date.today()
    if sunset <= today:
        return [
            checks.Warning(
                f"LinkedIn API version {version} was retired on {sunset}: posting fails with "
                "426 NONEXISTENT_VERSION.",
                hint="Set ZICHTBAAR_LINKEDIN_VERSION to a current version and "
                "ZICHTBAAR_LINKEDIN_VERSION_SUNSET to its sunset date (docs/linkedin.md).",
                id="zichtbaar.W302",
            )
        ]
    if sunset - today <= WARN_BEFORE:
        return [
            checks.Warning(
                f"LinkedIn API version {version} retires on {sunset}.",
                hint="Move ZICHTBAAR_LINKEDIN_VERSION to a newer version before then "
                "(docs/linkedin.md).",
                id="zichtbaar.W303",
            )
        ]
    return []
