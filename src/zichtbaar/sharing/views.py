from __future__ import annotations

import ipaddress
import logging

from django.db import DatabaseError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from zichtbaar.sharing import selectors, services

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The visitor's address, only ever used for the daily visitor hash.

    Behind a reverse proxy on the same host or network (REMOTE_ADDR loopback or private), the
    visitor is the last X-Forwarded-For entry: the one our own proxy appended. Entries before
    it are whatever the client sent and are ignored. Directly exposed, REMOTE_ADDR is the
    visitor and X-Forwarded-For is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        try:
            ip = ipaddress.ip_address(remote)
        except ValueError:
            return remote
        if ip.is_loopback or ip.is_private:
            last = forwarded.rsplit(",", 1)[-1].strip()
            if last:
                return last[:64]
    return remote


@csrf_exempt  # never accepts a POST: 405 from require_safe, not a CSRF 403
@require_safe
def follow_link(request: HttpRequest, code: str) -> HttpResponse:
    """302 to the stored destination; whatever the request adds is ignored.

    The hot path is a cache hit (else one indexed SELECT) and one INSERT, served by
    TrackedLinkMiddleware before the middleware it does not need. Without the owner's consent
    the visitor is redirected and nothing is stored. A click the database refuses is tried
    again and else spooled (services.store_click): the visitor is always redirected.
    """
    found = selectors.link_destination(code)
    if found is None:
        raise Http404
    link_id, destination, counted = found
    if counted:
        address = client_address(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:512]
        automated = request.method == "HEAD"
        try:
            try:
                services.store_click(link_id, address, user_agent, automated=automated)
            except IntegrityError:
                # The link was deleted while its destination was still cached.
                found = selectors.link_destination(code, cached=False)
                if found is None:
                    raise Http404 from None
                link_id, destination, counted = found
                if counted:
                    services.store_click(link_id, address, user_agent, automated=automated)
        except DatabaseError:
            # The visitor still gets where they were going; the failure is logged, not hidden.
            logger.exception("could not record a click on link %s", link_id)
    response = HttpResponseRedirect(destination)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
