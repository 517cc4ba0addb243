"""The comms dashboard shows LinkedIn's own figures for posts made through Zichtbaar, apart
from the estimates; withheld below the anonymity threshold; never another organisation's."""

from __future__ import annotations

from tests.conftest import _person
from tests.impact.test_mine_linkedin import _sent

TITLE = "Measured by LinkedIn"


def _posters(org, make_moment, n, prefix, impressions=100):
    moment = make_moment(org=org)
    for i in range(n):
        user = _person(org, f"{prefix}{i}@{org.slug}.test", f"P{i}", language="en")
        _sent(
            user.memberships.get(),
            moment,
            f"{prefix}-{i}",
            impressions=impressions,
            members_reached=80,
            reactions=3,
            comments=1,
            reshares=0,
        )


def _page(client) -> str:
    return client.get("/comms/impact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_without_a_linkedin_app_the_dashboard_says_nothing_about_it(login, alice):
    assert TITLE not in _page(login(alice))


def test_without_the_permission_reach_stays_an_estimate(
    settings, fake, login, alice, acme, make_moment
):
    settings.ZICHTBAAR_LINKEDIN_ANALYTICS = False
    _posters(acme, make_moment, 5, "a")
    page = _page(login(alice))
    assert TITLE in page and "stays an estimate" in page


def test_figures_above_the_threshold_only_this_organisations(
    settings, fake, login, alice, acme, other_org, make_moment
):
    settings.ZICHTBAAR_LINKEDIN_ANALYTICS = True
    _posters(acme, make_moment, 4, "a")
    # Another organisation's posts: many, and loud. They must never count for Acme.
    _posters(other_org, make_moment, 6, "o", impressions=99_999)
    page = _page(login(alice))
    assert "once at least 5 people posted" in page
    assert "99,999" not in page and "599,994" not in page

    _posters(acme, make_moment, 1, "b")
    page = _page(login(alice))
    assert "by 5 people" in page
    assert ">500<" in page  # 5 posts x 100 impressions, Acme's alone
    assert "599,994" not in page
