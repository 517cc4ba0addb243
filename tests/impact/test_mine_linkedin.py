"""My impact shows LinkedIn's own figures for posts made through Zichtbaar, apart from the
estimates and labelled "measured by LinkedIn"; without the permission, a line that reach stays
an estimate; without a LinkedIn app, nothing at all."""

from __future__ import annotations

from django.utils import timezone

from tests.fakes.linkedin_server import connect
from zichtbaar.sharing.models import LinkedInPost

ESTIMATE = "estimated views of one post of yours"


def _sent(membership, moment, text, **figures):
    now = timezone.now()
    return LinkedInPost.objects.create(
        org=membership.org,
        membership=membership,
        moment=moment,
        text=text,
        run_at=now,
        next_try_at=now,
        state="sent",
        sent_at=now,
        idempotency=text.ljust(64, "x")[:64],
        post_urn="urn:li:share:7",
        post_url="https://www.linkedin.com/feed/update/urn:li:share:7/",
        metrics_at=now if figures else None,
        **figures,
    )


def test_without_a_linkedin_app_my_impact_says_nothing_about_it(login, carol):
    page = login(carol).get("/me/impact/").content.decode()
    assert "Measured by LinkedIn" not in page and ESTIMATE in page


def test_without_the_analytics_permission_reach_stays_an_estimate(
    settings, fake, login, carol, make_moment
):
    connect(carol, fake, "member-2")
    _sent(carol.memberships.get(), make_moment(), "Posted via Zichtbaar", impressions=5)
    page = login(carol).get("/me/impact/").content.decode()
    assert "so your reach above stays an estimate" in page
    assert "Impressions" not in page and ESTIMATE in page


def test_with_the_permission_each_post_shows_what_linkedin_measured(
    settings, fake, login, carol, bob, make_moment
):
    settings.ZICHTBAAR_LINKEDIN_ANALYTICS = True
    connect(carol, fake, "member-2")
    moment = make_moment()
    _sent(
        carol.memberships.get(),
        moment,
        "Measured post",
        impressions=1234,
        members_reached=987,
        reactions=21,
        comments=4,
        reshares=2,
    )
    _sent(carol.memberships.get(), make_moment(title="Second"), "Not yet read")
    _sent(bob.memberships.get(), moment, "Bob's post", impressions=99999, members_reached=1)
    page = login(carol).get("/me/impact/").content.decode()
    section = page.split('id="measured-title"', 1)[1].split("</section>", 1)[0]
    assert "measured by LinkedIn" in section
    for figure in ("1,234", "987", "21", "4", "2"):
        assert f">{figure}<" in section
    assert "not measured yet" in section  # the second post, before LinkedIn reported on it
    assert "99,999" not in page  # never a colleague's figures
    # The estimates stay as they were, outside this section.
    assert ESTIMATE in page.split('id="measured-title"', 1)[0]
