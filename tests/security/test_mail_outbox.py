"""Issue 10, item 13: every e-mail goes through the outbox, so a mail server that is down never
makes a page fail, and the message is sent once it is back, exactly once."""

from __future__ import annotations

import pytest

from tests import smtp
from zichtbaar.nudges.delivery import deliver
from zichtbaar.nudges.models import Message, Status


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "zichtbaar.nudges.channels.outbox.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.free_port()  # nothing listens here
    settings.EMAIL_TIMEOUT = 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


def _mail_comes_back(settings):
    controller, inbox = smtp.start()
    settings.EMAIL_PORT = controller.port
    Message.objects.update(next_try_at="2000-01-01T00:00:00Z")
    return controller, inbox


def test_an_invitation_waits_for_the_mail_server_and_is_sent_once(
    login, alice, acme, mail_server_down, django_capture_on_commit_callbacks
):
    client = login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comms/people/", {"email": "new@acme.test", "role": "employee"}, follow=True
        )
    assert response.status_code == 200
    assert "as soon as" in response.content.decode()
    row = Message.objects.get(to="new@acme.test")
    assert row.status == Status.QUEUED and row.attempts == 1 and "not reachable" in row.last_error
    assert row.org_id == acme.pk

    controller, inbox = _mail_comes_back(mail_server_down)
    try:
        assert deliver().sent == 1
        assert deliver().sent == 0  # never a second copy
    finally:
        controller.stop()
    (sent,) = inbox.messages
    assert sent["To"] == "new@acme.test" and "/invite/" in smtp.text_of(sent)


def test_a_login_code_while_the_mail_server_is_down(
    client, bob, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/code/", {"email": bob.email})
    assert response.status_code == 302  # on to "enter the code", not a 500
    row = Message.objects.get(to=bob.email)
    assert row.org_id is None and row.status == Status.QUEUED

    controller, inbox = _mail_comes_back(mail_server_down)
    try:
        assert deliver().sent == 1
    finally:
        controller.stop()
    (sent,) = inbox.messages
    assert sent["To"] == bob.email


def test_a_password_reset_while_the_mail_server_is_down(
    client, bob, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": bob.email})
    assert response.status_code == 302
    assert Message.objects.filter(to=bob.email, status=Status.QUEUED).count() == 1
