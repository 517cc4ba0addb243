"""Background work for organisations and people.

A people import runs under a lease, as the outbox does (nudges/delivery.py): the worker claims
the job with a conditional UPDATE, renews the lease in every batch it commits, and stops when
its lease was taken over. `recover_stuck_imports` (from `runperiodic`) puts a job whose worker
died back in the queue, to carry on after the last committed batch, or fails it after
MAX_ATTEMPTS. The uploaded file holds personal data: it is wiped when the job ends either way.

A valid file that names teams the organisation does not have stops before writing anything, in
status CONFIRM with the new teams listed; `services.confirm_import` queues it again with those
names confirmed, `services.cancel_import` (or CONFIRM_WINDOW passing) ends it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from zichtbaar.orgs import jobs
from zichtbaar.orgs.models import ImportJob

# A batch commits in well under a second and renews the lease; parsing 20,000 rows takes a
# few seconds. A lease this long only ever runs out when the worker is gone.
LEASE = timedelta(minutes=5)
# A file that killed this many workers is not tried again: it may be what kills them.
MAX_ATTEMPTS = 3
# An import waiting for comms to confirm its new teams keeps the uploaded file (personal data)
# this long; then it is cancelled and the file wiped.
CONFIRM_WINDOW = timedelta(days=1)


class LeaseLost(Exception):
    """Another worker took the job over (ours was presumed dead): stop without writing."""


def stopped_message() -> str:
    return _(
        "The import stopped unexpectedly; nothing more will be imported. "
        "Please upload the file again."
    )


def expired_message() -> str:
    return _(
        "The new teams were not confirmed within a day, so nothing was imported and the file "
        "was deleted. Please upload it again."
    )


def _claim(job_id: int, now: datetime) -> str | None:
    """Take a queued job with a conditional UPDATE: of two workers, exactly one gets it."""
    token = uuid.uuid4().hex
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING,
        claimed_by=token,
        lease_until=now + LEASE,
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


def _mine(job_id: int, token: str) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(pk=job_id, claimed_by=token, status=ImportJob.Status.RUNNING)


@jobs.register("orgs.run_people_import")
@task()
def run_people_import(job_id: int) -> str:
    """Run an import the comms screen started; progress and the report are kept on the job."""
    token = _claim(job_id, timezone.now())
    if token is None:
        return "already claimed"
    try:
        return _run(job_id, token)
    except LeaseLost:
        return "taken over"
    except Exception:
        # Whatever went wrong, the job ends and the uploaded personal data goes.
        job = ImportJob.objects.only("language").get(pk=job_id)
        with translation.override(job.language):
            message = stopped_message()
        _mine(job_id, token).update(
            status=ImportJob.Status.FAILED,
            content=b"",
            claimed_by="",
            lease_until=None,
            finished_at=timezone.now(),
            errors=[{"row": 0, "column": "", "message": message}],
        )
        raise


def _run(job_id: int, token: str) -> str:
    from zichtbaar.orgs.importing import ImportReport, import_people, new_teams, parse_people

    job = ImportJob.objects.select_related("org", "created_by").get(pk=job_id)
    # What an earlier attempt committed before its worker died: carried on from, not redone.
    before = (job.created, job.updated, job.invited)

    def counts(report: ImportReport) -> dict[str, int]:
        return {
            "created": before[0] + report.created,
            "updated": before[1] + report.updated,
            "invited": before[2] + report.invited,
        }

    def committed(done: int, report: ImportReport) -> None:
        # In the batch's own transaction: the counts are exactly what is committed.
        if not _mine(job_id, token).update(
            done=done, lease_until=timezone.now() + LEASE, **counts(report)
        ):
            raise LeaseLost

    with translation.override(job.language):
        parsed = parse_people(bytes(job.content), job.org)
        if not _mine(job_id, token).update(
            total=len(parsed.people), lease_until=timezone.now() + LEASE
        ):
            raise LeaseLost
        if parsed.ok and not job.done:  # (a resumed job was confirmed before it started)
            # A team that is not there yet is created only once comms confirmed it: a typo
            # ("Clowd") must not silently become a team. Nothing is written before that.
            found = new_teams(job.org, parsed)
            confirmed = set(job.confirmed_teams)
            if any(team.name not in confirmed for team in found):
                if not _mine(job_id, token).update(
                    status=ImportJob.Status.CONFIRM,
                    new_teams=[team.as_dict() for team in found],
                    asked_at=timezone.now(),
                    warnings=list(parsed.warnings),
                    claimed_by="",
                    lease_until=None,
                ):
                    raise LeaseLost
                return "waiting for confirmation"
        report = import_people(
            job.org, parsed, invited_by=job.created_by, start=job.done, committed=committed
        )
    _mine(job_id, token).update(
        status=ImportJob.Status.DONE if report.ok else ImportJob.Status.FAILED,
        errors=[{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
        warnings=list(report.warnings),
        finished_at=timezone.now(),
        content=b"",  # the file held personal data; keep only the report
        claimed_by="",
        lease_until=None,
        **counts(report),
    )
    return "done" if report.ok else "failed"


def recover_stuck_imports(now: datetime | None = None) -> dict[str, int]:
    """Jobs whose worker died (lease ran out): queue them again, or fail them after
    MAX_ATTEMPTS with a message for the person who uploaded the file. Jobs that waited longer
    than CONFIRM_WINDOW for their new teams to be confirmed are cancelled and their file wiped.
    Run by `runperiodic`."""
    now = now or timezone.now()
    done = {"resumed": 0, "failed": 0, "expired": 0}
    # Imports nobody confirmed: the file they keep holds personal data.
    unconfirmed = ImportJob.objects.filter(
        status=ImportJob.Status.CONFIRM, asked_at__lt=now - CONFIRM_WINDOW
    )
    for job_id, language in unconfirmed.values_list("pk", "language"):
        with translation.override(language):
            message = expired_message()
        done["expired"] += unconfirmed.filter(pk=job_id).update(
            status=ImportJob.Status.CANCELLED,
            content=b"",
            finished_at=now,
            errors=[{"row": 0, "column": "", "message": message}],
        )
    # A running job without a lease dates from before leases: its worker is long gone.
    stuck = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True)
    )
    for job_id, token, attempts, language in stuck.values_list(
        "pk", "claimed_by", "attempts", "language"
    ):
        # Conditional on the dead worker's token: a job renewed meanwhile is left alone.
        still_stuck = stuck.filter(pk=job_id, claimed_by=token)
        if attempts >= MAX_ATTEMPTS:
            with translation.override(language):
                message = stopped_message()
            done["failed"] += still_stuck.update(
                status=ImportJob.Status.FAILED,
                content=b"",
                claimed_by="",
                lease_until=None,
                finished_at=now,
                errors=[{"row": 0, "column": "", "message": message}],
            )
        elif still_stuck.update(status=ImportJob.Status.QUEUED, claimed_by="", lease_until=None):
            done["resumed"] += 1
            jobs.enqueue("orgs.run_people_import", job_id)
    return done
