"""'Clicks your shares brought' is one figure: the digest e-mail, My impact and the selector
behind both give the same number for the same person, also when the rollup was behind; the
compose page shows the same figure for one link."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from zichtbaar.impact import services
from zichtbaar.nudges import digests
from zichtbaar.sharing import selectors
from zichtbaar.sharing.models import Click


def _clicks(link, n, *, days_ago, bots=0, visitor="late"):
    at = timezone.now() - dt.timedelta(days=days_ago)
    Click.objects.bulk_create(
        [Click(link=link, at=at, visitor=f"{visitor}{i}") for i in range(n)]
        + [Click(link=link, at=at, visitor=f"bot{i}", is_bot=True) for i in range(bots)]
    )


def test_the_digest_my_impact_and_the_selector_show_the_same_clicks(
    smtp_inbox, acme, carol, make_moment, shared, login, django_capture_on_commit_callbacks
):
    visit = shared(carol, make_moment(title="Client visit"), clicks=4, days_ago=9, bots=2)
    _clicks(visit.link, 3, days_ago=2)
    services.rollup_clicks()  # 7 clicks rolled up, on two days
    # After the last rollup: more clicks on that link and the first on a second share.
    _clicks(visit.link, 5, days_ago=0, bots=1)
    delivery = shared(carol, make_moment(title="Delivery"), clicks=2, days_ago=0)
    make_moment(title="Open day")  # something carol has not shared: the digest has news

    # The digest, queued and sent through the real path to a real SMTP server.
    now = dt.datetime(2026, 1, 7, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # a Wednesday
    with django_capture_on_commit_callbacks(execute=True):
        digests.queue_digests(acme, now=now, force=True)
    [mail] = [m for m in smtp_inbox.messages if m["To"] == "carol@acme.test"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    emailed = int(re.search(r"your links were clicked (\d+) times", text).group(1))

    page = login(carol).get("/me/impact/").content.decode()
    total = re.search(r"<tfoot>.*?</tfoot>", page, re.S).group(0)
    shown = [int(n) for n in re.findall(r'<td class="n">(\d+)</td>', total)]

    figure = selectors.clicks_brought(acme.pk, [carol.pk])[carol.pk]
    assert figure.clicks == emailed == shown[0] == 14  # 4 + 3 + 5 + 2, no bots
    assert len(shown) == 1  # clicks only: visitors can't be added up across links and days
    assert figure.links[delivery.link_id].clicks == 2

    compose = login(carol).get(reverse("compose:moment", args=[visit.moment_id])).content.decode()
    brought = re.search(r"Your link brought (\d+) visits so far, from about (\d+) people", compose)
    link_figure = figure.links[visit.link_id]
    assert (int(brought.group(1)), int(brought.group(2))) == (12, link_figure.visitors)
    assert link_figure.clicks == 12
