"""Background work for nudges, through Django's Tasks API (database or RQ backend).

Registered with `orgs.jobs` when the app is ready; the nudges modules ask for them by name.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from zichtbaar.nudges import delivery, digests
from zichtbaar.orgs import jobs
from zichtbaar.orgs.models import Organisation

# The queue nudges go to: `default` unless the operator sets NUDGES_TASK_QUEUE.
QUEUE_SETTING = "NUDGES_TASK_QUEUE"


# Delivery before queueing: a worker that finishes a chunk of digests sends what is ready
# before it renders the next chunk, so sending keeps pace with queueing (RQ has no priorities;
# there the jobs run in order).
@jobs.register("nudges.deliver_outbox", queue_setting=QUEUE_SETTING, priority=10)
@task()
def deliver_outbox(org_id: int | None) -> dict[str, int]:
    """Send the organisation's due messages (None: every due message, account e-mail too);
    safe to run any number of times at once."""
    if org_id is not None and jobs.load_org(org_id, "deliver_outbox") is None:
        return {"sent": 0, "retry": 0, "failed": 0}
    done = delivery.deliver(org_id)
    return {"sent": done.sent, "retry": done.retry, "failed": done.failed}


@jobs.register("nudges.queue_digests", queue_setting=QUEUE_SETTING)
@task()
@jobs.for_org
def queue_digests(org: Organisation, force: bool = False) -> int:
    """Split the organisation into chunks of people, one job each, so that several workers
    render digests at once; returns the number of chunk jobs."""
    now = timezone.now().isoformat()  # every chunk uses the same digest period
    digests.count_new_clicks()  # once per run, not per chunk: chunks run side by side
    chunks = digests.digest_chunks(org)
    for ids in chunks:
        jobs.enqueue("nudges.queue_digest_chunk", org.pk, ids, force, now)
    return len(chunks)


@jobs.register("nudges.queue_digest_chunk", queue_setting=QUEUE_SETTING)
@task()
@jobs.for_org
def queue_digest_chunk(
    org: Organisation, membership_ids: list[int], force: bool, period: str
) -> int:
    # The period is the run's; quiet hours and expiry are judged now, when the chunk runs.
    return digests.queue_digests_of(
        org, membership_ids, force=force, period=datetime.fromisoformat(period)
    )
