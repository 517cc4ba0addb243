"""What cron runs every few minutes (`zichtbaar runperiodic`), for every organisation."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.utils import timezone

from zichtbaar.impact.services import request_rollup
from zichtbaar.nudges.chat import queue_announcements
from zichtbaar.nudges.delivery import orgs_with_due_messages, reclaim_stale
from zichtbaar.nudges.digests import queue_digests
from zichtbaar.nudges.linkedin import queue_linkedin_reminders
from zichtbaar.nudges.prompts import queue_moment_nudges, queue_welcomes
from zichtbaar.nudges.queueing import start_delivery
from zichtbaar.nudges.signals import periodic_run
from zichtbaar.orgs.models import Organisation


def run_periodic(now: datetime | None = None) -> dict[str, int]:
    """Everything cron runs every few minutes (`zichtbaar runperiodic`)."""
    now = now or timezone.now()
    done = {"reclaimed": reclaim_stale(now), "digests": 0, "moments": 0, "welcomes": 0, "chat": 0}
    # The click rollup also writes the dashboard's summaries: asked for here too, so a new day's
    # are written soon after midnight, not by the first dashboard view (at most every 5 min).
    request_rollup()
    for org in Organisation.objects.all():
        done["digests"] += queue_digests(org, now=now)
        done["moments"] += queue_moment_nudges(org, now=now)
        done["welcomes"] += queue_welcomes(org, now=now)
        done["chat"] += queue_announcements(org, now=now)
        done["linkedin_reminders"] = done.get("linkedin_reminders", 0) + queue_linkedin_reminders(
            org, now=now
        )
    for _receiver, counts in periodic_run.send(sender=run_periodic, now=now):
        # django-stubs types a receiver's answer as str; ours answer {name: count}.
        for name, n in cast(dict[str, int], counts or {}).items():
            done[name] = done.get(name, 0) + n
    due = orgs_with_due_messages(now)
    for org_id in due:
        start_delivery(org_id)
    done["deliveries"] = len(due)
    return done
