"""Shared fixtures. Personas, so permission tests read like stories:

- alice: comms lead at Acme (team Marketing)
- bob: employee at Acme, team Engineering, Dutch
- carol: employee at Acme, team Sales, English
- mallory: employee at Other BV (another organisation), who must never see Acme's data
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"  # noqa: S105


@pytest.fixture
def acme(db):
    from zichtbaar.orgs.models import Organisation

    return Organisation.objects.create(slug="acme", name="Acme", linkedin_followers=800)


@pytest.fixture
def other_org(db):
    from zichtbaar.orgs.models import Organisation

    return Organisation.objects.create(slug="other", name="Other BV")


def _person(org, email, name, role="employee", team="", language="nl", connections=400):
    from django.utils import timezone

    from zichtbaar.orgs.services import PersonData, mark_email_verified, upsert_person

    membership, _ = upsert_person(
        org,
        PersonData(
            email=email, name=name, role=role, team=team, language=language, connections=connections
        ),
    )
    user = membership.user
    user.set_password(PASSWORD)
    user.save()
    mark_email_verified(user)  # they have signed in before
    profile = user.profile
    profile.onboarded_at = timezone.now()
    profile.barrier = "relevance"
    profile.consent_tracking = True
    profile.job_title = "consultant"
    profile.save()
    return user


@pytest.fixture
def alice(acme):
    return _person(
        acme, "alice@acme.test", "Alice Comms", role="comms", team="Marketing", language="en"
    )


@pytest.fixture
def bob(acme):
    return _person(acme, "bob@acme.test", "Bob de Vries", team="Engineering", language="nl")


@pytest.fixture
def carol(acme):
    return _person(acme, "carol@acme.test", "Carol Smith", team="Sales", language="en")


@pytest.fixture
def mallory(other_org):
    return _person(other_org, "mallory@other.test", "Mallory", team="Engineering", language="en")


@pytest.fixture
def make_moment(acme, alice):
    """Create a moment for an organisation (default: a published Acme moment for everyone)."""
    from zichtbaar.moments.models import Moment, MomentStatus, MomentType

    def make(
        org=None, *, status=MomentStatus.PUBLISHED, type_key="project_delivery", teams=(), **fields
    ):
        org = org or acme
        defaults = {
            "title": "New website for the city library",
            "what_happened": "We delivered the new website after six months of work.",
            "link": "https://acme.test/cases/library?ref=site",
            "facts_who": "team Engineering",
        }
        defaults.update(fields)
        moment = Moment.objects.create(
            org=org,
            type=MomentType.objects.get(org=None, key=type_key),
            status=status,
            audience_everyone=not teams,
            created_by=alice if org == acme else None,
            **defaults,
        )
        if teams:
            moment.audience_teams.set(teams)
        return moment

    return make


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on a free port; Django sends to it over a socket."""
    from tests import smtp

    controller, inbox = smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture
def fake(settings, tmp_path):
    """A local fake LinkedIn (OAuth, userinfo, posts, images, analytics) that the settings point at.

    A test module that needs a differently behaving fake (slow, analytics on) overrides this."""
    from tests.fakes.linkedin_server import FakeLinkedIn, configure

    with FakeLinkedIn() as li:
        configure(settings, li, tmp_path)
        yield li
