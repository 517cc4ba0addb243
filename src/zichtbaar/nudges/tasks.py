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


def enqueue(job: Task, *args: Any) -> Any:
    return job.using(queue_name=queue_name()).enqueue(*args)


@task()
def deliver_outbox(org_id: int) -> dict[str, int]:
    """Send the organisation's due messages; safe to run any number of times at once."""
    done = services.deliver(org_id)
    return {"sent": done.sent, "retry": done.retry, "failed": done.failed}


@task()
def queue_digests(org_id: int, force: bool = False) -> int:
    from zichtbaar.orgs.models import Organisation

    org = Organisation.objects.get(pk=org_id)
    return services.queue_digests(org, force=force)
