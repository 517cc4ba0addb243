"""My impact adds up: every click figure is the same period (since the person joined), each
moment's row shows its own clicks (two shares of one moment are one row, counted once), and the
rows add up to the tile and the headline, which are `clicks_brought` (the digest's figure)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from zichtbaar.impact import selectors, services
from zichtbaar.orgs.models import Membership
from zichtbaar.sharing import selectors as sharing_selectors
from zichtbaar.sharing.models import Click, Share, TrackedLink


def _link(user, moment):
    link, _ = TrackedLink.objects.get_or_create(
        moment=moment, user=user, defaults={"org": moment.org, "destination": "https://acme.test/"}
    )
    return link


def _share(user, moment, *, days_ago, with_link=True):
    return Share.objects.create(
        org=moment.org,
        moment=moment,
        user=user,
        link=_link(user, moment) if with_link else None,
        text="Proud",
        shared_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def _clicks(link, n, *, days_ago, prefix="v"):
    at = timezone.now() - dt.timedelta(days=days_ago)
    Click.objects.bulk_create([Click(link=link, at=at, visitor=f"{prefix}{i}") for i in range(n)])


@pytest.fixture
def world(carol, bob, make_moment):
    """Carol shared "Client visit" twice (one link, 30 + 12 clicks on two days), "Delivery" once
    (20 clicks), "Open day" without a tracked link; bob's 500 clicks never show for her."""
    visit = make_moment(title="Client visit")
    delivery = make_moment(title="Delivery")
    open_day = make_moment(title="Open day")
    first = _share(carol, visit, days_ago=20)
    _clicks(first.link, 30, days_ago=15)
    second = _share(carol, visit, days_ago=5)
    _clicks(second.link, 12, days_ago=2, prefix="w")
    _clicks(_share(carol, delivery, days_ago=3).link, 20, days_ago=1)
    _share(carol, open_day, days_ago=1, with_link=False)
    _clicks(_share(bob, visit, days_ago=4).link, 500, days_ago=1)
    services.rollup_clicks()
    return {"visit": visit, "delivery": delivery, "open_day": open_day}


def _mine(carol):
    membership = Membership.objects.get(user=carol)
    return selectors.my_impact(
        membership, selectors.reach_settings_for(membership.org).assumptions()
    )


def _rows(page: str) -> dict[str, str]:
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        title = re.search(r"<td>(?:<a [^>]*>)?([^<]+)", row).group(1).strip()
        out[html.unescape(title)] = row
    return out


def _row_clicks(row: str) -> int | None:
    found = re.search(r'<td class="n clicks">([\d.,]+)</td>', row)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def test_each_moment_shows_its_own_clicks_and_two_shares_of_one_are_counted_once(carol, world):
    data = _mine(carol)
    by_title = {r.moment.local.title: r for r in data.rows}
    assert by_title["Client visit"].clicks == 42  # 30 + 12 on its one link, not twice
    assert len(by_title["Client visit"].shared_at) == 2
    assert by_title["Delivery"].clicks == 20
    assert by_title["Open day"].clicks is None  # no tracked link: not counted
    assert data.shares_total == 4
    assert data.clicks == data.rows_clicks == 62


def test_the_rows_add_up_to_the_tile_the_headline_and_the_digest_figure(login, carol, world):
    page = login(carol).get("/me/impact/").content.decode()
    rows = _rows(page)
    assert set(rows) == {"Client visit", "Delivery", "Open day"}
    assert _row_clicks(rows["Client visit"]) == 42
    assert _row_clicks(rows["Delivery"]) == 20
    assert "no tracked link" in rows["Open day"]
    assert "500" not in page  # a colleague's clicks never show
    total = sum(_row_clicks(r) or 0 for r in rows.values())

    tile = re.search(r'<li class="number card">\s*<strong>(\d+)</strong>\s*<span>clicks', page)
    footer = re.search(r"<tfoot>.*?<td class=\"n\">(\d+)</td>", page, re.S)
    headline = re.search(r"your 4 shares brought (\d+) clicks on your links", page)
    org_id = Membership.objects.get(user=carol).org_id
    brought = sharing_selectors.clicks_brought(org_id, [carol.pk])
    assert total == int(tile.group(1)) == int(footer.group(1)) == int(headline.group(1)) == 62
    assert brought[carol.pk].clicks == 62


def test_every_figure_states_its_period(login, carol, world):
    page = login(carol).get("/me/impact/").content.decode()
    joined = Membership.objects.get(user=carol).created_at
    since = f"{timezone.localtime(joined).day} {timezone.localtime(joined):%B %Y}"
    assert f"Since you joined on {since}, your 4 shares brought 62 clicks" in page
    assert f"since you joined on {since}" in page  # under the clicks tile
    assert "as in your profile today" in page  # the network
    assert "per post, an estimate" in page  # estimated views
    assert "this quarter" not in page
    # People can't be added up across links and days: the page says so instead of summing.
    assert "We count clicks, not people" in page


def test_a_moment_title_opens_its_compose_page(login, carol, world):
    page = login(carol).get("/me/impact/").content.decode()
    url = reverse("compose:moment", kwargs={"moment_id": world["delivery"].pk})
    assert f'<a href="{url}">Delivery</a>' in page


def test_clicks_on_a_link_whose_share_was_not_recorded_still_have_their_row(
    login, carol, world, make_moment
):
    unrecorded = make_moment(title="Award")
    _clicks(_link(carol, unrecorded), 7, days_ago=1, prefix="u")
    services.rollup_clicks()
    data = _mine(carol)
    assert data.clicks == data.rows_clicks == 69
    page = login(carol).get("/me/impact/").content.decode()
    award = _rows(page)["Award"]
    assert _row_clicks(award) == 7 and "link made, no share recorded" in award


def test_beyond_the_listed_rows_older_moments_are_one_line_that_keeps_the_sum(
    monkeypatch, login, carol, world
):
    monkeypatch.setattr(selectors, "MY_SHARES", 1)  # only the newest moment listed
    data = _mine(carol)
    assert len(data.rows) == 1 and data.older_moments == 2
    assert data.rows_clicks == data.clicks == 62
    page = login(carol).get("/me/impact/").content.decode()
    assert "2 older moments" in page


def test_in_dutch_the_period_is_stated_too(login, bob, world):
    """Needs the merged Dutch translations (compilemessages) to pass."""
    page = login(bob).get("/me/impact/").content.decode()
    assert "Sinds je begon op" in page
    assert "klikken op je links" in page
