"""Every e-mail nudge in Dutch and English, escaped in HTML and readable as plain text."""

from __future__ import annotations

import datetime as dt

import pytest

from zichtbaar.nudges import preferences, queueing, selectors
from zichtbaar.orgs.models import Membership

TITLE = 'Bridge <opened> & "ready"'


def _render(kind, user, **context):
    membership = Membership.objects.select_related("user__profile", "org").get(user=user)
    pref = preferences.preference_for(membership)
    ctx = queueing.email_context(membership, pref, **context)
    return queueing.render_email(kind, ctx, pref.lang)


@pytest.fixture
def moment(make_moment, now):
    return make_moment(title=TITLE, shareable_until=now + dt.timedelta(hours=30))


@pytest.mark.parametrize(
    ("user", "hello", "kinds"),
    [
        (
            "bob",
            "Hallo Bob,",
            {
                "prompt": "Zin om dit te delen?",
                "reminder": "Nog even te delen:",
                "welcome": "Welkom bij Zichtbaar van Acme",
            },
        ),
        (
            "carol",
            "Hello Carol,",
            {
                "prompt": "Want to share this?",
                "reminder": "Still shareable for a little while:",
                "welcome": "Welcome to Zichtbaar at Acme",
            },
        ),
    ],
)
def test_each_nudge_speaks_the_persons_language(request, moment, user, hello, kinds):
    person = request.getfixturevalue(user)
    for kind, subject_start in kinds.items():
        subject, text, html = _render(kind, person, moment=moment, url="https://z.test/m/1/")
        assert subject.startswith(subject_start), (kind, subject)
        if kind != "welcome":
            assert subject.endswith(TITLE), "a subject is plain text: nothing escaped"
            assert TITLE in text
            assert "Bridge &lt;opened&gt; &amp; &#34;ready&#34;" in html
            assert "<opened>" not in html
        assert text.startswith(hello) and hello in html
        assert "/nudges/unsubscribe/" in text and "/nudges/unsubscribe/" in html
        assert f'<html lang="{person.profile.language}">' in html
        assert f"<title>{subject[:10]}" in html.replace("&#34;", '"').replace("&lt;", "<")


def test_the_reminder_names_the_time_in_the_persons_language(moment, bob, carol):
    _s, dutch, _h = _render("reminder", bob, moment=moment, url="https://z.test/m/1/")
    _s, english, _h = _render("reminder", carol, moment=moment, url="https://z.test/m/1/")
    assert "kun je nog delen tot 8 januari 2026" in dutch
    assert "can be shared until Jan. 8, 2026" in english


def test_the_digest_counts_moments_and_says_one_line_about_impact(make_moment, carol):
    make_moment()
    membership = Membership.objects.get(user=carol)
    digest = selectors.digest_for(membership)
    subject, text, html = _render("digest", carol, digest=digest)
    assert subject == "1 moment worth sharing"
    assert "Your network: 400 people." in text and "Your network: 400 people." in html
    test_subject, _t, _h = _render("digest", carol, digest=digest, is_test=True)
    assert test_subject == "[Test] 1 moment worth sharing"


def test_the_impact_line_counts_posts_and_clicks_each_in_its_own_plural():
    from django.utils import translation

    from zichtbaar.nudges.emails import impact_line

    with translation.override("en"):
        assert impact_line(1, 1, 0) == ("So far you shared 1 post; your links were clicked 1 time.")
        assert impact_line(2, 0, 0) == (
            "So far you shared 2 posts; your links were clicked 0 times."
        )


def test_the_digest_shows_at_most_forty_words_of_what_happened(make_moment, carol):
    long = " ".join(f"word{i}" for i in range(60))
    make_moment(what_happened=long)
    digest = selectors.digest_for(Membership.objects.get(user=carol))
    _s, text, html = _render("digest", carol, digest=digest)
    for body in (text, html):
        assert "word39…" in body
        assert "word45" not in body.split("A draft")[0]  # the summary above the draft is short
