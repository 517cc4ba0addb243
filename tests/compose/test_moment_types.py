"""Comms add their own moment types, choosing the kinds of draft (angles) they get."""

from __future__ import annotations

from zichtbaar.moments.models import MomentType


def test_comms_add_their_own_moment_type_with_chosen_angles(
    login, alice, bob, acme, other_org, make_moment
):
    client = login(alice)
    bad = client.post(
        "/comms/types/",
        {"name_nl": "Hackathon", "name_en": "Hackathon", "icon": "cap", "angles": ["proud_result"]},
    )
    assert bad.status_code == 400 and "angles" in bad.context["form"].errors
    response = client.post(
        "/comms/types/",
        {
            "name_nl": "Hackathon",
            "name_en": "Hackathon",
            "description_nl": "Een dag bouwen",
            "description_en": "A day of building",
            "icon": "cap",
            "angles": ["behind_the_scenes", "lesson_learned", "thanks_team"],
        },
    )
    assert response.status_code == 302
    kind = MomentType.objects.get(org=acme, key="hackathon")
    assert "Hackathon" in client.get("/comms/types/").content.decode()
    assert kind.pk in [
        c[0].value
        for c in client.get("/comms/moments/new/").context["form"].fields["type"].choices
        if c[0]
    ]
    # Drafts for a moment of this type take exactly the chosen angles.
    moment = make_moment(type_key="project_delivery", title="Hack day")
    moment.type = kind
    moment.save()
    drafts = login(bob).get(f"/moments/{moment.pk}/").context["drafts"]
    assert {d.angle for d in drafts} == {"behind_the_scenes", "lesson_learned", "thanks_team"}
    # Another organisation doesn't see Acme's type.
    from zichtbaar.moments.forms import MomentForm

    assert kind not in MomentForm(org=other_org).fields["type"].queryset
