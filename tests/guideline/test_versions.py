"""Guideline versions: "New version" stores nothing until saved, a minor change keeps earlier
acknowledgements valid, and after a real change readers see what changed since their version."""

from __future__ import annotations

import pytest
from django.utils import translation

from zichtbaar.demo.guideline import load_demo_guideline
from zichtbaar.guideline import selectors, services
from zichtbaar.guideline.forms import SectionFormSet
from zichtbaar.guideline.models import Acknowledgement, GuidelineSection, GuidelineVersion


@pytest.fixture
def guideline(acme):
    return load_demo_guideline(acme)


def _posted(response) -> dict:
    """What the browser sends back unchanged from the version form and its sections."""
    form, sections = response.context["form"], response.context["sections"]
    data = {
        sections.management_form.add_prefix(k): v
        for k, v in sections.management_form.initial.items()
    }
    data.update({f"{sections.prefix}-TOTAL_FORMS": str(len(sections.forms))})
    for f in [form, *sections.forms]:
        for name in f.fields:
            value = f[name].value()
            if value is None or value is False or name == "DELETE":
                continue
            data[f.add_prefix(name)] = "on" if value is True else str(value)
    return data


def _publish_new(org, *, minor=False, change=None, note_en=""):
    """A new version copied from the latest, changed by `change(version)`, then published."""
    version = services.new_version(org, None)
    if change:
        change(version)
    version.change_note_en = note_en
    version.save()
    return services.publish_version(version, minor=minor)


# --- minor or major ----------------------------------------------------------------------------


def test_a_minor_change_keeps_everyone_who_read_an_earlier_version_all_set(acme, bob, guideline):
    services.acknowledge(bob, guideline)
    minor = _publish_new(acme, minor=True)
    assert minor.minor and selectors.published_version(acme.pk) == minor
    assert selectors.needs_acknowledgement(bob, acme.pk) is None  # compose asks this
    assert selectors.has_acknowledged_current(bob, acme.pk)
    assert selectors.up_to_date_count(acme.pk) == 1

    major = _publish_new(acme)
    assert selectors.needs_acknowledgement(bob, acme.pk) == major
    assert selectors.up_to_date_count(acme.pk) == 0
    services.acknowledge(bob, major)
    assert selectors.needs_acknowledgement(bob, acme.pk) is None


def test_someone_who_first_reads_a_minor_version_is_set_until_the_next_real_change(
    acme, carol, guideline
):
    minor = _publish_new(acme, minor=True)
    assert selectors.needs_acknowledgement(carol, acme.pk) == minor  # never read any
    services.acknowledge(carol, minor)
    _publish_new(acme, minor=True)
    assert selectors.needs_acknowledgement(carol, acme.pk) is None


def test_the_first_version_is_always_a_real_change(acme, bob):
    first = services.publish_version(services.new_version(acme, None), minor=True)
    assert first.minor is False
    assert selectors.needs_acknowledgement(bob, acme.pk) == first


# --- "New version" is a form -------------------------------------------------------------------


def test_new_version_creates_nothing_until_saved_and_then_copies_the_sections(
    login, alice, guideline
):
    client = login(alice)
    page = client.get("/comms/guideline/").content.decode()
    assert 'href="/comms/guideline/new/"' in page
    before = GuidelineVersion.objects.count()
    assert client.post("/comms/guideline/")["Location"] == "/comms/guideline/new/"
    form = client.get("/comms/guideline/new/")
    assert form.status_code == 200
    assert "Nothing is stored until you save it." in form.content.decode()
    assert GuidelineVersion.objects.count() == before  # looking is free

    data = _posted(form)
    data["title_en"] = "Our guideline, clearer"
    data["save"] = "1"
    saved = client.post("/comms/guideline/new/", data)
    new = GuidelineVersion.objects.get(number=2)
    assert saved["Location"] == f"/comms/guideline/{new.pk}/"
    assert new.published_at is None and new.title_en == "Our guideline, clearer"
    assert list(new.sections.values_list("key", flat=True)) == list(
        guideline.sections.values_list("key", flat=True)
    )


def test_new_version_published_as_minor_from_the_form(login, alice, bob, guideline):
    services.acknowledge(bob, guideline)
    client = login(alice)
    data = _posted(client.get("/comms/guideline/new/"))
    data.update(title_en="Sharing with pride", minor="True", publish="1")
    response = client.post("/comms/guideline/new/", data, follow=True)
    assert "Published as a minor change." in response.content.decode()
    current = selectors.published_version(guideline.org_id)
    assert current.number == 2 and current.minor
    assert selectors.needs_acknowledgement(bob, guideline.org_id) is None
    listing = client.get("/comms/guideline/").content.decode()
    assert "minor change (no re-read)" in listing
    assert (
        "1 person has read the current guideline, or an earlier version that still counts."
        in listing
    )


