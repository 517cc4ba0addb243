"""Compose and share: the moment page with drafts, the editor, the live check and sharing;
for comms, the moment types and the angles their drafts take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zichtbaar.compose import selectors
from zichtbaar.compose.forms import (
    SCHEDULE_AHEAD_DAYS,
    ComposeForm,
    LinkedInPostForm,
    normalise_newlines,
)
from zichtbaar.compose.suggestions import Suggestion
from zichtbaar.guideline import checking
from zichtbaar.guideline import selectors as guideline_selectors
from zichtbaar.guideline import services as guideline_services
from zichtbaar.guideline.models import GuidelineVersion
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments import services as moment_services
from zichtbaar.moments.forms import MomentTypeForm
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.sharing import selectors as sharing_selectors
from zichtbaar.sharing import services as sharing_services
from zichtbaar.sharing.linkedin import configured as linkedin_configured
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


@dataclass(frozen=True)
class ShareQuestions:
    """What stands between this text and LinkedIn, asked in place on the compose page.

    One source for the page, the live check (``ready``), the share panel and the share itself,
    so the panel never offers a button the share would then refuse.
    """

    result: checking.CheckResult
    to_acknowledge: GuidelineVersion | None
    confirm: bool  # "change" findings the person has not said "share anyway" to yet
    problems: tuple[str, ...]  # why it can't go as it is (nothing to confirm: change the text)

    @property
    def text_ready(self) -> bool:
        """Nothing to confirm or change in the text itself."""
        return not self.confirm and not self.problems

    @property
    def ready(self) -> bool:
        return self.to_acknowledge is None and self.text_ready


def _questions(
    request: TenantRequest,
    moment: Moment,
    text: str,
    drafts: list[Suggestion],
    *,
    form: ComposeForm | None = None,
    result: checking.CheckResult | None = None,
    confirmed: bool = False,
    via_api: bool = False,
) -> ShareQuestions:
    membership = request.membership
    if result is None:
        result = _check(request, moment, text, drafts)
    problems: list[str] = []
    too_long = len(text) > sharing_services.MAX_POST_LENGTH
    if form is not None and form.is_bound and not form.is_valid():
        problems.extend(str(e) for e in form.errors.get("text", []))
    elif not text.strip():
        problems.append(_("There is no text yet. Pick a draft or write your own."))
    elif too_long:
        problems.append(
            _("LinkedIn allows at most %(limit)d characters (this text has %(count)d).")
            % {"limit": sharing_services.MAX_POST_LENGTH, "count": len(text)}
        )
    # A finding comms made blocking says itself what to change (the length limit is said above).
    problems.extend(
        f.message
        for f in result.findings
        if f.code in result.blocking_codes and not (too_long and f.code == "form.too_long")
    )
    if (
        not problems
        and not via_api  # posting through the API needs no link to the composer
        and len(sharing_services.linkedin_composer_url(text)) > sharing_services.MAX_COMPOSER_URL
    ):
        # Long texts in non-Latin scripts or with many emoji don't fit in a link.
        problems.append(
            _(
                "This text is too long to hand to LinkedIn in a link. Please use “Copy text” and paste it into LinkedIn."
            )
        )
    return ShareQuestions(
        result=result,
        to_acknowledge=guideline_selectors.needs_acknowledgement(
            membership.user, membership.org_id
        ),
        confirm=result.needs_confirmation and not confirmed,
        problems=tuple(problems),
    )


def _page(
    request: TenantRequest,
    moment: Moment,
    form: ComposeForm | None = None,
    result: checking.CheckResult | None = None,
    questions: ShareQuestions | None = None,
    status: int = 200,
    via: str = "",
    post_form: LinkedInPostForm | None = None,
) -> HttpResponse:
    """The compose page; with ``questions``, the share panel is shown in place (no JavaScript)."""
    membership = request.membership
    drafts, link = _drafts(request, moment)
    # After a form post the draft is the one the person was editing, not the first tab.
    angle = request.GET.get("angle") or (str(form["angle"].value() or "") if form else "")
    chosen = next((d for d in drafts if d.angle == angle), drafts[0] if drafts else None)
    if form is None:
        form = ComposeForm(
            initial={"text": chosen.text if chosen else "", "angle": chosen.angle if chosen else ""}
        )
    text = normalise_newlines(str(form["text"].value() or ""))
    if questions is not None:
        result = questions.result
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
            "ready": _questions(request, moment, text, drafts, result=result).text_ready,
            "questions": questions,
            "to_acknowledge": guideline_selectors.needs_acknowledgement(
                membership.user, membership.org_id
            ),
            "link": link,
            "my_shares": my_shares,
            "clicks": clicks,
            "max_length": sharing_services.MAX_POST_LENGTH,
            "share_via": via,
            **_linkedin_context(request, moment, post_form),
        },
        status=status,
    )


# --- Posting through LinkedIn's API (docs/linkedin.md) ----------------------------------------

VIA_API = ("now", "schedule")


def _linkedin_context(
    request: TenantRequest, moment: Moment, post_form: LinkedInPostForm | None
) -> dict[str, object]:
    """The "Post on LinkedIn now" / "Schedule…" controls and this moment's posts: only where the
    operator configured a LinkedIn app (else nothing is said about it at all)."""
    if not linkedin_configured():
        return {"linkedin": None}
    membership = request.membership
    status = sharing_selectors.linkedin_status(membership.user)
    posts = sharing_selectors.linkedin_posts_for_moment(membership, moment.pk)
    now = timezone.now()
    if post_form is None:
        post_form = LinkedInPostForm(initial={"with_image": bool(moment.image)})
    return {
        "linkedin": {
            "status": status,
            "posts": posts,
            "polling": sharing_selectors.linkedin_post_still_moving(posts, now),
            "form": post_form,
            "min": timezone.localtime(now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
            "max": timezone.localtime(now + timedelta(days=SCHEDULE_AHEAD_DAYS)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        }
    }


@member_required
@require_safe
def linkedin_posts(request: TenantRequest, moment_id: int) -> HttpResponse:
    """The state of this moment's LinkedIn posts (htmx polls it while one is on its way)."""
    moment = _moment_or_404(request, moment_id)
    if not linkedin_configured():
        raise Http404
    posts = sharing_selectors.linkedin_posts_for_moment(request.membership, moment.pk)
    polling = sharing_selectors.linkedin_post_still_moving(posts)
    # The poll that finds a final state says it once (sent, or why not).
    announce = ""
    if request.GET.get("polling") == "1" and not polling and posts:
        announce = "sent" if posts[0].state == "sent" else "other"
    return render(
        request,
        "compose/_linkedin_posts.html",
        {
            "moment": moment,
            "linkedin": {
                "status": sharing_selectors.linkedin_status(request.user),
                "posts": posts,
                "polling": polling,
                "announce": announce,
            },
        },
    )


