"""A people import that would create teams asks first: a typo ("Clowd") must not silently become
a team. The new teams are listed with their rows and a "did you mean" for near misses, and one
confirmation (a POST, for this organisation and this job only) runs the import; until then
nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.conftest import _person
from zichtbaar.orgs.importing import new_teams, parse_people
from zichtbaar.orgs.models import ImportJob, Membership, Team, User
from zichtbaar.orgs.tasks import CONFIRM_WINDOW, recover_stuck_imports

CLOWD = (
    "email,name,team\n"
    "ann@acme.test,Ann,Cloud\n"  # row 2: the existing team
    "ben@acme.test,Ben,Clowd\n"  # row 3: a typo
    "cas@acme.test,Cas,Clowd\n"  # row 4
    "dirk@acme.test,Dirk,Data\n"  # row 5: really new, nothing like an existing team
)
NEWCOMERS = ["ann@acme.test", "ben@acme.test", "cas@acme.test", "dirk@acme.test"]


@pytest.fixture
def cloud(acme):
    return Team.objects.create(org=acme, name="Cloud")


def upload(client, text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comms/people/import/", {"file": SimpleUploadedFile("people.csv", text.encode())}
        )
    assert response.status_code == 302
    return ImportJob.objects.latest("pk")


def imported(org) -> int:
    return Membership.objects.filter(org=org, user__email__in=NEWCOMERS).count()


def test_new_teams_are_found_with_their_rows_and_a_near_miss(acme, cloud):
    found = new_teams(acme, parse_people(CLOWD.encode()))
    assert [(t.name, t.rows, t.count, t.suggestion) for t in found] == [
        ("Clowd", [3, 4], 2, "Cloud"),
        ("Data", [5], 1, ""),
    ]


def test_a_typo_waits_for_confirmation_and_nothing_is_written(
    login, alice, acme, cloud, django_capture_on_commit_callbacks
):
    client = login(alice)
    teams_before = set(Team.objects.filter(org=acme).values_list("name", flat=True))
    job = upload(client, CLOWD, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == "confirm"
    page = client.get(f"/comms/people/import/{job.pk}/").content.decode()
    assert "it would create 2 new teams" in page
    assert "“Clowd”" in page and "rows 3, 4" in page
    assert "Did you mean “Cloud”?" in page
    assert "“Data”" in page and "row 5" in page
    assert "Create these 2 teams and import" in page
    assert 'data-hx-trigger="every 1s"' not in page  # it waits for a person, not for the worker
    # Nothing written: no people, no teams, and not even the existing-team row.
    assert imported(acme) == 0
    assert not User.objects.filter(email__in=NEWCOMERS).exists()
    assert set(Team.objects.filter(org=acme).values_list("name", flat=True)) == teams_before
    assert bytes(job.content)  # kept to run once confirmed


def test_one_confirmation_creates_the_teams_and_imports_everyone(
    login, alice, acme, cloud, django_capture_on_commit_callbacks
):
    client = login(alice)
    job = upload(client, CLOWD, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/comms/people/import/{job.pk}/confirm/")
    assert response["Location"] == f"/comms/people/import/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Imported 4 people" in page
    assert imported(acme) == 4
    assert {"Cloud", "Clowd", "Data"} <= set(
        Team.objects.filter(org=acme).values_list("name", flat=True)
    )
    assert Membership.objects.get(org=acme, user__email="ben@acme.test").team.name == "Clowd"
    job.refresh_from_db()
    assert job.status == "done" and bytes(job.content) == b""
    # Confirming again is stale: 404, and nothing runs twice.
    assert client.post(f"/comms/people/import/{job.pk}/confirm/").status_code == 404


def test_cancelling_imports_nothing_and_deletes_the_file(
    login, alice, acme, cloud, django_capture_on_commit_callbacks
):
    client = login(alice)
    job = upload(client, CLOWD, django_capture_on_commit_callbacks)
    response = client.post(f"/comms/people/import/{job.pk}/cancel/")
    assert response.status_code == 302
    page = client.get(f"/comms/people/import/{job.pk}/").content.decode()
    assert "Nothing was imported." in page
    job.refresh_from_db()
    assert job.status == "cancelled" and bytes(job.content) == b""
    assert imported(acme) == 0
    assert not Team.objects.filter(org=acme, name="Clowd").exists()
    # A cancelled job can't be confirmed any more.
    assert client.post(f"/comms/people/import/{job.pk}/confirm/").status_code == 404


def test_a_file_with_only_existing_teams_imports_at_once(
    login, alice, acme, cloud, django_capture_on_commit_callbacks
):
    job = upload(
        login(alice),
        "email,name,team\nann@acme.test,Ann,Cloud\nben@acme.test,Ben,\n",
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert (job.status, job.created, job.new_teams) == ("done", 2, [])


def test_an_invalid_file_reports_its_rows_and_asks_nothing(
    login, alice, acme, django_capture_on_commit_callbacks
):
    job = upload(
        login(alice),
        "email,name,team\nann@acme.test,Ann,Clowd\nnot-an-address,Ben,Clowd\n",
        django_capture_on_commit_callbacks,
    )
    job.refresh_from_db()
    assert job.status == "failed" and job.new_teams == []
    assert "Row 3" in job.errors[0]["message"]


def test_confirming_needs_a_post_with_the_csrf_token(
    alice, acme, cloud, login, django_capture_on_commit_callbacks
):
    job = upload(login(alice), CLOWD, django_capture_on_commit_callbacks)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/comms/people/import/{job.pk}/confirm/").status_code == 403
    assert strict.get(f"/comms/people/import/{job.pk}/confirm/").status_code == 405
    job.refresh_from_db()
    assert job.status == "confirm" and imported(acme) == 0


def test_another_organisations_comms_cannot_confirm_or_cancel(
    alice, acme, cloud, other_org, login, django_capture_on_commit_callbacks
):
    job = upload(login(alice), CLOWD, django_capture_on_commit_callbacks)
    oscar = _person(other_org, "oscar@other.test", "Oscar Comms", role="comms", language="en")
    theirs = Client()
    theirs.force_login(oscar)
    assert theirs.get(f"/comms/people/import/{job.pk}/").status_code == 404
    assert theirs.post(f"/comms/people/import/{job.pk}/confirm/").status_code == 404
    assert theirs.post(f"/comms/people/import/{job.pk}/cancel/").status_code == 404
    job.refresh_from_db()
    assert job.status == "confirm" and imported(acme) == 0


def test_an_employee_cannot_confirm(
    alice, bob, acme, cloud, login, django_capture_on_commit_callbacks
):
    job = upload(login(alice), CLOWD, django_capture_on_commit_callbacks)
    employee = Client()
    employee.force_login(bob)
    assert employee.post(f"/comms/people/import/{job.pk}/confirm/").status_code == 403
    assert employee.post(f"/comms/people/import/{job.pk}/cancel/").status_code == 403
    job.refresh_from_db()
    assert job.status == "confirm"


def test_an_unconfirmed_import_is_cancelled_after_a_day_and_its_file_deleted(
    alice, acme, cloud, login, django_capture_on_commit_callbacks
):
    client = login(alice)
    job = upload(client, CLOWD, django_capture_on_commit_callbacks)
    assert recover_stuck_imports()["expired"] == 0
    later = timezone.now() + CONFIRM_WINDOW + timedelta(minutes=1)
    assert recover_stuck_imports(later)["expired"] == 1
    job.refresh_from_db()
    assert job.status == "cancelled" and bytes(job.content) == b""
    page = client.get(f"/comms/people/import/{job.pk}/").content.decode()
    assert "were not confirmed within a day" in page
    assert client.post(f"/comms/people/import/{job.pk}/confirm/").status_code == 404


def test_the_confirmation_reads_in_dutch(
    alice, acme, cloud, login, django_capture_on_commit_callbacks
):
    # Needs the compiled Dutch catalogue (merged after this change).
    alice.profile.language = "nl"
    alice.profile.save()
    client = login(alice)
    job = upload(client, CLOWD, django_capture_on_commit_callbacks)
    page = client.get(f"/comms/people/import/{job.pk}/").content.decode()
    assert "Bedoel je “Cloud”?" in page
    assert "Maak deze 2 teams aan en importeer" in page
