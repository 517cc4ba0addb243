from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from zichtbaar.sharing import linkedin, selectors


def linkedin_connection(request: HttpRequest) -> dict[str, object]:
    """`linkedin_enabled` (the operator configured a LinkedIn app) and, lazily, the signed-in
    person's `linkedin_connection` (queried only where a template shows it)."""
    enabled = linkedin.configured()
    user = getattr(request, "user", None)
    if not enabled or user is None or not user.is_authenticated:
        return {"linkedin_enabled": enabled, "linkedin_connection": None}
    return {
        "linkedin_enabled": True,
        "linkedin_connection": SimpleLazyObject(lambda: selectors.linkedin_status(user)),
    }
