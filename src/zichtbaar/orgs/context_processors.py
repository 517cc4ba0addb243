from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from zichtbaar.orgs import selectors


def tenant(request: HttpRequest) -> dict[str, object]:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    other_orgs: object = []
    if membership is not None and user is not None:
        # Lazy: only evaluated by the menu when the person belongs to more than one.
        other_orgs = selectors.memberships_of(user).exclude(pk=membership.pk)
    return {
        "membership": membership,
        "org": getattr(request, "org", None),
        "is_comms": bool(membership and membership.is_comms),
        "runs_workshops": bool(membership and membership.runs_workshops),
        "other_memberships": other_orgs,
        "source_url": settings.SOURCE_URL,
    }
