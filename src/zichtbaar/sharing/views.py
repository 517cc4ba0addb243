from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

from zichtbaar.sharing import selectors, services


@require_safe
def follow_link(request: HttpRequest, code: str) -> HttpResponse:
    """302 to the stored destination; whatever the request adds is ignored."""
    found = selectors.link_destination(code)
    if found is None:
        raise Http404
    link_id, destination = found
    services.record_click(
        link_id,
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_USER_AGENT", "")[:512],
    )
    response = HttpResponseRedirect(destination)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
