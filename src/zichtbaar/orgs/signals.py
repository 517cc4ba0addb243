"""Signals orgs sends, so that higher apps can react without orgs importing them."""

from __future__ import annotations

from django.dispatch import Signal

# A person changed their tracking consent; sent after the change is committed, with
# `user_id` and `consent` (the new value). Sharing drops the cached links it keeps for them.
consent_changed = Signal()

# Someone opened an invitation link (GET or POST), with `request` and `invitation`. A receiver
# may answer instead of the password form by returning a response: single sign-on (a higher
# layer) does so for an organisation that requires it.
invitation_opened = Signal()
