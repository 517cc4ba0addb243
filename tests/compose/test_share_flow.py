"""One share flow: "Open in LinkedIn" asks what it must (the guideline's summary, "share anyway?")
in place on the compose page, keeps the person's text, and only then hands the text to LinkedIn.

The browser side (one new tab, edits kept per draft) is in tests/e2e/test_e2e_share_flow.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from zichtbaar.demo.guideline import load_demo_guideline
from zichtbaar.guideline import selectors as guideline_selectors
from zichtbaar.guideline import services as guideline_services
from zichtbaar.guideline.models import Acknowledgement, Rule

VALID_BSN = "111222333"
SUMMARY_LINE = "Name a client only once they have said yes."


@pytest.fixture
def guideline(acme):
    return load_demo_guideline(acme)


def _linkedin_text(response) -> str:  # noqa: ANN001
    assert response.status_code == 302, response.status_code
    url = urlsplit(response["Location"])
    assert url.netloc == "www.linkedin.com"
    return parse_qs(url.query)["text"][0]


def test_a_first_share_shows_the_guideline_summary_on_the_page_with_the_persons_text(
    login, carol, guideline, make_moment
):
    moment = make_moment()
    client = login(carol)
    text = "My own words about the library website. Proud of the team!"
    response = client.post(f"/moments/{moment.pk}/linkedin/", {"text": text, "angle": "proud"})
    assert response.status_code == 200  # the compose page itself, not the guideline page
    page = response.content.decode()
    assert 'id="share-panel"' in page and "Before you share" in page
    assert all(line in page for line in guideline.summary_en.splitlines()) and SUMMARY_LINE in page
    assert re.search(r"<textarea[^>]*>" + re.escape(text) + "</textarea>", page)
    assert f"?acknowledge={guideline.pk}" in page and "I've read it, open in LinkedIn" in page
    assert not Acknowledgement.objects.filter(user=carol).exists()


def test_ive_read_it_on_the_compose_page_records_the_acknowledgement_and_opens_linkedin(
    login, carol, guideline, make_moment
):
    moment = make_moment()
    client = login(carol)
    text = "My own words about the library website."
    response = client.post(
        f"/moments/{moment.pk}/linkedin/?acknowledge={guideline.pk}", {"text": text}
    )
    assert _linkedin_text(response) == text
    ack = Acknowledgement.objects.get(user=carol)
    assert ack.version == guideline
    # The guideline page now has nothing left to ask, as after its own "I've read it".
    assert guideline_selectors.needs_acknowledgement(carol, guideline.org_id) is None
    assert "I've read it" not in client.get("/guideline/").content.decode()


def test_an_outdated_acknowledge_asks_again_for_the_new_version(
    login, carol, guideline, make_moment
):
    moment = make_moment()
    guideline_services.acknowledge(carol, guideline)
    newer = guideline_services.publish_version(guideline_services.new_version(guideline.org, None))
    client = login(carol)
    response = client.post(
        f"/moments/{moment.pk}/linkedin/?acknowledge={guideline.pk}", {"text": "Proud."}
    )
    assert response.status_code == 200 and "Before you share" in response.content.decode()
    assert f"?acknowledge={newer.pk}" in response.content.decode()
    assert not Acknowledgement.objects.filter(user=carol, version=newer).exists()


def test_a_change_finding_asks_share_anyway_in_the_same_panel_and_keeps_the_text(
    login, carol, guideline, make_moment
):
    moment = make_moment()
    client = login(carol)
    text = f"Great project! My BSN is {VALID_BSN}."
    response = client.post(f"/moments/{moment.pk}/linkedin/", {"text": text})
    page = response.content.decode()
    assert response.status_code == 200
    panel = page.split('id="share-panel"', 1)[1].split("</form>", 1)[0]
    assert "Before you share" in panel and "Share anyway?" in panel and SUMMARY_LINE in panel
    assert 'name="confirm" value="1"' in panel
    assert VALID_BSN in page.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    # One click answers both: acknowledged, confirmed, off to LinkedIn with the same text.
    go = client.post(
        f"/moments/{moment.pk}/linkedin/?acknowledge={guideline.pk}", {"text": text, "confirm": "1"}
    )
    assert _linkedin_text(go) == text
    assert Acknowledgement.objects.filter(user=carol, version=guideline).exists()


def test_the_share_panel_for_the_dialog_says_what_is_asked(login, carol, guideline, make_moment):
    moment = make_moment()
    client = login(carol)
    url = f"/moments/{moment.pk}/share/"
    first = client.post(url, {"text": "Proud of the team."}, HTTP_HX_REQUEST="true")
    html = first.content.decode()
    assert first.status_code == 200 and "<html" not in html
    assert SUMMARY_LINE in html and 'formtarget="_blank"' in html and "data-share-go" in html
    guideline_services.acknowledge(carol, guideline)
    ready = client.post(url, {"text": "Proud of the team."}).content.decode()
    assert "Ready for LinkedIn" in ready and SUMMARY_LINE not in ready
    assert 'name="confirm"' not in ready
    anyway = client.post(url, {"text": f"My BSN is {VALID_BSN}."}).content.decode()
    assert "Share anyway?" in anyway and 'name="confirm" value="1"' in anyway


def test_a_blocking_finding_or_a_too_long_text_offers_no_way_to_linkedin(
    login, carol, acme, guideline, make_moment
):
    moment = make_moment()
    guideline_services.acknowledge(carol, guideline)
    Rule.objects.create(
        org=acme, code="personal_data.national_id", severity="change", blocking=True
    )
    guideline_services.bump_revision(acme)
    client = login(carol)
    for text in (f"My BSN is {VALID_BSN}.", "x" * 3001):
        html = client.post(f"/moments/{moment.pk}/share/", {"text": text}).content.decode()
        assert "Not quite ready to share" in html and "data-share-go" not in html
        assert re.search(r'<div role="alert"><ul class="field-errors">', html)
        refused = client.post(f"/moments/{moment.pk}/linkedin/", {"text": text, "confirm": "1"})
        assert refused.status_code == 400
        assert text[:20] in refused.content.decode()  # the text stays in the editor


def test_the_live_check_says_when_the_text_is_ready_and_is_no_live_region(
    login, carol, guideline, make_moment
):
    moment = make_moment()
    client = login(carol)
    url = f"/moments/{moment.pk}/check/"
    good = client.post(url, {"text": "Proud of the team at Acme."}).content.decode()
    assert 'data-verdict="go"' in good and 'data-ready="1"' in good
    assert "aria-live" not in good and 'role="status"' not in good
    bad = client.post(url, {"text": f"Great project! My BSN is {VALID_BSN}."}).content.decode()
    assert 'data-verdict="change"' in bad and 'data-ready="0"' in bad
    assert "Check: please change something in your text." in bad
    # The mark is a link named by its own text and its number, not "Finding 1" alone.
    mark = bad.split('<mark data-finding="1">', 1)[1].split("</mark>", 1)[0]
    assert 'aria-label="' not in mark and VALID_BSN in mark
    assert re.search(r'<sup><span class="visually-hidden"> finding </span>1</sup>', mark)


def test_the_page_announces_the_verdict_and_the_limit_outside_the_redrawn_parts(
    login, carol, make_moment
):
    moment = make_moment()
    page = login(carol).get(f"/moments/{moment.pk}/").content.decode()
    assert 'id="check-announce" role="status"' in page
    assert re.search(r'<div id="check-result"[^>]*>', page)
    assert "aria-live" not in re.search(r'<div id="check-result"[^>]*>', page).group(0)
    assert "aria-live" not in re.search(r'<p class="char-count"[^>]*>', page).group(0)
    assert re.search(r'id="count-announce" aria-live="polite" data-over="[^"]*3000', page)
    assert 'id="stock-draft"' in page and "data-draft-key=" in page


def test_errors_are_a_list_inside_an_alert(login, carol, make_moment):
    moment = make_moment()
    response = login(carol).post(
        f"/moments/{moment.pk}/shared/", {"text": "Proud!", "post_url": "https://evil.test/x"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert '<div role="alert"><ul class="field-errors"><li>Please paste the link' in page
    assert '<ul class="field-errors" role="alert">' not in page


def test_after_a_form_round_trip_the_page_stays_on_the_draft_being_edited(
    login, carol, guideline, make_moment
):
    moment = make_moment()
    client = login(carol)
    angles = re.findall(
        r'data-angle="([\w-]+)"', client.get(f"/moments/{moment.pk}/").content.decode()
    )
    assert len(angles) >= 2
    page = client.post(
        f"/moments/{moment.pk}/linkedin/", {"text": "Mine.", "angle": angles[1]}
    ).content.decode()
    assert re.search(rf'data-angle="{angles[1]}" aria-current="true"', page)
    assert f'data-draft-key="zichtbaar:draft:{carol.pk}:{moment.pk}:{angles[1]}"' in page


def test_recording_a_share_returns_to_the_draft_that_was_shared(login, carol, make_moment):
    moment = make_moment()
    client = login(carol)
    angles = re.findall(
        r'data-angle="([\w-]+)"', client.get(f"/moments/{moment.pk}/").content.decode()
    )
    response = client.post(
        f"/moments/{moment.pk}/shared/", {"text": "Proud!", "angle": angles[1], "post_url": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/moments/{moment.pk}/?angle={angles[1]}"
