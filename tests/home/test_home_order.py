"""The home leads with what can be shared now; moments under embargo wait in their own section
with their date; a card never says that nobody shared it."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone


def test_shareable_first_embargoed_apart_and_no_zero_counts(login, bob, make_moment):
    soon = make_moment(
        title="Launch next week",
        happened_on=timezone.localdate() + dt.timedelta(days=7),
        shareable_from=timezone.now() + dt.timedelta(days=7),
    )
    now = make_moment(
        title="Bridge opened", happened_on=timezone.localdate() - dt.timedelta(days=3)
    )
    page = login(bob).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for_you = re.search(r'id="all-title".*?</section>', page, re.S).group(0)
    coming = re.search(r'id="coming-title".*?</section>', page, re.S).group(0)
    assert now.title in for_you and soon.title not in for_you
    assert soon.title in coming
    assert "0 colleagues shared this" not in page and "0 collega" not in page
