"""Schemathesis against /api/v1/openapi.json: generated requests of every operation, with a
valid token of a seeded organisation, must get answers the schema describes and never a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

MAX_EXAMPLES = 10  # per operation: the run stays well under a minute on this machine


@pytest.fixture
def keep_connection():
    """Requests go straight to the WSGI app, not through Django's test client, so do what the
    client does: don't let the end of a request close the test's database connection (on
    PostgreSQL that would close the transaction the test runs in)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(acme, alice, bob, carol, make_moment, make_token, keep_connection):
    from zichtbaar.moments.models import MomentStatus

    make_moment()
    make_moment(title="Our new office", status=MomentStatus.DRAFT)
    make_moment(title="A suggestion", status=MomentStatus.SUBMITTED, submitted_by=bob)
    return make_token(alice, scopes=("read", "write", "comms")).secret


def _schema():
    # Loaded at collection (the schema itself needs no database); schemathesis's lazy
    # from_fixture loader does not work with this pytest.
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = _schema()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_matches_its_schema(case, seeded):
    excluded = [
        # The API ignores query parameters it doesn't know (as Django does), where the check
        # expects them refused; every other negative case must still be answered 4xx.
        negative_data_rejection,
    ]
    if case.operation.method.upper() == "POST" and case.operation.path == "/api/v1/moments":
        # Moment types are per organisation (comms add their own), so the schema says
        # "string", not which keys: an unknown key is refused with 422, rightly.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers={"Authorization": f"Bearer {seeded}"}, excluded_checks=excluded)
