"""API fixtures: tokens for the personas (see tests/conftest.py) and a client that sends them."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_counters(db):
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _token(user, *, scopes=("read", "write"), organisation=False, **kwargs):
    from zichtbaar.api import services

    membership = user.memberships.get()
    return services.create_token(
        creator=membership, name="test", scopes=list(scopes), organisation=organisation, **kwargs
    )


@pytest.fixture
def make_token():
    return _token


@pytest.fixture
def bob_token(bob):
    return _token(bob).secret


@pytest.fixture
def alice_token(alice):
    """A comms person's personal token with every scope."""
    return _token(alice, scopes=("read", "write", "comms")).secret


@pytest.fixture
def org_token(alice):
    """Acme's organisation token with every scope."""
    return _token(alice, scopes=("read", "write", "comms"), organisation=True).secret


@pytest.fixture
def mallory_token(mallory):
    return _token(mallory, scopes=("read", "write")).secret


class Api:
    def __init__(self, client):
        self.client = client

    def _headers(self, token):
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, token=None, **params):
        return self.client.get("/api/v1" + path, params, headers=self._headers(token))

    def post(self, path, token=None, json=None):
        return self.client.post(
            "/api/v1" + path,
            json if json is not None else {},
            content_type="application/json",
            headers=self._headers(token),
        )


@pytest.fixture
def api(client):
    return Api(client)
