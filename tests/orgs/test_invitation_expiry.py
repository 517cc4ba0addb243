"""Invitations expire, and accepting one never resets an existing account's password."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zichtbaar.orgs.models import Invitation, Membership


def test_invitations_expire_and_never_reset_an_existing_password(client, alice, acme, bob):
    old = Invitation.objects.create(org=acme, email="late@acme.test")
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert client.get(f"/invite/{old.token}/").status_code == 404
    # bob already has an account: joining keeps his password and role.
    Membership.objects.filter(user=bob, org=acme).update(role="admin")
    invitation = Invitation.objects.create(org=acme, email=bob.email, role="employee")
    page = client.get(f"/invite/{invitation.token}/").content.decode()
    assert "Choose a password" not in page
    assert "/accounts/login/?next=" in page  # he joins once signed in as himself
    response = client.post(
        f"/invite/{invitation.token}/", {"name": "X", "password": "something-new-123"}
    )
    assert response.status_code == 403
    client.force_login(bob)
    assert client.post(f"/invite/{invitation.token}/").status_code == 302
    bob.refresh_from_db()
    from tests.conftest import PASSWORD

    assert bob.check_password(PASSWORD)
    assert Membership.objects.get(user=bob, org=acme).role == "admin"