@member_required
@require_POST
def post_on_linkedin(request: TenantRequest, moment_id: int, via: str) -> HttpResponse:
    """ "Post on LinkedIn now" or "Schedule…": the same questions as "Open in LinkedIn" (the
    guideline, "share anyway?"), then the post goes into the outbox; the worker posts it."""
    if via not in VIA_API or not linkedin_configured():
        raise Http404
    moment = _moment_or_404(request, moment_id)
    post_form = LinkedInPostForm(request.POST, schedule=via == "schedule")
    if not post_form.is_valid():
        return _page(
            request, moment, form=ComposeForm(request.POST), post_form=post_form, status=400
        )
    passed = _share_gate(request, moment, via=via, post_form=post_form)
    if isinstance(passed, HttpResponse):
        return passed
    form, _questions_asked = passed
    when = post_form.cleaned_data["post_at"] if via == "schedule" else None
    try:
        post = sharing_services.schedule_post(
            request.membership,
            moment,
            form.cleaned_data["text"],
            when,
            with_image=post_form.cleaned_data["with_image"],
            angle=form.cleaned_data["angle"],
        )
    except sharing_services.LinkedInProblem as problem:
        messages.error(request, problem.reason)
        return _page(request, moment, form=form, post_form=post_form, status=400)
    if via == "schedule":
        messages.success(
            request,
            _("Scheduled: your post goes out on LinkedIn on %(when)s. You can still cancel it.")
            % {"when": formats.date_format(timezone.localtime(post.run_at), "l j F, H:i")},
        )
    else:
        messages.success(request, _("Your post is on its way to LinkedIn."))
    back = reverse("compose:moment", kwargs={"moment_id": moment.pk})
    angle = form.cleaned_data["angle"]
    return redirect(back + (f"?{urlencode({'angle': angle})}" if angle else "") + "#linkedin-posts")


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
    questions = _questions(request, moment, text, drafts)
    return render(
        request,
        "compose/_check.html",
        {
            "result": questions.result,
            "pieces": checking.highlight(text, questions.result.findings),
            "ready": questions.text_ready,
            "moment": moment,
        },
    )


