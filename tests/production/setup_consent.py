"""Run with `zichtbaar shell`: one person who consents to counting, with one tracked link.

Prints the link's code. (A script of its own because it runs in the server's database, not
in the test run's.)
"""

from django.utils import timezone

from zichtbaar.moments.models import Moment, MomentStatus, MomentType
from zichtbaar.orgs.models import Organisation
from zichtbaar.orgs.services import PersonData, mark_email_verified, upsert_person
from zichtbaar.sharing.services import get_or_create_link

org = Organisation.objects.create(slug="acme", name="Acme")
membership, _ = upsert_person(
    org, PersonData(email="bob@acme.test", name="Bob de Vries", language="en")
)
user = membership.user
user.set_password("correct horse battery staple")
user.save()
mark_email_verified(user)
profile = user.profile
profile.onboarded_at = timezone.now()
profile.barrier = "relevance"
profile.consent_tracking = True
profile.save()
moment = Moment.objects.create(
    org=org,
    type=MomentType.objects.get(org=None, key="project_delivery"),
    status=MomentStatus.PUBLISHED,
    audience_everyone=True,
    title="New website for the city library",
    what_happened="We delivered the new website after six months of work.",
    link="https://acme.test/cases/library",
)
print(get_or_create_link(moment, user).code)
