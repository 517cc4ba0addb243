"""Issue 10, items 1-3: no way into another organisation, nothing shown before consent, and
every login path limited.

Mallory is an employee of Other BV (organisation B); Alice is comms at Acme (organisation A).
"""

from __future__ import annotations

import pytest
from django.core import mail

from tests.conftest import PASSWORD
from zichtbaar.orgs.importing import import_people
from zichtbaar.orgs.models import Invitation, Membership


@pytest.fixture
def mallory_client(client, mallory):
    client.force_login(mallory)
    return client


def test_an_unverified_address_cannot_be_made_primary_and_grants_nothing(
    mallory_client, mallory, acme, alice
):
    # Item 1: Mallory adds Acme's future comms address to her account and tries to make it hers.
    mallory_client.post("/accounts/email/", {"email": "future.comms@acme.test", "action_add": ""})
    mallory_client.post(
        "/accounts/email/", {"email": "future.comms@acme.test", "action_primary": ""}
    )
    mallory.refresh_from_db()
    assert mallory.email == "mallory@other.test"  # changes only once the new one is confirmed

    # Acme's comms later import that address as comms: a new, separate account is made.
    report = import_people(acme, b"email,name,role\nfuture.comms@acme.test,Future,comms\n")
    assert report.ok and report.created == 1
    assert not Membership.objects.filter(user=mallory, org=acme).exists()
    assert mallory_client.post("/switch/", {"org": acme.pk}).status_code == 404
    assert mallory_client.get("/comms/people/").status_code == 403


def test_an_account_that_holds_an_address_unverified_is_invited_not_joined(
    client, mallory, acme, alice
):
    # The state an earlier version allowed: Mallory's unverified primary address is Acme's.
    mallory.email = "future.comms@acme.test"
    mallory.save(update_fields=["email"])
    report = import_people(
        acme, b"email,name,role\nfuture.comms@acme.test,Future,comms\n", invited_by=alice
    )
    assert report.ok and report.invited == 1 and report.created == report.updated == 0
    assert not Membership.objects.filter(user=mallory, org=acme).exists()
    invitation = Invitation.objects.get(org=acme, email="future.comms@acme.test")
    assert invitation.role == "comms"

    # Even holding the link, her account cannot accept: its address was never proved.
    client.force_login(mallory)
    page = client.get(f"/invite/{invitation.token}/")
    assert "Sign in" in page.content.decode() or "Sign out" in page.content.decode()
    assert client.post(f"/invite/{invitation.token}/").status_code == 403
    assert not Membership.objects.filter(user=mallory, org=acme).exists()


def test_another_organisations_import_sees_nothing_until_the_person_accepts(
    client, mallory, acme, alice, other_org, django_capture_on_commit_callbacks
):
    # Item 2: Acme imports Mallory (already in Other BV) as an admin.
    with django_capture_on_commit_callbacks(execute=True):
        report = import_people(acme, b"email,role\nmallory@other.test,admin\n", invited_by=alice)
    assert report.invited == 1
    assert not Membership.objects.filter(user=mallory, org=acme).exists()
    client.force_login(alice)
    people = client.get("/comms/people/").content.decode()
    assert "Mallory" not in people and "400" not in people
    # She is told, at her own address, and asked to sign in with her own account.
    (message,) = [m for m in mail.outbox if m.to == ["mallory@other.test"]]
    assert "sign in" in message.body.lower() or "log in" in message.body.lower()

    invitation = Invitation.objects.get(org=acme, email=mallory.email)
    client.force_login(mallory)
    assert client.post(f"/invite/{invitation.token}/").status_code == 302
    assert Membership.objects.get(user=mallory, org=acme).role == "admin"
    client.force_login(alice)
    assert "Mallory" in client.get("/comms/people/").content.decode()


def test_an_import_preview_counts_invitations(acme, mallory):
    report = import_people(acme, b"email\nmallory@other.test\nnew@acme.test\n", dry_run=True)
    assert (report.created, report.updated, report.invited) == (1, 0, 1)
    assert not Invitation.objects.exists()


def test_the_admin_login_is_the_rate_limited_login(client, acme):
    # Item 3: /admin/login/ is no password form of its own.
    from zichtbaar.orgs.models import User
    from zichtbaar.orgs.services import mark_email_verified

    admin = User.objects.create_superuser("root@acme.test", PASSWORD)
    mark_email_verified(admin)
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session

    for _attempt in range(8):
        client.post("/accounts/login/", {"login": admin.email, "password": "wrong"})
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": admin.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session  # the right password is refused for now
    assert response.status_code in (200, 429)


def test_login_limits_are_shared_between_worker_processes(db):
    # Counted in a cache every gunicorn worker reads (the database, or Redis with REDIS_URL).
    from django.core.cache import caches

    backend = caches["default"]
    assert "locmem" not in type(backend).__module__
    from django.core.cache.backends.db import DatabaseCache

    assert isinstance(backend, DatabaseCache)
    backend.set("zichtbaar:probe", 1, 30)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM zichtbaar_cache")
        assert cursor.fetchone()[0] >= 1
