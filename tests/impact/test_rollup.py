"""Clicks summed per link per day by a background task; pages never read raw clicks."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from zichtbaar.impact import services
from zichtbaar.impact.models import RollupState
from zichtbaar.sharing.models import Click, ClickDaily


def test_clicks_are_summed_per_link_per_day_without_bots(make_moment, shared, bob):
    share = shared(bob, make_moment(), clicks=5, bots=4, days_ago=2)
    link = share.link
    Click.objects.create(link=link, at=timezone.now(), visitor="v0", is_bot=False)
    Click.objects.create(link=link, at=timezone.now(), visitor="v0", is_bot=False)
    result = services.rollup_clicks()
    assert result.clicks_read == 11
    rows = {r.day: r for r in ClickDaily.objects.filter(link=link)}
    today = timezone.localdate()
    assert rows[today - dt.timedelta(days=2)].clicks == 5
    assert (rows[today].clicks, rows[today].visitors) == (2, 1)
    row = rows[today]
    assert (row.org_id, row.moment_id, row.user_id) == (link.org_id, link.moment_id, bob.pk)
    assert row.team.name == "Engineering"


def test_new_clicks_on_a_summed_day_are_recomputed_not_double_counted(make_moment, shared, bob):
    link = shared(bob, make_moment(), clicks=3, days_ago=0).link
    services.rollup_clicks()
    services.rollup_clicks()  # nothing new: nothing changes
    Click.objects.create(link=link, at=timezone.now(), visitor="v0", is_bot=False)  # seen today
    Click.objects.create(link=link, at=timezone.now(), visitor="new", is_bot=False)
    services.rollup_clicks(batch=1)  # tiny batches give the same answer
    row = ClickDaily.objects.get(link=link)
    assert (row.clicks, row.visitors) == (5, 4)
    assert RollupState.objects.get(key="clicks").last_click_id == Click.objects.latest("id").pk


def test_the_command_runs_the_rollup(make_moment, shared, bob, capsys):
    shared(bob, make_moment(), clicks=2)
    call_command("impact_rollup")
    assert "2 clicks read" in capsys.readouterr().out
    assert ClickDaily.objects.get().clicks == 2


def test_pages_ask_the_worker_for_a_rollup_at_most_every_few_minutes(
    login, bob, make_moment, shared, django_capture_on_commit_callbacks
):
    shared(bob, make_moment(), clicks=3)
    client = login(bob)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get("/me/impact/")
        client.get("/me/impact/")
    assert len(callbacks) == 1  # the second view found a fresh request and enqueued nothing
    assert ClickDaily.objects.get().clicks == 3  # the immediate backend ran the task
    assert ">3<" in client.get("/me/impact/").content.decode()


def test_the_personal_page_reads_no_raw_clicks(login, bob, make_moment, shared):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shared(bob, make_moment(), clicks=3)
    services.rollup_clicks()
    client = login(bob)
    client.get("/me/impact/")
    for url in ("/me/impact/", "/impact/sum/"):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        assert not [q for q in ctx.captured_queries if '"sharing_click"' in q["sql"]], url
