"""The demo organisation's guideline, client register, confidential terms and quiet period."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from django.utils import timezone

from zichtbaar.guideline import services
from zichtbaar.guideline.models import CheckSettings, GuidelineVersion, QuietPeriod
from zichtbaar.orgs.models import Organisation

DATA_DIR = Path(__file__).with_name("data") / "guideline"


def load_demo_guideline(org: Organisation) -> GuidelineVersion:
    return services.load_guideline(
        org, yaml.safe_load((DATA_DIR / "guideline.yaml").read_text("utf-8"))
    )


def load_demo_check(org: Organisation) -> None:
    """The demo organisation's guideline, client register, terms and settings (idempotent)."""
    if not GuidelineVersion.objects.filter(org=org).exists():
        load_demo_guideline(org)
    services.import_terms(org, (DATA_DIR / "terms.txt").read_text(encoding="utf-8"), replace=True)
    services.import_clients(org, (DATA_DIR / "clients.csv").read_text(encoding="utf-8"))
    CheckSettings.objects.update_or_create(
        org=org,
        defaults={
            "internal_hosts": "intranet.vandijkpartners.nl\n*.sharepoint.com",
            "max_hashtags": 5,
        },
    )
    if not QuietPeriod.objects.filter(org=org).exists():
        start = timezone.now().replace(month=3, day=1, hour=0, minute=0, second=0, microsecond=0)
        if start < timezone.now():
            start = start.replace(year=start.year + 1)
        QuietPeriod.objects.create(
            org=org,
            starts_at=start,
            ends_at=start + timedelta(days=14),
            reason="Jaarcijfers / annual results",
        )
    services.bump_revision(org)
