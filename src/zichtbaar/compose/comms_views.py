"""Comms' side of moments: the list, writing and editing a moment, and the review workflow.

These pages live in compose, not in moments, because publishing runs the guideline check on the
moment's texts and on the drafts it will give (compose.review), both layers above moments.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zichtbaar.compose import llm, review, suggestions
from zichtbaar.moments import selectors, services
from zichtbaar.moments.forms import CommsMomentForm, MomentForm, ReturnForm
from zichtbaar.moments.models import TEXT_FIELDS, Moment, MomentStatus
from zichtbaar.orgs.decorators import comms_required
from zichtbaar.orgs.http import TenantRequest


@comms_required
def comms_list(request: TenantRequest) -> HttpResponse:
    org = request.org
    status = request.GET.get("status") or None
    if status not in (None, *MomentStatus.values):
        status = None
    counts = selectors.status_counts(org.pk)
    return render(
        request,
        "moments/comms_list.html",
        {
            "moments": selectors.moments_for_comms(org.pk, status)[:200],
            "submitted": selectors.moments_for_comms(org.pk, MomentStatus.SUBMITTED)[:50],
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in MomentStatus.choices
            ],
        },
    )


def _tag_suggestions(form: MomentForm) -> list[str]:
    kind = form.instance.type if form.instance.type_id else None
    tags = suggestions.suggested_tags(kind.key if kind else "default", form.language)
    return [tag.lstrip("#") for tag in tags]


@comms_required
def comms_edit(request: TenantRequest, moment_id: int | None = None) -> HttpResponse:
    """Write or edit a moment. Saving shows the check's findings; publishing (or approving a
    suggestion) happens only when there are none."""
    org = request.org
    moment = get_object_or_404(Moment, pk=moment_id, org=org) if moment_id else None
    form = CommsMomentForm(request.POST or None, request.FILES or None, instance=moment, org=org)
    result = None
    status = 200
    if request.method == "POST" and "translate" in request.POST:
        form = _translated(request, form, moment)
    elif request.method == "POST" and form.is_valid():
        data = form.moment_data()
        # Checked before anything is stored: form.instance holds the edited values.
        candidate = form.instance
        candidate.org = org
        candidate.translations = data["translations"]
        candidate.language = data["language"]
        involved = tuple(t.name for t in form.involved_teams())
        result = review.review_moment(candidate, org, involved)
        wants_publish = "publish" in request.POST or "approve" in request.POST
        # A published moment is in colleagues' drafts already: a save is a publication.
        live = moment is not None and moment.status == MomentStatus.PUBLISHED
        if not ((wants_publish or live) and result.blocking):
            if moment is None:
                moment = services.create_moment(
                    org=org,
                    author=request.user,
                    data=data,
                    teams=form.teams(),
                    involved_teams=form.involved_teams(),
                    involved_people=form.involved_people(),
                )
            else:
                services.update_moment(
                    moment,
                    data,
                    teams=form.teams(),
                    involved_teams=form.involved_teams(),
                    involved_people=form.involved_people(),
                )
            return _after_save(request, moment, result, wants_publish)
        status = 400
    return render(
        request,
        "moments/comms_edit.html",
        {
            "form": form,
            "moment": moment,
            "review": result,
            "tag_suggestions": _tag_suggestions(form),
            "can_translate": llm.is_configured(),
        },
        status=400 if form.errors else status,
    )


def _translated(
    request: TenantRequest, form: CommsMomentForm, moment: Moment | None
) -> CommsMomentForm:
    """The same form, nothing saved, with the other language filled in by the language model
    for comms to read and correct."""
    posted = request.POST.copy()
    fields = {name: posted.get(name, "") for name in TEXT_FIELDS if posted.get(name)}
    translated = llm.translate_moment(fields, form.language, form.other_language)
    if translated:
        for name, text in translated.items():
            posted[f"other_{name}"] = text
        messages.info(request, _("Translated. Please read it through before you save."))
    else:
        messages.warning(request, _("The translation didn't work just now; nothing was changed."))
    return CommsMomentForm(posted, request.FILES or None, instance=moment, org=request.org)


def _after_save(
    request: TenantRequest, moment: Moment, result: review.MomentReview, publish: bool
) -> HttpResponse:
    if publish and moment.status != MomentStatus.PUBLISHED:
        try:
            if moment.status == MomentStatus.SUBMITTED:
                services.approve(moment)
                messages.success(request, _("Approved and published. Thank you for reviewing."))
            else:
                services.publish(moment)
                messages.success(
                    request, _("Published. Colleagues in its audience can see it now.")
                )
        except services.TransitionError:
            messages.error(
                request, _("This moment has changed in the meantime; it was saved, not published.")
            )
    elif result.blocking:
        messages.warning(
            request,
            _("Saved. The check found something to change before this moment can be published."),
        )
    else:
        messages.success(request, _("Saved."))
    return redirect("compose:comms_detail", moment_id=moment.pk)


def _detail(
    request: TenantRequest,
    moment: Moment,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    involved = tuple(t.name for t in moment.involved_teams.all())
    return render(
        request,
        "moments/comms_detail.html",
        {
            "moment": moment,
            "return_form": return_form or ReturnForm(),
            "teams": list(moment.audience_teams.all()),
            "involved_teams": involved,
            "review": review.review_moment(moment, request.org, involved),
        },
        status=status,
    )


@comms_required
def comms_detail(request: TenantRequest, moment_id: int) -> HttpResponse:
    moment = get_object_or_404(selectors.moments_for_comms(request.org.pk), pk=moment_id)
    return _detail(request, moment)


@comms_required
@require_POST
def comms_action(request: TenantRequest, moment_id: int, action: str) -> HttpResponse:
    moment = get_object_or_404(Moment, pk=moment_id, org=request.org)
    try:
        if action in ("publish", "approve"):
            involved = tuple(t.name for t in moment.involved_teams.all())
            if review.review_moment(moment, request.org, involved).blocking:
                messages.error(
                    request,
                    _(
                        "Not published: the check found something that would reach every "
                        "colleague's drafts. Edit the moment first."
                    ),
                )
            elif action == "publish":
                services.publish(moment)
                messages.success(
                    request, _("Published. Colleagues in its audience can see it now.")
                )
            else:
                services.approve(moment)
                messages.success(request, _("Approved and published. Thank you for reviewing."))
        elif action == "archive":
            services.archive(moment)
            messages.success(request, _("Archived. It no longer shows on anyone's home."))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                return _detail(request, moment, form, status=400)
            services.return_to_submitter(moment, form.cleaned_data["comment"])
            messages.success(request, _("Returned to the submitter with your comment."))
        else:
            raise Http404
    except services.TransitionError:
        messages.error(request, _("This moment has changed in the meantime; nothing was done."))
    return redirect("compose:comms_detail", moment_id=moment.pk)
