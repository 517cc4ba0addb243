from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zichtbaar.sharing.services import rotate_linkedin_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored LinkedIn token with the first key of "
        "ZICHTBAAR_LINKEDIN_TOKEN_KEYS; afterwards the older keys can be removed. A token no "
        "configured key opens is wiped (its owner reconnects)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rotated, unreadable = rotate_linkedin_keys()
        self.stdout.write(f"rotated={rotated} unreadable={unreadable}")
