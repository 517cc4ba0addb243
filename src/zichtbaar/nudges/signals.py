"""Signals of the nudges app, for apps above it."""

from django.dispatch import Signal

# Sent by `run_periodic` (cron, every few minutes) with `now`; a receiver returns a dict of
# counts for the command's output. Lets higher apps (workshops) queue their own nudges without
# nudges importing them.
periodic_run = Signal()
