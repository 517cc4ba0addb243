"""Signals surveys sends, so that higher apps can react without surveys importing them."""

from __future__ import annotations

from django.dispatch import Signal

# A survey was closed by comms; sent after the commit, with `survey`. Integrations send the
# `survey.closed` webhook.
survey_closed = Signal()
