"""Background work for nudges, through Django's Tasks API (database or RQ backend)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks import task
from django_tasks.base import Task

from zichtbaar.nudges import services


def queue_name() -> str:
    """The queue nudges go to: `default` unless the operator sets NUDGES_TASK_QUEUE."""
    return getattr(settings, "NUDGES_TASK_QUEUE", "default")


# Delivery before queueing: a worker that finishes a chunk of digests sends what is ready
# before it renders the next chunk, so sending keeps pace with queueing (RQ has no priorities;
# there the jobs run in order).
PRIORITY = {"deliver_outbox": 10}


def enqueue(job: Task, *args: Any) -> Any:
    options: dict[str, Any] = {"queue_name": queue_name()}
    if job.get_backend().supports_priority:
        options["priority"] = PRIORITY.get(job.name, 0)
    return job.using(**options).enqueue(*args)


@task()
def deliver_outbox(org_id: int | None) -> dict[str, int]:
    """Send the organisation's due messages (None: every due message, account e-mail too);
    safe to run any number of times at once."""
    done = services.deliver(org_id)
    return {"sent": done.sent, "retry": done.retry, "failed": done.failed}


@task()
def queue_digests(org_id: int, force: bool = False) -> int:
    """Split the organisation into chunks of people, one job each, so that several workers
    render digests at once; returns the number of chunk jobs."""
    from django.utils import timezone

    from zichtbaar.orgs.models import Organisation

    org = Organisation.objects.get(pk=org_id)
    now = timezone.now().isoformat()  # every chunk uses the same digest period
    services.count_new_clicks()  # once per run, not per chunk: chunks run side by side
    chunks = services.digest_chunks(org)
    for ids in chunks:
        enqueue(queue_digest_chunk, org_id, ids, force, now)
    return len(chunks)


@task()
def queue_digest_chunk(org_id: int, membership_ids: list[int], force: bool, period: str) -> int:
    from datetime import datetime

    from zichtbaar.orgs.models import Organisation

    org = Organisation.objects.get(pk=org_id)
    # The period is the run's; quiet hours and expiry are judged now, when the chunk runs.
    return services.queue_digests_of(
        org, membership_ids, force=force, period=datetime.fromisoformat(period)
    )
