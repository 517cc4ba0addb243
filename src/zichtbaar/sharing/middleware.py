"""The tracked-link redirect, served before the middleware it does not need."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from zichtbaar.sharing.views import follow_link


class TrackedLinkMiddleware:
    """Answers /l/<code> right after SecurityMiddleware.

    The redirect is public and stateless: sessions, CSRF, authentication, messages and the
    tenant lookup would only cost time on the busiest URL of the product (see
    docs/decisions.md and bench/clicks.py). The URL pattern stays for reverse() and for other
    paths that start with /l/.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/l/"):
            code = path[3:]
            if code and "/" not in code:
                try:
                    return follow_link(request, code)
                except Http404:
                    # The 404 page speaks the visitor's language (LocaleMiddleware hasn't run).
                    translation.activate(translation.get_language_from_request(request))
                    raise
        return self.get_response(request)
