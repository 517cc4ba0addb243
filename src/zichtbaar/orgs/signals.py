"""Signals orgs sends, so that higher apps can react without orgs importing them."""

from __future__ import annotations

from django.dispatch import Signal

# A person changed their tracking consent; sent after the change is committed, with
# `user_id` and `consent` (the new value). Sharing drops the cached links it keeps for them.
consent_changed = Signal()
