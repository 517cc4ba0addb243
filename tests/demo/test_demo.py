"""The demo organisation: realistic sizes, idempotent, and never touching anyone else."""

from __future__ import annotations

import re
import statistics
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from zichtbaar.demo.builder import BOT_AGENTS, HUMAN_AGENTS, LOGINS, PASSWORD, load_demo
from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.orgs.models import Membership, Organisation, Profile, Role, Team
from zichtbaar.sharing.models import Click, Share, TrackedLink
from zichtbaar.sharing.services import get_or_create_link, is_bot, record_click, record_share
from zichtbaar.surveys.models import Survey


def demo_counts() -> dict[str, int]:
    org = Organisation.objects.get(slug="demo")
    return {
        "people": Membership.objects.filter(org=org).count(),
        "teams": Team.objects.filter(org=org).count(),
        "moments": Moment.objects.filter(org=org).count(),
        "shares": Share.objects.filter(org=org).count(),
        "links": TrackedLink.objects.filter(org=org).count(),
        "clicks": Click.objects.filter(link__org=org).count(),
        "bots": Click.objects.filter(link__org=org, is_bot=True).count(),
        "surveys": Survey.objects.filter(org=org).count(),
    }


def other_org_snapshot(org: Organisation) -> dict[str, object]:
    return {
        "org": Organisation.objects.filter(pk=org.pk).values().get(),
        "people": list(Membership.objects.filter(org=org).values()),
        "teams": list(Team.objects.filter(org=org).values()),
        "moments": list(Moment.objects.filter(org=org).values()),
        "shares": list(Share.objects.filter(org=org).values()),
        "links": list(TrackedLink.objects.filter(org=org).values()),
        "clicks": list(Click.objects.filter(link__org=org).values()),
        "profiles": list(Profile.objects.filter(user__memberships__org=org).values()),
    }


@pytest.mark.django_db
def test_the_demo_at_full_scale_is_realistic():
    out = StringIO()
    call_command("demo", stdout=out)
    first = demo_counts()
    output = out.getvalue()
    assert "http://127.0.0.1:8000" in output
    assert PASSWORD in output
    for login in LOGINS:
        assert login.email in output
    assert re.search(r"Loading clicks… \d+/\d+", output)

    org = Organisation.objects.get(slug="demo")
    assert org.name == "Van Dijk & Partners"
    assert org.default_language == "nl"
    assert 2000 <= org.linkedin_followers <= 3000
    assert 110 <= first["people"] <= 130
    assert first["teams"] == 8
    assert first["moments"] == 30
    moments = Moment.objects.filter(org=org)
    keys = list(moments.values_list("type__key", flat=True))
    assert len(set(keys)) == 10
    assert all(keys.count(key) == 3 for key in set(keys))
    assert moments.filter(status=MomentStatus.SUBMITTED).count() == 2
    assert moments.filter(status=MomentStatus.ARCHIVED).count() == 2
    assert moments.filter(audience_everyone=False).exists()
    assert any(m.is_embargoed for m in moments.filter(status=MomentStatus.PUBLISHED))
    assert 600 <= first["shares"] <= 900
    # About 1% of the estimated views (LinkedIn's link click-through is 0.5-2%).
    assert 300 <= first["clicks"] <= 1000
    assert 0.05 <= first["bots"] / first["clicks"] <= 0.11

    profiles = Profile.objects.filter(user__memberships__org=org)
    connections = list(profiles.values_list("connections", flat=True))
    assert 300 <= statistics.median(connections) <= 500
    assert sum(c > 3000 for c in connections) >= 2
    english = profiles.filter(language="en").count() / first["people"]
    assert 0.08 <= english <= 0.22
    sharers = Share.objects.filter(org=org).values("user").distinct().count()
    assert 0.25 <= sharers / first["people"] <= 0.45


def test_running_it_again_gives_the_same_counts_and_leaves_other_orgs_alone(acme, bob, make_moment):
    # Another organisation with its own moment, share, link and click.
    moment = make_moment()
    link = get_or_create_link(moment, bob)
    record_share(moment=moment, user=bob, text=f"Kijk! /l/{link.code}")
    record_click(link.pk, "192.0.2.1", "Mozilla/5.0")
    before = other_org_snapshot(acme)

    first_summary = load_demo(scale=0.1)
    first = demo_counts()
    second_summary = load_demo(scale=0.1)
    assert demo_counts() == first
    assert second_summary == first_summary
    assert 20 <= first["clicks"] <= 120
    assert first["surveys"] == 1  # rebuilt, not added again
    assert Organisation.objects.filter(slug="demo").count() == 1
    assert other_org_snapshot(acme) == before


@pytest.mark.django_db
def test_the_three_logins_can_sign_in_and_show_what_they_promise():
    load_demo(scale=0.05)
    org = Organisation.objects.get(slug="demo")
    users = {}
    for login in LOGINS:
        user = authenticate(email=login.email, password=PASSWORD)
        assert user is not None, login.email
        users[login.email.split("@")[0]] = user
    sanne, james, lotte = users["sanne"], users["james"], users["lotte"]

    assert sanne.profile.onboarded_at is None
    assert sanne.profile.language == "nl"
    assert sanne.memberships.get(org=org).team.name == "Data & AI"

    assert james.profile.onboarded_at is not None
    assert james.profile.language == "en"
    assert james.profile.barrier == "value"
    assert james.memberships.get(org=org).team.name == "Cloud"
    assert Share.objects.filter(user=james).exists()

    membership = lotte.memberships.get(org=org)
    assert membership.role == Role.COMMS
    assert membership.team.name == "Marketing & Communicatie"
    assert lotte.profile.onboarded_at is not None

    # Everyone else has an unusable password.
    others = Membership.objects.filter(org=org).exclude(user__in=users.values())
    assert not any(m.user.has_usable_password() for m in others.select_related("user"))


@pytest.mark.django_db
def test_shares_and_clicks_are_consistent():
    load_demo(scale=0.1)
    org = Organisation.objects.get(slug="demo")
    now = timezone.now()
    shares = Share.objects.filter(org=org).select_related("moment", "link")
    assert shares.exists()
    for share in shares:
        moment = share.moment
        assert moment.status in (MomentStatus.PUBLISHED, MomentStatus.ARCHIVED)
        assert moment.shareable_from <= share.shared_at <= now
        assert moment.shareable_until is None or share.shared_at <= moment.shareable_until
        assert moment.happened_on <= timezone.localdate(share.shared_at)
        assert share.link is not None and share.link.user_id == share.user_id
        assert share.link.destination.startswith(moment.link + "?utm_source=linkedin")
        assert f"/l/{share.link.code}" in share.text
        if not moment.audience_everyone:
            team_ids = set(moment.audience_teams.values_list("id", flat=True))
            assert share.user.memberships.get(org=org).team_id in team_ids
        assert share.user.profile.consent_tracking
    clicks = Click.objects.filter(link__org=org)
    assert 20 <= clicks.count() <= 120
    assert not clicks.filter(at__gt=now).exists()
    assert not clicks.filter(at__lt=F("link__created_at")).exists()
    assert all(len(v) == 32 for v in clicks.values_list("visitor", flat=True)[:50])
    # Nothing is shared from moments that are not (yet) out.
    assert not Share.objects.filter(
        org=org, moment__status__in=[MomentStatus.DRAFT, MomentStatus.SUBMITTED]
    ).exists()


def test_bot_agents_are_recognised_as_bots():
    assert all(is_bot(agent) for agent in BOT_AGENTS)
    assert not any(is_bot(agent) for agent in HUMAN_AGENTS)
