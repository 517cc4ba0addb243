"""The comms import page: the upload runs as a background job with a status page."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from zichtbaar.orgs.models import ImportJob, Membership


def _upload(client, text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            "/comms/people/import/", {"file": SimpleUploadedFile("people.csv", text.encode())}
        )


def test_good_file_imports_in_the_background(
    login, alice, acme, django_capture_on_commit_callbacks
):
    client = login(alice)
    response = _upload(
        client,
        # Marketing exists (alice's team): no new teams, so nothing to confirm.
        "email,name,team\nx@acme.test,X,Marketing\ny@acme.test,Y,Marketing\n",
        django_capture_on_commit_callbacks,
    )
    job = ImportJob.objects.get()
    assert response["Location"] == f"/comms/people/import/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Imported 2 people" in page
    assert (
        Membership.objects.filter(org=acme, user__email__in=["x@acme.test", "y@acme.test"]).count()
        == 2
    )
    job.refresh_from_db()
    assert bytes(job.content) == b""  # the uploaded personal data is not kept


def test_bad_file_imports_nothing_and_lists_rows(
    login, alice, acme, django_capture_on_commit_callbacks
):
    client = login(alice)
    before = Membership.objects.count()
    response = _upload(
        client,
        "email,name,role\nok@acme.test,Ok,employee\nnot-an-email,Bad,boss\n",
        django_capture_on_commit_callbacks,
    )
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Nothing was imported" in page and "Row 3" in page
    assert Membership.objects.count() == before


def test_status_of_another_organisations_import_is_404(login, alice, other_org):
    job = ImportJob.objects.create(org=other_org, filename="theirs.csv", content=b"")
    assert login(alice).get(f"/comms/people/import/{job.pk}/").status_code == 404
