"""Resolve the current organisation and activate the person's language on every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from zichtbaar.orgs import selectors

SESSION_ORG_KEY = "zichtbaar_org_id"


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # This middleware adds org and membership to the request (TenantRequest types them for
        # views); HttpRequest does not declare them, hence the ignores.
        request.membership = None  # type: ignore[attr-defined]
        request.org = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            membership = selectors.current_membership(user, request.session.get(SESSION_ORG_KEY))
            if membership is not None:
                membership.user = user  # one User object per request, with its cached profile
                request.membership = membership  # type: ignore[attr-defined]
                request.org = membership.org  # type: ignore[attr-defined]
            language = selectors.profile_for(user).language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if user.is_authenticated:
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
