"""Every e-mail in Zichtbaar's voice, in the person's language, through a real SMTP server.

Invitations carry the organisation's name as typed ("Van Dijk & Partners", never "&amp;") in
their subject and text part; allauth's mails (sign-in code, password reset, ...) are ours too:
no site-domain prefix, no "Hello from 127.0.0.1", and one word for the sign-in code.
"""

from __future__ import annotations

import re

import pytest

from tests.smtp import text_of
from zichtbaar.orgs.models import Organisation
from zichtbaar.orgs.services import invite

NAME = "Van Dijk & Partners"
ALLAUTH_DEFAULTS = ("127.0.0.1", "example.com", "testserver", "Hello from", "Hallo van", "[")


def html_of(msg) -> str:
    part = msg.get_body(preferencelist=("html",))
    return part.get_content() if part else ""


def invitation_mail(smtp_inbox, capture, language):
    org = Organisation.objects.create(slug="vandijk", name=NAME, default_language=language)
    with capture(execute=True):
        invite(org=org, email="new@vandijk.test", role="employee", team=None, invited_by=None)
    assert len(smtp_inbox.messages) == 1
    return smtp_inbox.messages[0]


def test_a_dutch_invitation_names_the_organisation_as_typed(
    db, smtp_inbox, django_capture_on_commit_callbacks
):
    msg = invitation_mail(smtp_inbox, django_capture_on_commit_callbacks, "nl")
    text = text_of(msg)
    assert msg["Subject"] == f"Je bent uitgenodigd voor Zichtbaar van {NAME}"
    assert NAME in text
    assert "&amp;" not in msg["Subject"] + text
    assert text.startswith("Hallo,")
    # The HTML part escapes it, as HTML must, and carries the product's header.
    assert "Van Dijk &amp; Partners" in html_of(msg)
    assert "Zichtbaar · Van Dijk &amp; Partners" in html_of(msg)
    assert 'lang="nl"' in html_of(msg)


def test_an_english_invitation_names_the_organisation_as_typed(
    db, smtp_inbox, django_capture_on_commit_callbacks
):
    msg = invitation_mail(smtp_inbox, django_capture_on_commit_callbacks, "en")
    text = text_of(msg)
    assert msg["Subject"] == f"You're invited to Zichtbaar at {NAME}"
    assert f"invites you to Zichtbaar at {NAME}:" in text
    assert "&amp;" not in msg["Subject"] + text
    assert "Not for you? Then ignore this e-mail" in text


def sign_in_code_mail(client, smtp_inbox, user, accept_language):
    response = client.post(
        "/accounts/login/code/", {"email": user.email}, HTTP_ACCEPT_LANGUAGE=accept_language
    )
    assert response.status_code == 302
    assert len(smtp_inbox.messages) == 1
    msg = smtp_inbox.messages[0]
    return msg, msg["Subject"], text_of(msg).replace("\r\n", "\n")


def assert_ours(subject: str, text: str) -> None:
    greeting = text.splitlines()[0]
    for default in ALLAUTH_DEFAULTS:
        assert default not in subject, subject
        assert default not in greeting, greeting
    assert "127.0.0.1" not in text and "example.com" not in text
    assert text.rstrip().endswith("Zichtbaar")


def test_the_sign_in_code_mail_in_dutch(client, bob, smtp_inbox):
    msg, subject, text = sign_in_code_mail(client, smtp_inbox, bob, "nl")
    assert_ours(subject, text)
    assert subject == "Je inlogcode voor Zichtbaar"
    assert text.startswith("Hallo,")
    # One word for it, every time: the subject, the line above the code, the line below.
    assert text.lower().count("inlogcode") == 2
    for other in (
        "login code",
        "logincode",
        "inlog-code",
        "aanmeldcode",
        "sign-in",
        "verificatiecode",
    ):
        assert other not in (subject + text).lower(), other
    assert re.search(r"^\s+[A-Z0-9]{4}-[A-Z0-9]{4}$", text, re.MULTILINE), text


def test_the_sign_in_code_mail_in_english(client, carol, smtp_inbox):
    msg, subject, text = sign_in_code_mail(client, smtp_inbox, carol, "en")
    assert_ours(subject, text)
    assert subject == "Your sign-in code for Zichtbaar"
    assert text.startswith("Hello,")
    assert text.lower().count("sign-in code") == 2
    for other in ("login code", "log-in code", "sign in code", "signin code", "inlogcode"):
        assert other not in (subject + text).lower(), other
    assert re.search(r"^\s+[A-Z0-9]{4}-[A-Z0-9]{4}$", text, re.MULTILINE), text


@pytest.mark.parametrize(
    ("person", "accept_language", "subject", "greeting"),
    [
        # allauth names the person here, so the mail follows their profile, not the browser.
        ("carol", "nl", "Choose a new password for Zichtbaar", "Hello,"),
        ("bob", "en", "Kies een nieuw wachtwoord voor Zichtbaar", "Hallo,"),
    ],
)
def test_a_password_reset_mail_is_in_the_persons_own_language(
    request, client, smtp_inbox, person, accept_language, subject, greeting
):
    user = request.getfixturevalue(person)
    response = client.post(
        "/accounts/password/reset/", {"email": user.email}, HTTP_ACCEPT_LANGUAGE=accept_language
    )
    assert response.status_code == 302
    assert len(smtp_inbox.messages) == 1
    msg = smtp_inbox.messages[0]
    text = text_of(msg)
    assert msg["Subject"] == subject
    assert text.startswith(greeting)
    assert_ours(msg["Subject"], text)
    assert re.search(r"http://\S+/accounts/password/reset/key/\S+", text), text


def test_confirming_a_new_address_is_in_our_voice(login, carol, smtp_inbox):
    response = login(carol).post(
        "/accounts/email/", {"email": "carol.smith@acme.test", "action_add": ""}
    )
    assert response.status_code in (200, 302)
    assert len(smtp_inbox.messages) == 1
    msg = smtp_inbox.messages[0]
    text = text_of(msg)
    assert msg["To"] == "carol.smith@acme.test"
    assert msg["Subject"] == "Confirm your e-mail address for Zichtbaar"
    assert_ours(msg["Subject"], text)
    assert "Here is the code that confirms this address is yours." in text


def test_the_sign_in_code_mail_follows_the_persons_language_not_the_browsers(
    client, carol, smtp_inbox
):
    msg, subject, text = sign_in_code_mail(client, smtp_inbox, carol, "nl")
    assert subject == "Your sign-in code for Zichtbaar"
    assert text.startswith("Hello,")
