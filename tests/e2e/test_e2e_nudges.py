"""Nudges in the browser: choosing notification preferences, and unsubscribing from an e-mail."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.nudges.conftest import always_open


def test_notification_preferences(carol, site, new_page, sign_in, screenshot):
    from zichtbaar.nudges import preferences
    from zichtbaar.orgs.models import Membership

    page = new_page()
    sign_in(page, carol.email)
    page.goto(f"{site}/me/notifications/")
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_label("Send me nudges by e-mail")).to_be_checked()
    page.get_by_label("A digest of moments for me").select_option("biweekly")
    page.get_by_label("A short note when a moment happens or is about to expire").uncheck()
    page.get_by_label("At most this many nudges a week").fill("1")
    page.get_by_label("Quiet from").fill("19:00")
    page.get_by_label("Friday").check()
    screenshot(page, "form")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.get_by_label("A digest of moments for me")).to_have_value("biweekly")
    expect(page.get_by_label("Friday")).to_be_checked()
    pref = preferences.preference_for(Membership.objects.get(user=carol))
    assert (pref.frequency, pref.prompts, pref.max_per_week) == ("biweekly", False, 1)
    assert sorted(pref.quiet_days) == [4, 5, 6] and pref.quiet_start.hour == 19

    feed = page.get_by_label("Calendar address")
    old = feed.input_value()
    assert re.search(r"/nudges/calendar/[\w-]+\.ics$", old)
    page.get_by_role("button", name=re.compile("Make a new address")).click()
    expect(page.get_by_label("Calendar address")).not_to_have_value(old)


def test_unsubscribe_from_the_link_in_a_received_email(
    settings, smtp_inbox, carol, make_moment, site, new_page, screenshot
):
    from zichtbaar.nudges import digests, preferences
    from zichtbaar.orgs.models import Membership

    settings.SITE_URL = site
    always_open(carol)  # the real clock: not held back by quiet hours in the evening
    make_moment()
    digests.queue_digests(carol.memberships.get().org, force=True)  # autocommit: sent now
    [msg] = [m for m in smtp_inbox.messages if m["To"] == carol.email]
    html = msg.get_body(preferencelist=("html",)).get_content()
    link = re.search(r'<a href="([^"]+)"[^>]*>Stop these e-mails</a>', html).group(1)
    assert link.startswith(f"{site}/nudges/unsubscribe/")

    page = new_page()  # a fresh browser: not signed in
    page.goto(link)
    expect(page.get_by_text("Stop all e-mail nudges")).to_be_visible()
    screenshot(page, "confirm")
    page.get_by_role("button", name="Stop these e-mails").click()
    expect(page.get_by_role("status")).to_contain_text("You'll get no more e-mail nudges")
    screenshot(page, "done")
    pref = preferences.preference_for(Membership.objects.get(user=carol))
    assert pref.email is False and pref.unsubscribed_at is not None

    page.get_by_role("button", name="Send me nudges again").click()
    expect(page.get_by_role("button", name="Stop these e-mails")).to_be_visible()
    pref.refresh_from_db()
    assert pref.email is True
