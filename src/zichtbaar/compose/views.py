"""Compose and share: the moment page with drafts, the editor, the live check and sharing;
for comms, the moment types and the angles their drafts take."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zichtbaar.compose import selectors
from zichtbaar.compose.forms import ComposeForm, normalise_newlines
from zichtbaar.compose.suggestions import Suggestion
from zichtbaar.guideline import checking
from zichtbaar.guideline import selectors as guideline_selectors
from zichtbaar.guideline import services as guideline_services
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments import services as moment_services
from zichtbaar.moments.forms import MomentTypeForm
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.sharing import selectors as sharing_selectors
from zichtbaar.sharing import services as sharing_services
from zichtbaar.sharing.models import TrackedLink


def _moment_or_404(request: TenantRequest, moment_id: int) -> Moment:
    moment = moment_selectors.moment_for_person(request.membership, moment_id)
    if moment is None:
        raise Http404
    return moment


def _drafts(request: TenantRequest, moment: Moment) -> tuple[list[Suggestion], TrackedLink | None]:
    membership = request.membership
    link = (
        sharing_services.get_or_create_link(moment, membership.user)
        if membership.user.profile.consent_tracking
        else None
    )
    link_url = selectors.share_url(moment, link.code if link else None, settings.SITE_URL)
    return selectors.drafts_for(moment, membership, link_url, count=4), link


def _check(
    request: TenantRequest, moment: Moment, text: str, drafts: list[Suggestion]
) -> checking.CheckResult:
    return checking.check_post(
        text, moment=moment, membership=request.membership, offered=tuple(d.text for d in drafts)
    )


def _page(
    request: TenantRequest,
    moment: Moment,
    form: ComposeForm | None = None,
    result: checking.CheckResult | None = None,
    confirm: bool = False,
    status: int = 200,
) -> HttpResponse:
    membership = request.membership
    drafts, link = _drafts(request, moment)
    chosen = next(
        (d for d in drafts if d.angle == request.GET.get("angle")), drafts[0] if drafts else None
    )
    if form is None:
        form = ComposeForm(
            initial={"text": chosen.text if chosen else "", "angle": chosen.angle if chosen else ""}
        )
    text = normalise_newlines(str(form["text"].value() or ""))
    if result is None:
        result = _check(request, moment, text, drafts)
    # The figure My impact and the digest show for this link (one source, the daily rollup).
    clicks = None
    if link is not None:
        brought = sharing_selectors.clicks_brought(membership.org_id, [membership.user_id])
        clicks = brought[membership.user_id].links.get(link.pk)
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
            "result": result,
            "pieces": checking.highlight(text, result.findings),
            "confirm": confirm,
            "to_acknowledge": guideline_selectors.needs_acknowledgement(
                membership.user, membership.org_id
            ),
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
def check(request: TenantRequest, moment_id: int) -> HttpResponse:
    """The live check as the person types (htmx): the banner and the highlighted text."""
    moment = _moment_or_404(request, moment_id)
    text = normalise_newlines(request.POST.get("text", ""))[: sharing_services.MAX_POST_LENGTH * 2]
    drafts, _link = _drafts(request, moment)
    result = _check(request, moment, text, drafts)
    return render(
        request,
        "compose/_check.html",
        {
            "result": result,
            "pieces": checking.highlight(text, result.findings),
            "moment": moment,
        },
    )


@member_required
@require_POST
def open_in_linkedin(request: TenantRequest, moment_id: int) -> HttpResponse:
    """Checks the text, then sends the browser to LinkedIn's composer with it.

    Sharing stays the person's decision: "change" findings ask for a confirmation, unless comms
    made the rule blocking.
    """
    moment = _moment_or_404(request, moment_id)
    membership = request.membership
    version = guideline_selectors.needs_acknowledgement(membership.user, membership.org_id)
    if version is not None:
        back = reverse("compose:moment", kwargs={"moment_id": moment.pk})
        return redirect(reverse("guideline:read") + "?" + urlencode({"next": back}))
    form = ComposeForm(request.POST)
    text = normalise_newlines(request.POST.get("text", ""))
    drafts, _link = _drafts(request, moment)
    result = _check(request, moment, text, drafts)
    if not form.is_valid() or result.blocking:
        return _page(request, moment, form=form, result=result, status=400)
    if result.needs_confirmation and request.POST.get("confirm") != "1":
        return _page(request, moment, form=form, result=result, confirm=True)
    url = sharing_services.linkedin_composer_url(form.cleaned_data["text"])
    if len(url) > sharing_services.MAX_COMPOSER_URL:
        # Long texts in non-Latin scripts or with many emoji don't fit in a link.
        messages.error(
            request,
            _(
                "This text is too long to hand to LinkedIn in a link. Please use “Copy text” and paste it into LinkedIn."
            ),
        )
        return _page(request, moment, form=form, result=result, status=400)
    guideline_services.record_hits(membership.org_id, result)
    return HttpResponseRedirect(url)


@member_required
@require_POST
def record_share(request: TenantRequest, moment_id: int) -> HttpResponse:
    moment = _moment_or_404(request, moment_id)
    form = ComposeForm(request.POST)
    if moment.is_embargoed:
        messages.error(
            request, _("This moment can't be shared yet, so there is nothing to record.")
        )
        return _page(request, moment, form=form, status=400)
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


@comms_required
def comms_types(request: TenantRequest) -> HttpResponse:
    """The moment types: the built-in ones and the organisation's own, which comms can add.

    Here rather than in moments because a type's angles are the kinds of draft compose writes.
    """
    angles = selectors.angle_choices(get_language() or "nl")
    form = MomentTypeForm(request.POST or None, angles=angles)
    if request.method == "POST" and form.is_valid():
        moment_services.create_moment_type(request.org, form.cleaned_data)
        messages.success(request, _("Added. You can use it for new moments now."))
        return redirect("compose:comms_types")
    return render(
        request,
        "compose/comms_types.html",
        {"types": moment_selectors.types_for(request.org.pk), "form": form},
        status=400 if form.errors else 200,
    )
