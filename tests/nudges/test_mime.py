"""The nudge e-mail built by hand (channels/mime.py) reads exactly like what was rendered."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.core.mail import BadHeaderError

from zichtbaar.nudges.channels import mime
from zichtbaar.nudges.channels.email import Mailer

TEXT = (
    "Hallo Zoë,\n\n"
    "Een regel met = en 100% en een spatie aan het eind \n"
    "From the start of a line, and a lone dot next:\n.\n"
    + "lang " * 60
    + "\n"
    + "x" * 1200
    + "\n🎉 Done\n"
)
HTML = '<p>Hallo Zoë,</p>\n<p style="color:#0e5e5a">a=b &amp; c</p>\n' + "<span>y</span>" * 200


def parsed(raw: bytes):
    # As a mail client stores it: local line endings (the parser keeps the wire's CRLF).
    return message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=policy.default)


def parts(message) -> dict[str, str]:
    return {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}


def test_text_and_html_survive_exactly_with_unicode_long_lines_and_equals_signs():
    raw = mime.build(
        from_email="Zichtbaar <nudges@acme.test>",
        to="Zoë de Vries <zoe@acme.test>",
        subject="3 momenten om te delen · één draft klaar",
        text=TEXT,
        html=HTML,
        headers={"List-Unsubscribe": "<https://z.test/u/abc/>", "Message-ID": "<1@z.test>"},
    )
    assert all(len(line) <= 998 for line in raw.split(b"\r\n")), "no line over RFC 5322's limit"
    assert b"\n" not in raw.replace(b"\r\n", b""), "only CRLF line endings"
    message = parsed(raw)
    assert message["Subject"] == "3 momenten om te delen · één draft klaar"
    assert message["To"].addresses[0].display_name == "Zoë de Vries"
    assert message["To"].addresses[0].addr_spec == "zoe@acme.test"
    assert message["List-Unsubscribe"] == "<https://z.test/u/abc/>"
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    body = parts(message)
    assert body["text/plain"] == TEXT
    assert body["text/html"] == HTML


def test_windows_line_endings_in_a_body_are_not_doubled():
    raw = mime.build(from_email="a@b.test", to="c@d.test", subject="S", text="one\r\ntwo\r\n")
    message = parsed(raw)
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == "one\ntwo\n"


@pytest.mark.parametrize("field", ["subject", "header"])
def test_a_newline_in_a_header_is_refused(field):
    subject = "Hello\r\nBcc: victim@evil.test" if field == "subject" else "Hello"
    headers = {"X-Zichtbaar-Nudge": "digest\nBcc: x@evil.test"} if field == "header" else {}
    with pytest.raises(BadHeaderError):
        mime.build(from_email="a@b.test", to="c@d.test", subject=subject, text="t", headers=headers)


def test_without_smtp_the_development_backends_get_the_same_message(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with Mailer() as mailer:
        mailer.send(
            to="zoe@acme.test",
            subject="Één moment",
            text=TEXT,
            html=HTML,
            headers={"List-Unsubscribe": "<https://z.test/u/abc/>"},
        )
    [sent] = mail.outbox
    assert sent.subject == "Één moment"
    assert sent.to == ["zoe@acme.test"]
    assert sent.body == TEXT
    assert sent.alternatives[0][0] == HTML
    assert sent.extra_headers["List-Unsubscribe"] == "<https://z.test/u/abc/>"


def test_one_long_line_without_newlines_still_has_only_crlf():
    raw = mime.build(from_email="a@b.test", to="c@d.test", subject="S", text="x" * 300)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert parsed(raw).get_content() == "x" * 300


@pytest.mark.parametrize("to", ["a@b@c.nl", ""])
def test_an_address_that_cannot_be_encoded_fails_that_message_for_good(settings, to):
    from zichtbaar.nudges.channels import Permanent

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with Mailer() as mailer, pytest.raises(Permanent, match="could not be built"):
        mailer.send(to=to, subject="S", text="t")
    assert mail.outbox == []
