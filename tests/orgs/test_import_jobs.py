"""Background people imports: short batches, leases, a dead worker's job taken up again or
failed with a clear message, and the uploaded file deleted when the job ends either way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from zichtbaar.orgs import importing
from zichtbaar.orgs.models import ImportJob, Membership, Team
from zichtbaar.orgs.tasks import LEASE, MAX_ATTEMPTS, recover_stuck_imports, run_people_import

STOPPED = (
    "The import stopped unexpectedly; nothing more will be imported. Please upload the file again."
)
PEOPLE = 500


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from the inside: no handler of the worker runs."""


@pytest.fixture(autouse=True)
def batches_of_200(monkeypatch):
    # Batches by size only, so the test knows where one ends whatever the machine's speed.
    monkeypatch.setattr(importing, "BATCH_ROWS", 200)
    monkeypatch.setattr(importing, "BATCH_SECONDS", 3600)


def csv_of_people(n: int = PEOPLE) -> bytes:
    return (
        "email,name,team\n" + "".join(f"p{i}@acme.test,P {i},Sales\n" for i in range(n))
    ).encode()


def new_job(org, user, content: bytes | None = None) -> ImportJob:
    # The file's team exists: a new one would first wait for confirmation (test_import_new_teams).
    Team.objects.get_or_create(org=org, name="Sales")
    return ImportJob.objects.create(
        org=org,
        created_by=user,
        filename="people.csv",
        content=csv_of_people() if content is None else content,
        language="en",
    )


def imported(org) -> int:
    return (
        Membership.objects.filter(org=org, user__email__endswith="@acme.test")
        .exclude(user__email__in=["alice@acme.test"])
        .count()
    )


def fail_at(monkeypatch, call: int, error: BaseException) -> None:
    real = importing.upsert_person
    calls = 0

    def upsert(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == call:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "upsert_person", upsert)


def test_a_dead_workers_import_keeps_its_committed_batches_and_carries_on(
    acme, alice, monkeypatch, django_capture_on_commit_callbacks
):
    job = new_job(acme, alice)
    fail_at(monkeypatch, 450, WorkerKilled())
    with pytest.raises(WorkerKilled):
        run_people_import.call(job.pk)

    job.refresh_from_db()
    # Two batches of 200 were committed before the worker died in the third.
    assert (job.status, job.done, job.created) == ("running", 400, 400)
    assert imported(acme) == 400
    assert bytes(job.content)  # still needed to carry on

    monkeypatch.undo()
    assert recover_stuck_imports() == {
        "resumed": 0,
        "failed": 0,
        "expired": 0,
    }  # its lease still holds
    later = timezone.now() + LEASE + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_imports(later) == {"resumed": 1, "failed": 0, "expired": 0}

    job.refresh_from_db()
    assert job.status == "done"
    assert (job.done, job.created, job.updated, job.attempts) == (PEOPLE, PEOPLE, 0, 2)
    assert imported(acme) == PEOPLE  # nobody twice, nobody left out
    assert bytes(job.content) == b""


def test_a_job_that_keeps_dying_is_failed_with_a_message_and_its_file_deleted(acme, alice, login):
    job = new_job(acme, alice)
    ImportJob.objects.filter(pk=job.pk).update(
        status="running",
        attempts=MAX_ATTEMPTS,
        claimed_by="dead-worker",
        lease_until=timezone.now() - timedelta(minutes=1),
    )

    call_command("runperiodic")

    job.refresh_from_db()
    assert job.status == "failed"
    assert [e["message"] for e in job.errors] == [STOPPED]
    assert bytes(job.content) == b""
    assert job.finished_at is not None
    page = login(alice).get(f"/comms/people/import/{job.pk}/").content.decode()
    assert STOPPED in page


def test_a_job_left_running_before_leases_existed_is_taken_up_again(
    acme, alice, django_capture_on_commit_callbacks
):
    job = new_job(acme, alice, content=b"email\nlegacy@acme.test\n")
    ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=0, lease_until=None)

    with django_capture_on_commit_callbacks(execute=True):
        recover_stuck_imports()

    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)
    assert bytes(job.content) == b""


def test_a_failure_part_way_says_what_was_saved_and_a_second_upload_completes_it(
    acme, alice, login, monkeypatch
):
    job = new_job(acme, alice)
    fail_at(monkeypatch, 250, RuntimeError("boom"))
    with pytest.raises(RuntimeError):
        run_people_import.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.done) == ("failed", 200)
    assert bytes(job.content) == b""  # failed: the personal data goes all the same
    page = login(alice).get(f"/comms/people/import/{job.pk}/").content.decode()
    assert "The import stopped after 200 people" in page
    assert STOPPED in page
    assert imported(acme) == 200

    monkeypatch.undo()
    again = new_job(acme, alice)
    run_people_import.call(again.pk)
    again.refresh_from_db()
    assert (again.status, again.created, again.updated) == ("done", 300, 200)
    assert imported(acme) == PEOPLE
