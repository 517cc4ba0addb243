"""Rotating SECRET_KEY keeps the client secrets readable, and the command moves them over."""

from __future__ import annotations

from django.core.management import call_command

from zichtbaar.sso import secrets


def test_old_key_in_the_fallbacks_then_the_command_re_encrypts(settings, oidc_idp):
    old_key = settings.SECRET_KEY
    stored = oidc_idp.client_secret
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-only-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert secrets.decrypt(stored) == "s3cret-of-acme"
    call_command("sso_rotate_secrets")
    oidc_idp.refresh_from_db()
    settings.SECRET_KEY_FALLBACKS = []
    assert secrets.decrypt(oidc_idp.client_secret) == "s3cret-of-acme"
    assert secrets.decrypt(stored) == ""