def test_an_invalid_new_version_stores_nothing(login, alice, guideline):
    client = login(alice)
    data = _posted(client.get("/comms/guideline/new/"))
    data["title_en"] = ""
    data["publish"] = "1"
    response = client.post("/comms/guideline/new/", data)
    assert response.status_code == 400
    assert GuidelineVersion.objects.filter(org=guideline.org).count() == 1


def test_the_first_version_offers_no_minor_choice(login, alice, acme):
    page = login(alice).get("/comms/guideline/new/").content.decode()
    assert "A minor change (no re-read)" not in page
    assert "This is the first version" in page


def test_editing_a_draft_offers_the_choice_and_shows_what_changed(login, alice, guideline):
    draft = services.new_version(guideline.org, None)
    draft.sections.filter(key="timing").update(title_en="When to share")
    draft.sections.filter(key="links").delete()
    page = login(alice).get(f"/comms/guideline/{draft.pk}/").content.decode()
    assert "A minor change (no re-read)" in page
    assert "Compared with version 1" in page
    assert "When to share" in page and "Removed" in page


def test_employees_cannot_open_the_new_version_form(login, bob, guideline):
    assert login(bob).get("/comms/guideline/new/").status_code in (302, 403)
    assert GuidelineVersion.objects.count() == 1


# --- what changed, for readers -----------------------------------------------------------------


def _change_sections(version):
    version.sections.filter(key="timing").update(encouraged_en="Share after the client agrees.")
    version.sections.filter(key="links").delete()
    GuidelineSection.objects.create(
        version=version,
        key="ai",
        position=99,
        title_nl="AI-hulp",
        title_en="Help from AI",
        encouraged_nl="Gebruik het als start.",
        encouraged_en="Use it as a start.",
    )


def test_after_a_real_change_readers_see_what_changed_since_their_version(login, carol, guideline):
    services.acknowledge(carol, guideline)
    _publish_new(guideline.org, change=_change_sections, note_en="A section on AI help.")
    changes = selectors.changes_for_reader(carol, guideline.org_id)
    assert [s.key for s in changes.added] == ["ai"]
    assert [s.key for s in changes.changed] == ["timing"]
    assert [s.key for s in changes.removed] == ["links"]

    page = login(carol).get("/guideline/").content.decode()
    assert "What changed since version 1, the one you read" in page
    assert "A section on AI help." in page
    assert '<a href="#ai">Help from AI</a>' in page
    assert '<a href="#timing">' in page
    assert "I've read it</button>" in page


def test_notes_of_a_minor_version_in_between_are_shown_too(carol, guideline):
    services.acknowledge(carol, guideline)
    _publish_new(guideline.org, minor=True, note_en="Typo fixed.")
    _publish_new(guideline.org, change=_change_sections, note_en="New: AI help.")
    changes = selectors.changes_for_reader(carol, guideline.org_id)
    assert changes.since == guideline
    assert [n for _number, n in changes.notes] == ["New: AI help.", "Typo fixed."]


def test_a_first_reader_and_an_all_set_reader_see_no_change_summary(login, bob, carol, guideline):
    assert "What changed" not in login(bob).get("/guideline/").content.decode()
    services.acknowledge(carol, guideline)
    _publish_new(guideline.org, minor=True, note_en="Typo fixed.")
    assert selectors.changes_for_reader(carol, guideline.org_id) is None
    assert "What changed" not in login(carol).get("/guideline/").content.decode()


def test_acknowledging_after_a_real_change_records_the_current_version(login, carol, guideline):
    services.acknowledge(carol, guideline)
    major = _publish_new(guideline.org, change=_change_sections)
    login(carol).post("/guideline/", {"next": "/"})
    assert Acknowledgement.objects.filter(user=carol, version=major).exists()
    assert selectors.changes_for_reader(carol, guideline.org_id) is None


# --- labels ------------------------------------------------------------------------------------


def test_the_position_label_is_translated():
    """Needs the merged Dutch translations (compilemessages) for the Dutch half."""
    form = SectionFormSet().empty_form
    with translation.override("en"):
        assert str(form.fields["position"].label) == "Position"
    with translation.override("nl"):
        assert str(form.fields["position"].label) == "Positie"


def test_a_copy_sent_back_by_a_browser_counts_as_unchanged(login, alice, guideline):
    """Browsers send textarea line breaks as CRLF: an untouched section is not "changed"."""
    client = login(alice)
    data = _posted(client.get("/comms/guideline/new/"))
    data = {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in data.items()}
    data["save"] = "1"
    client.post("/comms/guideline/new/", data)
    new = GuidelineVersion.objects.get(org=guideline.org, number=2)
    changes = selectors.compare_versions(guideline, new)
    assert not changes.any
