"""Listens to the lower apps' signals (they never import integrations) and to runperiodic."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from zichtbaar.integrations import feeds, webhooks
from zichtbaar.integrations.models import EventType
from zichtbaar.moments.signals import moment_published, moment_reviewed
from zichtbaar.nudges.signals import periodic_run
from zichtbaar.orgs import jobs
from zichtbaar.sharing.signals import share_recorded
from zichtbaar.surveys import services as survey_services
from zichtbaar.surveys.signals import survey_closed

logger = logging.getLogger(__name__)


def _never_breaks(func: Callable[..., None]) -> Callable[..., None]:
    """Storing a webhook event must never break the page that published or shared."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            func(*args, **kwargs)
        except Exception:
            logger.exception("could not store a webhook event (%s)", func.__name__)

    return run


@_never_breaks
def on_moment_published(sender: Any, moment: Any, **kwargs: Any) -> None:
    webhooks.emit(moment.org_id, EventType.MOMENT_PUBLISHED, webhooks.moment_data(moment))


@_never_breaks
def on_moment_reviewed(sender: Any, moment: Any, outcome: str, **kwargs: Any) -> None:
    if outcome == "submitted":
        webhooks.emit(moment.org_id, EventType.MOMENT_SUBMITTED, webhooks.moment_data(moment))


@_never_breaks
def on_share_recorded(sender: Any, share: Any, **kwargs: Any) -> None:
    webhooks.emit(share.org_id, EventType.SHARE_RECORDED, webhooks.share_data(share))


@_never_breaks
def on_survey_closed(sender: Any, survey: Any, **kwargs: Any) -> None:
    webhooks.emit(survey.org_id, EventType.SURVEY_CLOSED, webhooks.survey_data(survey))


def on_periodic_run(sender: Any, now: datetime | None = None, **kwargs: Any) -> dict[str, int]:
    """Every few minutes: surveys past their closing date (their `survey.closed` events), due
    webhook deliveries and due feeds, one job per organisation/feed."""
    now = now or timezone.now()
    surveys_closed = survey_services.close_due(now)
    webhooks.reclaim_stale(now)
    webhooks.prune(now)
    orgs = webhooks.orgs_with_due(now)
    for org_id in orgs:
        jobs.enqueue("integrations.deliver_webhooks", org_id)
    due = feeds.due_feeds(now)
    for org_id, feed_id in due:
        jobs.enqueue("integrations.fetch_feed", org_id, feed_id)
    return {"surveys_closed": surveys_closed, "webhook_orgs": len(orgs), "feeds": len(due)}


def connect() -> None:
    moment_published.connect(on_moment_published, dispatch_uid="integrations.published")
    moment_reviewed.connect(on_moment_reviewed, dispatch_uid="integrations.reviewed")
    share_recorded.connect(on_share_recorded, dispatch_uid="integrations.share")
    survey_closed.connect(on_survey_closed, dispatch_uid="integrations.survey")
    periodic_run.connect(on_periodic_run, dispatch_uid="integrations.periodic")
