"""Signals sharing sends, so that higher apps can react without sharing importing them."""

from __future__ import annotations

from django.dispatch import Signal

# A share was recorded; sent after the commit, with `share`. Integrations send the
# `share.recorded` webhook (without the person).
share_recorded = Signal()
