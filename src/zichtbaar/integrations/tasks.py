"""Background work for integrations, registered with orgs.jobs (asked for by name)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from zichtbaar.integrations import feeds, webhooks
from zichtbaar.orgs import jobs


@jobs.register("integrations.deliver_webhooks")
@task()
def deliver_webhooks(org_id: int) -> dict[str, int]:
    """Send the organisation's due webhook deliveries; safe to run several at once."""
    if jobs.load_org(org_id, "deliver_webhooks") is None:
        return {}
    return webhooks.deliver(org_id)


@jobs.register("integrations.fetch_feed")
@task()
def fetch_feed(org_id: int, feed_id: int) -> dict[str, int]:
    """Fetch one feed if it is due (a conditional UPDATE claims it: one worker fetches)."""
    if jobs.load_org(org_id, "fetch_feed") is None:
        return {}
    feed = feeds.claim(feed_id, timezone.now())
    if feed is None or feed.org_id != org_id:
        return {"created": 0}
    outcome = feeds.fetch(feed)
    return {"created": outcome.created, "failed": int(bool(outcome.error))}
