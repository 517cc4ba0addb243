"""Compose and share: the moment page with drafts, the editor and the share actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zichtbaar.compose import selectors, services
from zichtbaar.compose.forms import ComposeForm, normalise_newlines
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.decorators import member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.sharing import selectors as sharing_selectors
from zichtbaar.sharing import services as sharing_services


def _moment_or_404(request: TenantRequest, moment_id: int) -> Moment:
    moment = moment_selectors.moment_for_person(request.membership, moment_id)
    if moment is None:
        raise Http404
    return moment


def _page(
    request: TenantRequest,
    moment: Moment,
    form: ComposeForm | None = None,
    verdict: services.Verdict | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = request.membership
    profile = membership.user.profile
    link = (
        sharing_services.get_or_create_link(moment, membership.user)
        if profile.consent_tracking
        else None
    )
    link_url = selectors.share_url(moment, link, settings.SITE_URL)
    drafts = selectors.drafts_for(moment, membership, link_url, count=4)
    chosen = next(
        (d for d in drafts if d.angle == request.GET.get("angle")), drafts[0] if drafts else None
    )
    if form is None:
        form = ComposeForm(
            initial={"text": chosen.text if chosen else "", "angle": chosen.angle if chosen else ""}
        )
    clicks = sharing_selectors.clicks_summary([link.pk]) if link is not None else None
    my_shares = list(
        sharing_selectors.shares_of(membership.user_id, membership.org_id).filter(moment=moment)
    )
    return render(
        request,
        "compose/moment.html",
        {
            "moment": moment,
            "drafts": drafts,
            "chosen": chosen,
            "form": form,
            "verdict": verdict,
            "link": link,
            "my_shares": my_shares,
            "clicks": clicks,
            "max_length": sharing_services.MAX_POST_LENGTH,
        },
        status=status,
    )


@member_required
def moment_page(request: TenantRequest, moment_id: int) -> HttpResponse:
    return _page(request, _moment_or_404(request, moment_id))


@member_required
@require_POST
def open_in_linkedin(request: TenantRequest, moment_id: int) -> HttpResponse:
    """Runs the check, then sends the browser to LinkedIn's composer with the edited text."""
    moment = _moment_or_404(request, moment_id)
    form = ComposeForm(request.POST)
    text = normalise_newlines(request.POST.get("text", ""))
    verdict = services.check_post(text, moment=moment, membership=request.membership)
    if not form.is_valid() or verdict.blocking:
        return _page(request, moment, form=form, verdict=verdict, status=400)
    return HttpResponseRedirect(sharing_services.linkedin_composer_url(form.cleaned_data["text"]))


@member_required
@require_POST
def record_share(request: TenantRequest, moment_id: int) -> HttpResponse:
    moment = _moment_or_404(request, moment_id)
    form = ComposeForm(request.POST)
    if not form.is_valid():
        return _page(request, moment, form=form, status=400)
    sharing_services.record_share(
        moment=moment,
        user=request.user,
        text=form.cleaned_data["text"],
        post_url=form.cleaned_data["post_url"],
        angle=form.cleaned_data["angle"],
    )
    messages.success(
        request, _("Thank you for sharing! A few more people will hear about our work now.")
    )
    return redirect("compose:moment", moment_id=moment.pk)
