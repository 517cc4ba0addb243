"""The employee and comms flows through the views (the browser tests walk the same paths)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from zichtbaar.impact.services import rollup_clicks
from zichtbaar.moments.models import Moment, MomentStatus, MomentType
from zichtbaar.orgs.models import Team
from zichtbaar.sharing.models import Share, TrackedLink


def test_onboarding_errors_are_in_the_persons_language(login, bob):
    client = login(bob)  # bob reads Dutch
    response = client.post("/welcome/2/", {"connections": "-5", "followers": "0"})
    assert response.status_code == 400
    assert "Een aantal connecties kan niet onder 0 liggen." in response.content.decode()


def test_moment_page_offers_drafts_with_my_tracked_link(login, bob, make_moment):
    moment = make_moment()
    response = login(bob).get(f"/moments/{moment.pk}/")
    assert response.status_code == 200
    link = TrackedLink.objects.get(moment=moment, user=bob)
    assert f"/l/{link.code}" in response.content.decode()
    assert len(response.context["drafts"]) >= 3


def test_without_consent_drafts_carry_the_plain_link(login, bob, make_moment):
    bob.profile.consent_tracking = False
    bob.profile.save()
    moment = make_moment()
    response = login(bob).get(f"/moments/{moment.pk}/")
    assert not TrackedLink.objects.filter(user=bob).exists()
    assert "https://acme.test/cases/library?ref=site" in response.context["form"]["text"].value()


def test_open_in_linkedin_carries_the_edited_text(login, bob, make_moment):
    moment = make_moment()
    text = "Trots op ons team! Café, ëmoji 🎉\nTweede regel & meer #Cloud"
    response = login(bob).post(f"/moments/{moment.pk}/linkedin/", {"text": text})
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/feed/")
    assert parse_qs(url.query) == {"shareActive": ["true"], "text": [text]}


def test_too_long_text_is_refused_with_a_message(login, carol, make_moment):
    moment = make_moment()
    response = login(carol).post(f"/moments/{moment.pk}/linkedin/", {"text": "x" * 3001})
    assert response.status_code == 400
    assert "3000" in response.content.decode()


def test_embargoed_moment_cannot_be_opened_in_linkedin(login, carol, make_moment):
    from datetime import timedelta

    from django.utils import timezone

    moment = make_moment(shareable_from=timezone.now() + timedelta(days=2))
    response = login(carol).post(f"/moments/{moment.pk}/linkedin/", {"text": "Hello"})
    assert response.status_code == 400
    assert "can be shared from" in response.content.decode()


def test_record_share_accepts_only_linkedin_urls(login, carol, make_moment):
    moment = make_moment()
    client = login(carol)
    bad = client.post(
        f"/moments/{moment.pk}/shared/",
        {"text": "Hi", "post_url": "https://evil.test/linkedin.com"},
    )
    assert bad.status_code == 400 and "linkedin.com" in bad.content.decode()
    assert not Share.objects.exists()
    ok = client.post(
        f"/moments/{moment.pk}/shared/",
        {"text": "Hi", "post_url": "https://www.linkedin.com/posts/carol-123"},
    )
    assert ok.status_code == 302
    share = Share.objects.get()
    assert (share.user, share.moment, share.post_url) == (
        carol,
        moment,
        "https://www.linkedin.com/posts/carol-123",
    )
    page = client.get("/").content.decode()
    assert "1 colleague shared this" in page


def test_employee_submits_and_comms_approves(login, bob, alice, acme):
    client = login(bob)
    kind = MomentType.objects.get(org=None, key="client_visit")
    response = client.post(
        "/moments/submit/",
        {
            "type": kind.pk,
            "title": "Visit to the port",
            "what_happened": "We showed our sensor work.",
            "happened_on": "2026-11-20",
            "link": "https://acme.test/port",
        },
    )
    assert response.status_code == 302
    moment = Moment.objects.get(title="Visit to the port")
    assert moment.status == MomentStatus.SUBMITTED and moment.submitted_by == bob
    assert client.get(f"/comms/moments/{moment.pk}/").status_code == 403
    comms = login(alice)
    assert "Visit to the port" in comms.get("/comms/moments/").content.decode()
    comms.post(f"/comms/moments/{moment.pk}/approve/")
    moment.refresh_from_db()
    assert moment.status == MomentStatus.PUBLISHED and moment.published_at
    assert "Visit to the port" in login(bob).get("/").content.decode()


def test_comms_return_with_comment_and_resubmit(login, bob, alice, make_moment):
    moment = make_moment(status=MomentStatus.SUBMITTED, submitted_by=bob)
    comms = login(alice)
    assert comms.post(f"/comms/moments/{moment.pk}/return/", {"comment": ""}).status_code == 400
    comms.post(f"/comms/moments/{moment.pk}/return/", {"comment": "Please add the date."})
    moment.refresh_from_db()
    assert moment.status == MomentStatus.DRAFT and moment.review_comment == "Please add the date."
    client = login(bob)
    assert "Please add the date." in client.get("/moments/mine/").content.decode()


def test_comms_creates_and_publishes_for_a_team(login, alice, acme, bob, carol):
    sales = Team.objects.get(org=acme, name="Sales")
    kind = MomentType.objects.get(org=None, key="event")
    client = login(alice)
    response = client.post(
        "/comms/moments/new/",
        {
            "type": kind.pk,
            "title": "Sales summit",
            "what_happened": "Come and meet us.",
            "happened_on": "2026-12-01",
            "audience_teams": [sales.pk],
            "publish": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    moment = Moment.objects.get(title="Sales summit")
    assert moment.status == MomentStatus.PUBLISHED
    assert "Sales summit" in login(carol).get("/").content.decode()
    assert "Sales summit" not in login(bob).get("/").content.decode()


def test_comms_form_errors_are_field_level(login, alice):
    response = login(alice).post(
        "/comms/moments/new/",
        {
            "title": "",
            "what_happened": "x",
            "audience_everyone": "",
            "client_may_be_named": "on",
            "shareable_from": "2026-12-02T10:00",
            "shareable_until": "2026-12-01T10:00",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"title", "type", "audience_teams", "client_name", "shareable_until"} <= set(errors)


def test_employee_cannot_reach_comms_pages(login, bob):
    client = login(bob)
    for url in (
        "/comms/moments/",
        "/comms/moments/new/",
        "/comms/people/",
        "/comms/people/import/",
    ):
        assert client.get(url).status_code == 403, url


def test_switching_organisation(login, bob, other_org, make_moment):
    from zichtbaar.orgs.services import PersonData, upsert_person

    upsert_person(other_org, PersonData(email=bob.email, name=bob.name), consented=True)
    theirs = make_moment(org=other_org, title="Other's news")
    client = login(bob)
    assert "Other's news" not in client.get("/").content.decode()
    response = client.post("/switch/", {"org": other_org.pk, "next": "https://evil.test/"})
    assert response["Location"] == "/"
    assert client.get(f"/moments/{theirs.pk}/").status_code == 200


def test_moment_page_shows_what_my_link_brought(login, carol, make_moment, client):
    moment = make_moment()
    page = login(carol).get(f"/moments/{moment.pk}/")
    code = TrackedLink.objects.get(moment=moment, user=carol).code
    browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/124.0"
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.2"):
        client.get(f"/l/{code}", REMOTE_ADDR=address, HTTP_USER_AGENT=browser)
    client.get(f"/l/{code}", HTTP_USER_AGENT="LinkedInBot/1.0 (compatible; Mozilla/5.0)")
    # The page shows the figure My impact and the digest show: clicks summed by the rollup.
    page = login(carol).get(f"/moments/{moment.pk}/").content.decode()
    assert "Your link brought" not in page
    rollup_clicks()
    page = login(carol).get(f"/moments/{moment.pk}/").content.decode()
    assert "Your link brought 3 visits so far, from about 2 people." in page


def test_line_breaks_count_once_and_reach_linkedin_as_newlines(login, carol, make_moment):
    moment = make_moment()
    text = "a\r\n" * 1400 + "b" * 200  # 3,000 characters once \r\n counts as one
    response = login(carol).post(f"/moments/{moment.pk}/linkedin/", {"text": text})
    assert response.status_code == 302
    sent = parse_qs(urlsplit(response["Location"]).query)["text"][0]
    assert "\r" not in sent and len(sent) == 3000


def test_uploaded_images_lose_their_location_data(login, alice, acme):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    exif = Image.Exif()
    exif[0x0132] = "2026:11:27 10:00:00"  # when the photo was taken
    exif[0x010F] = "PhoneMaker"
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buf, format="JPEG", exif=exif)
    kind = MomentType.objects.get(org=None, key="event")
    response = login(alice).post(
        "/comms/moments/new/",
        {
            "type": kind.pk,
            "title": "With photo",
            "what_happened": "x",
            "happened_on": "2026-12-01",
            "audience_everyone": "on",
            "image": SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    moment = Moment.objects.get(title="With photo")
    with Image.open(moment.image.path) as stored:
        assert stored.size == (40, 30)
        assert not stored.getexif()
