"""The effect report from real shares, its exports, and the follow-ups through the nudges."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2
import pypdfium2.raw
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.nudges.conftest import always_open
from zichtbaar.nudges.models import Kind, Message
from zichtbaar.nudges.periodic import run_periodic
from zichtbaar.sharing.models import Share
from zichtbaar.workshops import followups, services
from zichtbaar.workshops.models import Participant

pytestmark = pytest.mark.django_db


def _share(user, moment, when):
    Share.objects.create(org=moment.org, moment=moment, user=user, text="x", shared_at=when)


@pytest.fixture
def held_seven_weeks_ago(workshop):
    workshop.held_on = timezone.localdate() - dt.timedelta(weeks=7)
    workshop.save()
    return workshop


def _take_part(workshop, users):
    from zichtbaar.orgs.models import Membership

    for user in users:
        services.join(workshop, Membership.objects.get(user=user, org=workshop.org))


def test_the_report_finds_that_participants_shared_more(
    login, trainer, acme, held_seven_weeks_ago, people, make_moment
):
    from tests.conftest import _person

    workshop = held_seven_weeks_ago
    moment = make_moment()
    stay_aways = [
        _person(acme, f"other{i}@acme.test", f"Other {i}", team="Engineering") for i in range(6)
    ]
    _take_part(workshop, people)
    start = timezone.make_aware(dt.datetime.combine(workshop.held_on, dt.time(12)))
    for user in people + stay_aways:
        _share(user, moment, start - dt.timedelta(weeks=4))  # one share before, everyone
    for user in people:
        for week in range(6):  # one a week after, participants only
            _share(user, moment, start + dt.timedelta(weeks=week, days=1))
    page = login(trainer).get(reverse("workshops:report", args=[workshop.pk]))
    r = page.context["r"]
    assert r.ready and r.effect.has_comparison
    assert r.effect.participants == 7 and r.effect.comparison == 6
    # Participants: 1/8 -> 1 a week; comparison: 1/8 -> 0. DiD = 0.875 + 0.125 = 1.
    assert r.effect.estimate == pytest.approx(1.0)
    assert r.effect.direction == "more"
    assert "Participants shared more often after the workshop" in page.content.decode()


def test_too_few_participants_show_no_figures(login, trainer, held_seven_weeks_ago, people):
    _take_part(held_seven_weeks_ago, people[:3])
    page = login(trainer).get(reverse("workshops:report", args=[held_seven_weeks_ago.pk]))
    assert page.context["r"].too_few
    assert page.context["r"].effect is None
    assert "Too few participants" in page.content.decode()


def test_before_six_weeks_the_report_says_when(login, trainer, workshop, people):
    _take_part(workshop, people)
    page = login(trainer).get(reverse("workshops:report", args=[workshop.pk]))
    assert page.context["r"].effect is None
    assert "in 42 days" in page.content.decode()


def test_the_exports_in_both_languages(client, login, trainer, held_seven_weeks_ago, people):
    from openpyxl import load_workbook

    _take_part(held_seven_weeks_ago, people)
    c = login(trainer)
    xlsx = c.get(reverse("workshops:report_xlsx", args=[held_seven_weeks_ago.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "Summary"
    assert "Shares per week" in book.sheetnames
    pdf = c.get(reverse("workshops:report_pdf", args=[held_seven_weeks_ago.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(pdf.content)
    assert pypdfium2.raw.FPDFCatalog_IsTagged(document.raw)  # screen readers can follow it
    assert "Did people post more often?" in document[0].get_textpage().get_text_range()


def test_follow_ups_go_out_through_the_nudges_once_with_a_draft(
    client, login, trainer, workshop, people, make_moment
):
    moment = make_moment()
    _take_part(workshop, people[:2])
    always_open(*people[:2])
    services.close(workshop, now=timezone.now() - dt.timedelta(days=8))
    now = timezone.now()
    run_periodic(now)
    run_periodic(now)  # again: nothing twice
    sent = Message.objects.filter(kind=Kind.FOLLOWUP)
    assert sent.count() == 2
    message = sent.first()
    assert message.moment_id == moment.pk
    assert "LinkedIn for Engineering" in message.body_text
    assert "acme.test/cases/library" in message.body_text  # the ready draft ends with the link
    # The 2- and 4-week ones aren't due yet.
    assert (
        Participant.objects.get(membership__user=people[0])
        .followups.filter(queued_at__isnull=True)
        .count()
        == 2
    )


def test_one_click_turns_the_follow_ups_off(client, workshop, people, make_moment):
    make_moment()
    _take_part(workshop, people[:1])
    always_open(people[0])
    participant = Participant.objects.get(membership__user=people[0])
    url = reverse("workshops:followups_off", args=[followups.off_token(participant.pk)])
    assert client.get(url).status_code == 200  # a link scanner's GET changes nothing
    participant.refresh_from_db()
    assert not participant.followups_off
    client.post(url)
    participant.refresh_from_db()
    assert participant.followups_off
    services.close(workshop, now=timezone.now() - dt.timedelta(days=30))
    run_periodic(timezone.now())
    assert not Message.objects.filter(kind=Kind.FOLLOWUP).exists()
    assert client.get(reverse("workshops:followups_off", args=["forged"])).status_code == 404
