"""`zichtbaar sso_rotate_secrets`: re-encrypt every stored OpenID client secret with the key of
the current SECRET_KEY (after moving the old one to SECRET_KEY_FALLBACKS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zichtbaar.sso import services


class Command(BaseCommand):
    help = "Re-encrypt the single sign-on client secrets with the current SECRET_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.rotate_secrets()
        self.stdout.write(f"{count} client secret(s) re-encrypted.")
