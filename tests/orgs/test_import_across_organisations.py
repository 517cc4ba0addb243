"""One organisation's import never rewrites a person who also belongs to another."""

from __future__ import annotations

from zichtbaar.orgs.models import Membership
from zichtbaar.orgs.services import PersonData, upsert_person


def test_one_organisations_import_does_not_rewrite_a_person_of_another(acme, other_org, mallory):
    # Mallory accepted Acme's invitation (an import alone would only invite her).
    upsert_person(
        acme,
        PersonData(email=mallory.email, name="Renamed", language="nl", connections=5),
        consented=True,
    )
    mallory.refresh_from_db()
    assert mallory.name == "Mallory" and mallory.profile.language == "en"
    assert mallory.profile.connections != 5
    assert Membership.objects.filter(user=mallory, org=acme).exists()
