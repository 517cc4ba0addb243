"""One way to start background work, for every app: by name, after the commit, per tenant.

A services module never imports its own app's tasks (the tasks import the services, so that
would be a circle). Instead each tasks module registers its tasks here under a short name
when the app is ready (`AppConfig.ready` imports it), and services ask for the work by name:
`jobs.enqueue("nudges.deliver_outbox", org.pk)`. The job is handed to the queue only once the
transaction commits, so a worker never reads rows that are not there yet, and a rollback
never leaves a stray job (pretix does the same).

A task gets ids, not rows (its arguments travel as JSON); `for_org` turns the first one back
into the organisation, and skips the task when the organisation was deleted meanwhile.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.db import transaction
from django_tasks.base import Task

from zichtbaar.orgs.models import Organisation

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T", bound=Task[Any, Any])


@dataclass(frozen=True)
class Job:
    task: Task[Any, Any]
    # The setting that names the queue (read when enqueueing, so an operator or a test can
    # change it); the `default` queue when the setting is missing or there is none.
    queue_setting: str | None = None
    priority: int = 0  # only where the backend supports priorities
    # A job that is asked for again later anyway (the click rollup): a queue outage is logged
    # and must not break the page that asked for it.
    best_effort: bool = False

    def queue_name(self) -> str:
        return getattr(settings, self.queue_setting, "default") if self.queue_setting else "default"

    def send(self, *args: Any) -> Any:
        options: dict[str, Any] = {"queue_name": self.queue_name()}
        if self.priority and self.task.get_backend().supports_priority:
            options["priority"] = self.priority
        return self.task.using(**options).enqueue(*args)


_jobs: dict[str, Job] = {}


def register(
    name: str, *, queue_setting: str | None = None, priority: int = 0, best_effort: bool = False
) -> Callable[[T], T]:
    """Make a task available to `enqueue` under `name` ("app.what"); returns the task."""

    def add(task: T) -> T:
        _jobs[name] = Job(task, queue_setting, priority, best_effort)
        return task

    return add


def job(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        raise LookupError(
            f"No background job {name!r}: is its tasks module imported in AppConfig.ready?"
        ) from None


def enqueue(name: str, *args: Any) -> None:
    """Hand the job to the queue once the current transaction commits (at once outside one)."""
    found = job(name)  # an unknown name fails here, in the caller, not later in a callback
    transaction.on_commit(functools.partial(_send, found, args))


def _send(found: Job, args: tuple[Any, ...]) -> None:
    if not found.best_effort:
        found.send(*args)
        return
    try:
        found.send(*args)
    except Exception:  # a queue outage must not break a page; the job is asked for again
        logger.warning("could not enqueue %s", found.task.name, exc_info=True)


def load_org(org_id: int, task_name: str) -> Organisation | None:
    """The organisation a task works for; None (and a note in the log) once it was deleted."""
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        logger.info("skipped %s: organisation %s no longer exists", task_name, org_id)
    return org


def for_org(
    func: Callable[Concatenate[Organisation, P], R],
) -> Callable[Concatenate[int, P], R | None]:
    """Decorate a task (under `@task()`) whose first argument is the organisation: the job
    carries its id, the task gets the organisation, or is skipped (None) when it is gone."""

    @functools.wraps(func)
    def run(org_id: int, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
        org = load_org(org_id, func.__name__)
        if org is None:
            return None
        return func(org, *args, **kwargs)

    return run
