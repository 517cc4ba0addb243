"""Attack-test findings: image bombs in moment uploads, mathtext in charts, and survey reports
for instruments without scales."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.conftest import _person
from zichtbaar.moments.forms import MomentForm
from zichtbaar.moments.models import Moment, MomentType

TOO_MANY_PIXELS = "The image has too many pixels"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png(size: tuple[int, int], mode: str = "1") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _post_moment(client, image: SimpleUploadedFile, title: str = "With photo"):
    kind = MomentType.objects.get(org=None, key="event")
    return client.post(
        "/comms/moments/new/",
        {
            "type": kind.pk,
            "title": title,
            "what_happened": "x",
            "happened_on": "2026-12-01",
            "audience_everyone": "on",
            "image": image,
        },
    )


def test_a_small_png_of_ten_thousand_pixels_square_is_refused_before_decoding(
    login, alice, monkeypatch
):
    data = _png((10_000, 10_000))
    assert len(data) < 200 * 1024  # a few KB that would decode to 100 megapixels

    def no_decoding(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    response = _post_moment(
        login(alice), SimpleUploadedFile("bomb.png", data, content_type="image/png")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert TOO_MANY_PIXELS in errors["image"][0]
    assert not Moment.objects.filter(title="With photo").exists()


def test_a_side_over_twelve_thousand_pixels_is_refused(login, alice):
    data = _png((13_000, 20))
    response = _post_moment(login(alice), SimpleUploadedFile("long.png", data, "image/png"))
    assert response.status_code == 400
    assert TOO_MANY_PIXELS in response.context["form"].errors["image"][0]


def test_pillows_decompression_bomb_error_is_a_field_error(login, alice, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)  # 100 x 100 is then a "bomb"
    data = _png((100, 100))
    response = _post_moment(login(alice), SimpleUploadedFile("b.png", data, "image/png"))
    assert response.status_code == 400
    assert TOO_MANY_PIXELS in response.context["form"].errors["image"][0]


def test_the_file_size_is_checked_before_pillow_reads_the_file(login, alice):
    data = b"\x89PNG\r\n\x1a\n" + b"\0" * (6 * 1024 * 1024)
    response = _post_moment(login(alice), SimpleUploadedFile("big.png", data, "image/png"))
    assert response.status_code == 400
    assert "larger than 5 MB" in response.context["form"].errors["image"][0]


@pytest.mark.parametrize(("fmt", "mode"), [("JPEG", "RGB"), ("PNG", "RGBA")])
def test_accepted_images_are_stored_at_most_two_thousand_pixels(login, alice, fmt, mode):
    buf = io.BytesIO()
    Image.new(mode, (3_000, 1_500), "teal").save(buf, format=fmt)
    upload = SimpleUploadedFile(f"p.{fmt.lower()}", buf.getvalue(), f"image/{fmt.lower()}")
    response = _post_moment(login(alice), upload)
    assert response.status_code == 302
    moment = Moment.objects.get(title="With photo")
    with Image.open(moment.image.path) as stored:
        assert stored.size == (2_000, 1_000)
        assert stored.format == fmt


def test_the_limits_are_in_the_help_text(acme):
    help_text = str(MomentForm(org=acme).fields["image"].help_text)
    assert "5 MB" in help_text and "40 megapixels" in help_text and "2,000 pixels" in help_text


# --------------------------------------------------------------------------- charts


MATH = r"Sales $\frac$ EMEA"


def test_a_team_name_with_dollars_does_not_break_the_dashboard(login, acme, alice, make_moment):
    from django.utils import timezone

    from zichtbaar.impact import services as impact
    from zichtbaar.sharing.models import Share, TrackedLink

    people = [alice]
    for i in range(6):
        people.append(_person(acme, f"m{i}@acme.test", f"Math {i}", team=MATH))
        people.append(_person(acme, f"o{i}@acme.test", f"Other {i}", team="Other"))
    moment = make_moment()
    for user in people[:8]:
        link = TrackedLink.objects.create(
            org=acme, moment=moment, user=user, destination="https://acme.test/"
        )
        Share.objects.create(
            org=acme, moment=moment, user=user, link=link, text="Proud", shared_at=timezone.now()
        )
    impact.rollup_clicks()
    response = login(alice).get("/comms/impact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "chart-teams" in html
    assert "Sales $\\frac$ EMEA" in html


def test_survey_chart_labels_with_dollars_stay_text():
    from zichtbaar.surveys import charts

    svg = charts.interval_bars([MATH, "$x^2$"], [0.5, 0.25], [[0.4, 0.6], [0.2, 0.3]], "t", "x")
    assert svg.startswith("<img")
    assert charts.distribution([MATH, "b"], [3, 4], "t", "y").startswith("<img")


# --------------------------------------------------------------------------- survey reports


NO_MODELS = "no scales"  # part of the sentence that says why the models are missing


@pytest.fixture
def survey_without_scales(acme):
    """A closed survey with only the willingness and barrier blocks, answered by 8 people."""
    import random

    from django.test import Client
    from django.urls import reverse

    from zichtbaar.surveys import services
    from zichtbaar.surveys.models import Survey

    s = services.create_survey(
        acme, title_en="Short", title_nl="Kort", blocks=["willingness", "barriers"]
    )
    services.set_status(s, Survey.Status.OPEN)
    rng = random.Random(3)
    url = reverse("surveys:take", args=[s.token])
    for _ in range(8):
        c = Client()
        for page, block in enumerate(s.blocks, start=1):
            data = {"page": page, "action": "next"}
            for item in block["items"]:
                if item["scale"] == "chosen":
                    if rng.random() < 0.5:
                        data[item["id"]] = "on"
                elif item["scale"] in ("agree5", "use5"):
                    data[item["id"]] = str(rng.randint(1, 5))
                elif item["scale"] == "yes_no":
                    data[item["id"]] = str(rng.randint(0, 1))
            assert c.post(url, data).status_code == 302
    services.set_status(s, Survey.Status.CLOSED)
    return s


def test_a_survey_without_scales_makes_the_report_it_can(login, alice, survey_without_scales):
    from django.urls import reverse

    client = login(alice)
    s = survey_without_scales
    page = client.get(reverse("surveys:report", args=[s.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Willing to share" in html and "Barriers" in html
    assert NO_MODELS in html
    assert "What goes with willingness: linear regression" not in html

    pdf = client.get(reverse("surveys:download", args=[s.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf.content)
    text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert NO_MODELS in " ".join(text.split())

    xlsx = client.get(reverse("surveys:download", args=[s.pk, "xlsx"]))
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert any(NO_MODELS in c for c in cells)
