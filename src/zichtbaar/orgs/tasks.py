"""Background work for organisations and people."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from zichtbaar.orgs.models import ImportJob


@task()
def run_people_import(job_id: int) -> str:
    """Run an import the comms screen started; progress and the report are kept on the job."""
    # A conditional UPDATE claims the job, so a job enqueued twice runs once.
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    ):
        return "already claimed"
    try:
        return _run(job_id)
    except Exception:
        # Whatever went wrong, the job ends and the uploaded personal data goes.
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            content=b"",
            finished_at=timezone.now(),
            errors=[
                {
                    "row": 0,
                    "column": "",
                    "message": _("The import stopped unexpectedly. Nothing was imported."),
                }
            ],
        )
        raise


def _run(job_id: int) -> str:
    from zichtbaar.orgs.importing import import_people, parse_people

    job = ImportJob.objects.select_related("org").get(pk=job_id)
    with translation.override(job.language):
        parsed = parse_people(bytes(job.content), job.org)
        # Known before the all-or-nothing transaction starts, so the status page can say it.
        ImportJob.objects.filter(pk=job_id).update(total=len(parsed.people))
        report = import_people(job.org, parsed, invited_by=job.created_by)
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE if report.ok else ImportJob.Status.FAILED,
        done=report.total if report.ok else 0,
        created=report.created,
        updated=report.updated,
        invited=report.invited,
        errors=[{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
        warnings=list(report.warnings),
        finished_at=timezone.now(),
        content=b"",  # the file held personal data; keep only the report
    )
    return "done" if report.ok else "failed"
