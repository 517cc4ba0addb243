"""Where a response came from: the anonymous link or an import (and which one), and undoing
one import, all or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from zichtbaar.surveys import importing, services
from zichtbaar.surveys.mapping import MappingError
from zichtbaar.surveys.models import ImportBatch, Response, Survey


@pytest.fixture
def survey(acme):
    s = services.create_survey(acme, title_en="Mixed", title_nl="", blocks=list(services.BLOCKS))
    services.set_status(s, Survey.Status.OPEN)
    return s


def _import(survey, values):
    frame = importing.read_upload(
        "export.csv", ("willing_likert\n" + "\n".join(str(v) for v in values) + "\n").encode()
    )
    return importing.import_responses(survey, frame, {"willing_likert": "willing_likert"})


def _by_link(survey, value=4):
    response, _token = services.start_response(survey)
    services.save_page(response, 1, {"willing_likert": value}, last=True)
    return response


def test_imported_responses_know_their_import_and_link_ones_do_not(survey):
    _by_link(survey)
    assert _import(survey, [1, 2, 3]) == 3
    assert _import(survey, [5, 5]) == 2
    first, second = sorted(ImportBatch.objects.filter(survey=survey), key=lambda b: b.pk)
    assert first.responses.count() == 3 and second.responses.count() == 2
    assert set(first.responses.values_list("source", flat=True)) == {"import"}
    link = Response.objects.get(survey=survey, import_batch=None)
    assert link.source == "link"
    # a failed import leaves no batch behind
    with pytest.raises(MappingError):
        _import(survey, [1, 9])
    assert ImportBatch.objects.filter(survey=survey).count() == 2


def test_the_survey_screen_counts_responses_per_source(login, alice, survey):
    _by_link(survey)
    _import(survey, [1, 2, 3])
    page = login(alice).get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "1 completed response through the anonymous link" in page
    assert "3 imported responses" in page
    assert f"?batch={ImportBatch.objects.get().pk}" in page and "Undo this import" in page


def test_undoing_one_import_asks_first_then_removes_only_that_import(login, alice, survey):
    _by_link(survey)
    _import(survey, [1, 2, 3])
    _import(survey, [5, 5])
    first = ImportBatch.objects.order_by("pk").first()
    assert first is not None
    survey.report_cache = {"en": {"n": 6, "report": {}}}
    survey.save()
    client = login(alice)
    url = reverse("surveys:import_undo", args=[survey.pk])
    confirm = client.get(f"{url}?batch={first.pk}")
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert (
        "brought 3 responses" in body and 'name="batch"' in body and "csrfmiddlewaretoken" in body
    )
    assert Response.objects.filter(survey=survey).count() == 6  # nothing happened yet
    resp = client.post(url, {"batch": first.pk})
    assert resp.status_code == 302
    assert not ImportBatch.objects.filter(pk=first.pk).exists()
    assert sorted(Response.objects.filter(survey=survey).values_list("source", flat=True)) == [
        "import",
        "import",
        "link",
    ]
    survey.refresh_from_db()
    assert survey.report_cache == {}
    assert client.post(url, {"batch": first.pk}).status_code == 404  # already undone


def test_undo_is_all_or_nothing(survey, monkeypatch):
    _import(survey, [1, 2, 3])
    batch = ImportBatch.objects.get()

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ImportBatch, "delete", broken)
    with pytest.raises(RuntimeError):
        services.undo_import(survey, batch.pk)
    assert Response.objects.filter(import_batch=batch).count() == 3


def test_an_import_of_another_survey_or_organisation_cannot_be_undone(
    login, alice, bob, acme, other_org, survey
):
    mine_elsewhere = services.create_survey(acme, title_en="Other", title_nl="", blocks=[])
    theirs = services.create_survey(other_org, title_en="Theirs", title_nl="", blocks=[])
    _import(mine_elsewhere, [1, 2])
    _import(theirs, [3, 4])
    other_batch = ImportBatch.objects.get(survey=mine_elsewhere)
    their_batch = ImportBatch.objects.get(survey=theirs)
    client = login(alice)
    url = reverse("surveys:import_undo", args=[survey.pk])
    for batch in (other_batch, their_batch):
        assert client.get(f"{url}?batch={batch.pk}").status_code == 404
        assert client.post(url, {"batch": batch.pk}).status_code == 404
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("surveys:import_undo", args=[theirs.pk]), {"batch": their_batch.pk}
        ).status_code
        == 404
    )
    assert login(bob).post(url, {"batch": other_batch.pk}).status_code == 403
    assert Response.objects.count() == 4
    with pytest.raises(services.NotAnImport):
        services.undo_import(survey, other_batch.pk)


def _closed_with(survey, n):
    for _i in range(n):
        _by_link(survey)
    services.set_status(survey, Survey.Status.CLOSED)


def test_once_the_report_can_be_read_its_responses_no_longer_change(survey):
    """Two versions of a report that differ by a few people would reveal their answers."""
    assert _import(survey, [1, 2]) == 2  # while open: fine, nobody has read a report
    services.set_status(survey, Survey.Status.CLOSED)
    assert _import(survey, [3, 4]) == 2  # closed with 4: no report yet
    _closed_with(survey, 1)  # now 5: the report can be read
    with translation.override("en"), pytest.raises(MappingError) as refused:
        _import(survey, [5, 5, 5, 5, 5, 5, 5])  # however many
    assert "its responses no longer change" in refused.value.problems[0]
    assert Response.objects.filter(survey=survey).count() == 5  # nothing stored
    batch = ImportBatch.objects.order_by("pk").first()
    assert batch is not None
    with pytest.raises(services.SmallChange):
        services.undo_import(survey, batch.pk)
    with pytest.raises(services.SmallChange):  # and no reopening to slip a few in
        services.set_status(survey, Survey.Status.OPEN)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED and batch.responses.count() == 2


def test_the_refusals_explain_themselves_on_the_survey_screen(login, alice, survey):
    _import(survey, [1, 2])
    _closed_with(survey, 5)
    batch = ImportBatch.objects.get()
    client = login(alice)
    page = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "Closed for good" in page
    assert "Undo this import" not in page and "Reopen the survey" not in page
    url = reverse("surveys:import_undo", args=[survey.pk])
    page = client.post(url, {"batch": batch.pk}, follow=True).content.decode()
    assert "its responses no longer change" in page
    assert Response.objects.filter(survey=survey, import_batch=batch).count() == 2
    status = reverse("surveys:status", args=[survey.pk])
    page = client.post(status, {"to": "open"}, follow=True).content.decode()
    assert "its responses no longer change" in page
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