@member_required
@require_POST
def share_panel(request: TenantRequest, moment_id: int) -> HttpResponse:
    """What "Open in LinkedIn" asks first, for the panel on the compose page (htmx).

    The panel's own button then opens the one new tab, on LinkedIn.
    """
    moment = _moment_or_404(request, moment_id)
    form = ComposeForm(request.POST)
    text = normalise_newlines(request.POST.get("text", ""))
    drafts, _link = _drafts(request, moment)
    via = request.POST.get("via", "")
    via = via if via in VIA_API and linkedin_configured() else ""
    return render(
        request,
        "compose/_share_panel.html",
        {
            "questions": _questions(request, moment, text, drafts, form=form, via_api=bool(via)),
            "moment": moment,
            "in_dialog": True,
            "share_via": via,
        },
    )


def _acknowledged_here(request: TenantRequest) -> None:
    """ "I've read it" in the share panel: recorded as on the guideline's own page."""
    membership = request.membership
    version = guideline_selectors.needs_acknowledgement(membership.user, membership.org_id)
    if version is not None and request.GET.get("acknowledge") == str(version.pk):
        guideline_services.acknowledge(membership.user, version)


@member_required
@require_POST
def open_in_linkedin(request: TenantRequest, moment_id: int) -> HttpResponse:
    """Checks the text, then sends the browser to LinkedIn's composer with it.

    Anything to ask first (the guideline's summary to acknowledge, "share anyway?") is asked in
    place on the compose page, with the person's text, and never in a new tab. Sharing stays the
    person's decision: "change" findings ask for a confirmation, unless comms made the rule
    blocking.
    """
    moment = _moment_or_404(request, moment_id)
    passed = _share_gate(request, moment)
    if isinstance(passed, HttpResponse):
        return passed
    form, _questions_asked = passed
    return HttpResponseRedirect(sharing_services.linkedin_composer_url(form.cleaned_data["text"]))


def _share_gate(
    request: TenantRequest,
    moment: Moment,
    *,
    via: str = "",
    post_form: LinkedInPostForm | None = None,
) -> tuple[ComposeForm, ShareQuestions] | HttpResponse:
    """What every way to LinkedIn passes first (the composer link, posting now, scheduling):
    the check, the guideline's summary to acknowledge and "share anyway?", asked in place on
    the compose page. Returns the valid form and the answers, or the page that asks."""
    _acknowledged_here(request)
    form = ComposeForm(request.POST)
    text = normalise_newlines(request.POST.get("text", ""))
    drafts, _link = _drafts(request, moment)
    questions = _questions(
        request,
        moment,
        text,
        drafts,
        form=form,
        confirmed=request.POST.get("confirm") == "1",
        via_api=bool(via),
    )
    if questions.problems:
        return _page(
            request,
            moment,
            form=form,
            questions=questions,
            status=400,
            via=via,
            post_form=post_form,
        )
    if not questions.ready:
        return _page(request, moment, form=form, questions=questions, via=via, post_form=post_form)
    guideline_services.record_hits(request.membership.org_id, questions.result)
    return form, questions


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
    # Back to the draft they shared (their edits come back from the browser's session).
    back = reverse("compose:moment", kwargs={"moment_id": moment.pk})
    angle = form.cleaned_data["angle"]
    return redirect(back + (f"?{urlencode({'angle': angle})}" if angle else ""))


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
