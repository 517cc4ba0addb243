"""The person's LinkedIn page: connect, see the connection and their scheduled posts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from zichtbaar.orgs.decorators import member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.sharing import linkedin, selectors, services


def _enabled() -> None:
    if not linkedin.configured():
        raise Http404


def _safe_next(request: TenantRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return ""


@member_required
@require_safe
def page(request: TenantRequest) -> HttpResponse:
    _enabled()
    return render(
        request,
        "sharing/linkedin.html",
        {
            "status": selectors.linkedin_status(request.user),
            "pending": list(selectors.linkedin_pending_of(request.membership)),
            "posts": [
                p
                for p in selectors.linkedin_posts_of(request.membership, limit=20)
                if p.state in ("sent", "failed", "cancelled")
            ],
        },
    )


@member_required
@require_safe
def connect(request: TenantRequest) -> HttpResponse:
    """To LinkedIn's consent page (a plain link, so no form-action rule stands in the way)."""
    _enabled()
    try:
        target = services.linkedin_start(
            request.session, _safe_next(request, request.GET.get("next", ""))
        )
    except services.LinkedInProblem as problem:
        messages.error(request, problem.reason)
        return redirect("linkedin:page")
    return redirect(target)


@member_required
@require_safe
def callback(request: TenantRequest) -> HttpResponse:
    _enabled()
    try:
        found, next_url = services.linkedin_finish(
            request.session,
            request.user,
            code=request.GET.get("code", ""),
            state=request.GET.get("state", ""),
            error=request.GET.get("error", ""),
        )
    except services.LinkedInProblem as problem:
        messages.error(request, problem.reason)
        return redirect("linkedin:page")
    until = formats.date_format(timezone.localtime(found.expires_at), "j F Y")
    messages.success(
        request,
        _("LinkedIn is connected until %(date)s. You can now post straight from Zichtbaar.")
        % {"date": until},
    )
    return redirect(_safe_next(request, next_url) or reverse("linkedin:page"))


@member_required
@require_POST
def disconnect(request: TenantRequest) -> HttpResponse:
    _enabled()
    cancelled = services.linkedin_disconnect(request.user)
    if cancelled:
        messages.success(
            request,
            ngettext(
                "LinkedIn is disconnected. %(n)s scheduled post was cancelled; nothing more "
                "is posted for you.",
                "LinkedIn is disconnected. %(n)s scheduled posts were cancelled; nothing more "
                "is posted for you.",
                cancelled,
            )
            % {"n": cancelled},
        )
    else:
        messages.success(request, _("LinkedIn is disconnected. Nothing more is posted for you."))
    return redirect("linkedin:page")


@member_required
@require_POST
def cancel(request: TenantRequest) -> HttpResponse:
    _enabled()
    try:
        post_id = int(request.POST.get("post", ""))
    except ValueError:
        raise Http404 from None
    if not services.cancel_post(request.membership, post_id):
        raise Http404
    messages.success(request, _("Cancelled: this post will not go out."))
    # From the compose page back to it; from the LinkedIn page back there.
    return redirect(_safe_next(request, request.POST.get("next", "")) or reverse("linkedin:page"))
