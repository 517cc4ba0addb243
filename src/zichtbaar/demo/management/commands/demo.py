"""`zichtbaar demo`: create or refresh the demo organisation (safe to run again)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from zichtbaar.demo.builder import LOGINS, NAME, PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Create or refresh the demo organisation 'Van Dijk & Partners' (slug demo): about 120 "
        "people, 30 moments, six months of shares and clicks. Running it again rebuilds the "
        "generated data; other organisations are never touched."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        summary = load_demo(log=self.stdout.write)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{NAME} is ready in {elapsed:.1f} s: {summary.people} people in {summary.teams} "
                f"teams, {summary.moments} moments ({summary.moment_types} types), {summary.shares} "
                f"shares by {summary.sharers} people, {summary.clicks} clicks "
                f"({summary.bot_clicks} by bots)."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Open {settings.SITE_URL} and sign in with password {PASSWORD!r}:")
        for login in LOGINS:
            self.stdout.write(f"  {login.email:<28} {login.shows}")
