"""Invitations and login by e-mailed code, through a real SMTP server."""

from __future__ import annotations

import re

from tests.smtp import text_of
from zichtbaar.orgs.models import Invitation, Membership, Team


def test_comms_invites_by_email_and_the_person_joins(
    login, alice, acme, smtp_inbox, client, django_capture_on_commit_callbacks
):
    sales = Team.objects.create(org=acme, name="Sales")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(alice).post(
            "/comms/people/",
            {"email": "New.Person@Acme.test", "role": "employee", "team": sales.pk},
        )
    assert response.status_code == 302
    assert len(smtp_inbox.messages) == 1
    msg = smtp_inbox.messages[0]
    assert msg["To"] == "new.person@acme.test"
    assert "Acme" in msg["Subject"]
    body = text_of(msg)
    url = re.search(r"http://\S+/invite/(\S+)/", body)
    assert url, body
    client.logout()
    page = client.get(f"/invite/{url.group(1)}/")
    assert page.status_code == 200
    bad = client.post(f"/invite/{url.group(1)}/", {"name": "New Person", "password": "123"})
    assert bad.status_code == 400
    joined = client.post(
        f"/invite/{url.group(1)}/", {"name": "New Person", "password": "a-long-enough-passphrase"}
    )
    assert joined["Location"] == "/welcome/1/"
    membership = Membership.objects.get(user__email="new.person@acme.test")
    assert (membership.org, membership.team, membership.role) == (acme, sales, "employee")
    assert Invitation.objects.get().accepted_at is not None
    # An invitation works once.
    client.logout()
    assert client.get(f"/invite/{url.group(1)}/").status_code == 404


def test_invitation_form_errors_are_field_level(login, alice):
    response = login(alice).post("/comms/people/", {"email": "not-an-address", "role": "boss"})
    assert response.status_code == 400
    assert {"email", "role"} <= set(response.context["invite_form"].errors)


def test_sign_in_with_password(client, bob):
    from tests.conftest import PASSWORD

    response = client.post("/accounts/login/", {"login": "bob@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_sign_in_by_emailed_code(client, bob, smtp_inbox):
    response = client.post("/accounts/login/code/", {"email": "bob@acme.test"})
    assert response.status_code == 302
    assert len(smtp_inbox.messages) == 1
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", text_of(smtp_inbox.messages[0]))
    assert code, text_of(smtp_inbox.messages[0])
    confirm = client.post(response["Location"], {"code": code.group(1)})
    assert confirm.status_code == 302
    assert client.get("/").status_code == 200
