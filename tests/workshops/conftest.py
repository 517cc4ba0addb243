from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def trainer(acme):
    from tests.conftest import _person

    return _person(acme, "tess@trainers.test", "Tess Trainer", role="trainer", language="en")


@pytest.fixture
def workshop(acme, trainer):
    from zichtbaar.orgs.models import Team
    from zichtbaar.workshops import services

    return services.create_workshop(
        acme,
        trainer.pk,
        title="LinkedIn for Engineering",
        held_on=dt.date.today(),
        teams=list(Team.objects.filter(org=acme, name="Engineering")),
    )


@pytest.fixture
def people(acme):
    """Seven employees of Engineering, who take part, plus nobody else."""
    from tests.conftest import _person

    return [
        _person(acme, f"eng{i}@acme.test", f"Engineer {i}", team="Engineering", language="en")
        for i in range(7)
    ]
